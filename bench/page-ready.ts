/**
 * Ready-to-use time in Chromium: from navigation start (performance.timeOrigin) to the moment the n-th
 * element matching a selector is attached, enabled and laid out with a non-empty box — by default the
 * first checklist checkbox, i.e. an admin can tick it. A MutationObserver installed before any page
 * script records performance.now() at that moment, and how many elements matched then.
 * Each load runs in a fresh browser context (no cache; no storage unless the caller hands some in, as
 * a view the app remembered from last time), as a start of the app does.
 */
import type { Browser, BrowserContext, Request } from '@playwright/test';

export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium';

export const READY_SELECTOR = 'li[data-item-id] input[type="checkbox"]';

/** What "ready" waits for: the `nth` (1-based) element matching `selector`, enabled and laid out. */
export interface ReadyTarget {
  readonly selector: string;
  readonly nth: number;
}

export const CHECKLIST_READY: ReadyTarget = { selector: READY_SELECTOR, nth: 1 };

/**
 * Runs in the page before its own scripts; once the probe holds it sets window.__benchReadyAt and
 * window.__benchReadyCount (how many elements matched the selector at that moment).
 */
export function readyProbe(target: ReadyTarget): string {
  if (!Number.isInteger(target.nth) || target.nth < 1) throw new Error('nth must be a whole number ≥ 1');
  return `(() => {
  const selector = ${JSON.stringify(target.selector)};
  const nth = ${target.nth};
  const ready = () => {
    const all = document.querySelectorAll(selector);
    const el = all[nth - 1];
    if (!el || el.disabled) return false;
    const rect = el.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0 ? all.length : false;
  };
  const observer = new MutationObserver(() => {
    if (window.__benchReadyAt !== undefined) return;
    const count = ready();
    if (count !== false) {
      window.__benchReadyAt = performance.now();
      window.__benchReadyCount = count;
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;
}

/**
 * Host names other than the machine's own resolve to nothing, so a request that leaves the machine
 * fails at once instead of waiting on DNS; measureReady then fails the load (see `offMachine`).
 * Requests are not intercepted: Playwright's interception pauses every request for a round trip to
 * this process, which measured 16 → 183 ms for the app's first request (`app.start`) and timed the
 * harness rather than the page — more so for the page with more requests.
 */
const OFFLINE_ARGS = ['--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost'];

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('@playwright/test');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [...CHROMIUM_ARGS, ...OFFLINE_ARGS],
    headless: true,
  });
}

/**
 * The page's requests still under way, the app's event stream aside (it stays open as long as the page).
 */
class RequestsInFlight {
  private readonly open = new Set<Request>();
  private lastActivity = performance.now();

  started(r: Request): void {
    if (r.resourceType() === 'eventsource') return;
    this.open.add(r);
    this.lastActivity = performance.now();
  }

  ended(r: Request): void {
    if (this.open.delete(r)) this.lastActivity = performance.now();
  }

  /**
   * Resolves once no request has been under way for `quietMs` (an answer often starts the next request);
   * throws when that takes longer than `timeoutMs`.
   */
  async settled(timeoutMs: number, quietMs = 100): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (this.open.size > 0 || performance.now() - this.lastActivity < quietMs) {
      if (performance.now() > deadline)
        throw new Error(`the page's requests were still under way ${timeoutMs} ms after it was ready`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'about:';
}

export interface ReadyRun {
  readonly readyMs: number;
  /** How many elements matched the target's selector when it was ready. */
  readonly matched: number;
  /** Same-origin /assets/ files the page fetched, relative to the renderer folder. */
  readonly assets: string[];
}

export interface ReadyOptions {
  readonly target?: ReadyTarget;
  /** localStorage entries the page's origin holds before the load (what the app remembered last time). */
  readonly localStorage?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

/** One cold load of `url`; resolves with the ready time in ms since navigation start. */
export async function measureReady(
  browser: Browser,
  url: string,
  options: ReadyOptions = {},
): Promise<ReadyRun> {
  const { target = CHECKLIST_READY, timeoutMs = 20_000 } = options;
  const stored = Object.entries(options.localStorage ?? {});
  const context: BrowserContext = await browser.newContext({
    viewport: { width: 900, height: 600 },
    ...(stored.length > 0
      ? {
          storageState: {
            cookies: [],
            origins: [
              { origin: new URL(url).origin, localStorage: stored.map(([name, value]) => ({ name, value })) },
            ],
          },
        }
      : {}),
  });
  try {
    await context.addInitScript(readyProbe(target));
    const page = await context.newPage();
    const assets: string[] = [];
    const offMachine: string[] = [];
    const inFlight = new RequestsInFlight();
    page.on('request', (r) => {
      const u = new URL(r.url());
      // A page timed here must not depend on the network: one request off this machine fails the load.
      if (!isLoopback(u)) offMachine.push(u.origin);
      if (u.pathname.startsWith('/assets/')) assets.push(u.pathname.slice(1));
      inFlight.started(r);
    });
    page.on('requestfinished', (r) => inFlight.ended(r));
    page.on('requestfailed', (r) => inFlight.ended(r));
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => (window as unknown as { __benchReadyAt?: number }).__benchReadyAt,
      undefined,
      { timeout: timeoutMs },
    );
    const readyMs = (await handle.jsonValue()) as number;
    if (typeof readyMs !== 'number' || !(readyMs > 0)) throw new Error(`no ready time recorded for ${url}`);
    const matched = await page.evaluate(
      () => (window as unknown as { __benchReadyCount?: number }).__benchReadyCount ?? 0,
    );
    // What the page asks for after it is ready (the sign-in column's keychain reads, the board) must not
    // run into the next load and be timed there: the load ends when its own requests have.
    await inFlight.settled(timeoutMs);
    if (offMachine.length > 0)
      throw new Error(
        `${url} asked for ${offMachine.join(', ')}: a timed page may only load from this machine`,
      );
    return { readyMs, matched, assets };
  } finally {
    await context.close();
  }
}
