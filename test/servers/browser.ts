/**
 * The "system browser" for end-to-end sign-in tests: Debian's Chromium driven by Playwright, cut off
 * from everything but loopback, plus a helper that signs in on the test servers' pages and reports
 * where the server finally redirected — including custom-scheme callbacks, which Chromium aborts
 * and Playwright never reports, so they are read from the DevTools protocol instead.
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test';

export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../helpers/chromium';

export interface SystemBrowser {
  browser: Browser;
  context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export async function launchSystemBrowser(): Promise<SystemBrowser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
  });
  const context = await browser.newContext();
  // The machine has no internet: anything non-loopback (e.g. remote web fonts) would only stall pages.
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    return LOOPBACK_HOSTS.has(hostname) ? route.continue() : route.abort('blockedbyclient');
  });
  return {
    browser,
    context,
    newPage: () => context.newPage(),
    close: () => browser.close(),
  };
}

export interface BrowserLoginOptions {
  login: string;
  password?: string;
  /** Press "Cancel" on the consent page (the server then redirects with error=access_denied). */
  deny?: boolean;
  /** How long to wait for each step; default 15 s. */
  stepTimeoutMs?: number;
  /**
   * The callback to watch for, when the URL opened carries none (PKCE Pilot's one-time start link,
   * which redirects to the authorization URL); default: the URL's redirect_uri.
   */
  redirectUri?: string;
}

/**
 * Opens the authorization URL, fills the login form and answers the consent page, and resolves with
 * the URL the server redirected to (the request's redirect_uri plus code/state or error).
 * With a server in autoConsent mode no page appears and the redirect is returned directly.
 */
export async function completeLoginInBrowser(
  page: Page,
  authorizationUrl: string,
  options: BrowserLoginOptions,
): Promise<{ finalUrl: string }> {
  const redirectUri = options.redirectUri ?? new URL(authorizationUrl).searchParams.get('redirect_uri');
  if (!redirectUri) throw new Error('the authorization URL has no redirect_uri');
  const timeout = options.stepTimeoutMs ?? 15_000;
  const cdp = await page.context().newCDPSession(page);
  try {
    const callback = watchForCallback(cdp, redirectUri);
    await cdp.send('Network.enable');
    // The final navigation may abort (custom scheme) or fail (no loopback listener): that is expected.
    void page.goto(authorizationUrl).catch(() => undefined);

    // A browser that already has a session at the server skips the login page.
    const LOGIN = 'input[name=prompt][value=login]';
    const CONSENT = 'input[name=prompt][value=consent]';
    if (
      await settle(callback.url, page.waitForSelector(`${LOGIN}, ${CONSENT}`, { state: 'attached', timeout }))
    )
      return { finalUrl: await callback.url };
    if (await page.$(LOGIN)) {
      await page.fill('input[name=login]', options.login);
      await page.fill('input[name=password]', options.password ?? 'any-password');
      await page.click('button[type=submit]').catch(() => undefined);
      if (await settle(callback.url, page.waitForSelector(CONSENT, { state: 'attached', timeout })))
        return { finalUrl: await callback.url };
    }
    const action = options.deny ? page.click('a[href$="/abort"]') : page.click('button[type=submit]');
    await action.catch(() => undefined);
    return { finalUrl: await withTimeout(callback.url, timeout, () => page.url()) };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

interface CallbackWatch {
  url: Promise<string>;
}

function watchForCallback(cdp: CDPSession, redirectUri: string): CallbackWatch {
  let resolve!: (url: string) => void;
  const url = new Promise<string>((r) => (resolve = r));
  const consider = (candidate: string | undefined, base?: string): void => {
    if (!candidate) return;
    let absolute: string;
    try {
      absolute = new URL(candidate, base).toString();
    } catch {
      return;
    }
    if (absolute.startsWith(redirectUri) || candidate.startsWith(redirectUri))
      resolve(candidate.startsWith(redirectUri) ? candidate : absolute);
  };
  const locationOf = (headers: Record<string, string> | undefined): string | undefined =>
    headers?.location ?? headers?.Location;
  cdp.on('Network.requestWillBeSent', (event) => {
    consider(event.request.url);
    consider(
      locationOf(event.redirectResponse?.headers as Record<string, string> | undefined),
      event.redirectResponse?.url,
    );
  });
  // Chromium drops custom-scheme navigations before a request exists; the 30x's Location still shows here.
  cdp.on('Network.responseReceivedExtraInfo', (event) =>
    consider(locationOf(event.headers as Record<string, string>)),
  );
  return { url };
}

/** True when the callback arrived first; false when the awaited page element appeared first. */
async function settle(callback: Promise<string>, element: Promise<unknown>): Promise<boolean> {
  return Promise.race([callback.then(() => true), element.then(() => false)]);
}

function withTimeout<T>(promise: Promise<T>, ms: number, describe: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no redirect to the callback within ${ms} ms (page at ${describe()})`)),
      ms,
    );
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
