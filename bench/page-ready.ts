/**
 * Ready-to-use time in Chromium: from navigation start (performance.timeOrigin) to the moment the first
 * checklist checkbox is attached, enabled and laid out with a non-empty box — i.e. an admin can tick it.
 * A MutationObserver installed before any page script records performance.now() at that moment.
 * Each load runs in a fresh browser context (no cache, no storage), as a first start of the app does.
 */
import type { Browser, BrowserContext } from '@playwright/test';

export { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/helpers/chromium';

export const READY_SELECTOR = 'li[data-item-id] input[type="checkbox"]';

/** Runs in the page before its own scripts; sets window.__benchReadyAt once the probe holds. */
const READY_PROBE = `(() => {
  const selector = ${JSON.stringify(READY_SELECTOR)};
  const ready = () => {
    const box = document.querySelector(selector);
    if (!box || box.disabled) return false;
    const rect = box.getBoundingClientRect();
    return rect.width > 0 && rect.height > 0;
  };
  const observer = new MutationObserver(() => {
    if (window.__benchReadyAt === undefined && ready()) {
      window.__benchReadyAt = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document, { childList: true, subtree: true, attributes: true });
})();`;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('@playwright/test');
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
}

function isLoopback(url: URL): boolean {
  return url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'about:';
}

export interface ReadyRun {
  readonly readyMs: number;
  /** Same-origin /assets/ files the page fetched, relative to the renderer folder. */
  readonly assets: string[];
}

/** One cold load of `url`; resolves with the ready time in ms since navigation start. */
export async function measureReady(browser: Browser, url: string, timeoutMs = 20_000): Promise<ReadyRun> {
  const context: BrowserContext = await browser.newContext({ viewport: { width: 900, height: 600 } });
  try {
    // Only loopback is reachable on this machine; nothing may wait on the network.
    await context.route(
      (u) => !isLoopback(u),
      (route) => route.abort(),
    );
    await context.addInitScript(READY_PROBE);
    const page = await context.newPage();
    const assets: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/assets/')) assets.push(u.pathname.slice(1));
    });
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => (window as unknown as { __benchReadyAt?: number }).__benchReadyAt,
      undefined,
      { timeout: timeoutMs },
    );
    const readyMs = (await handle.jsonValue()) as number;
    if (typeof readyMs !== 'number' || !(readyMs > 0)) throw new Error(`no ready time recorded for ${url}`);
    return { readyMs, assets };
  } finally {
    await context.close();
  }
}
