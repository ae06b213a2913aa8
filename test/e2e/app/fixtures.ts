/**
 * The `app` fixture for specs written once for both projects:
 * - 'web': the built renderer in Chromium, backed by the web bridge (real core, real stores and keychain);
 * - 'electron': the real app via ./electron-launch.ts (owned by the Electron-shell engineer).
 * Each test gets a fresh data folder; restart() brings the app back on the same folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  test as base,
  expect,
  type BrowserContext,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import { startBridgeServer, type BridgeServer } from '../web-bridge/server';

export interface AppHandle {
  readonly kind: 'web' | 'electron';
  /** The app window (Electron) or tab (web). Changes after restart() in Electron. */
  page: Page;
  readonly dataFolder: string;
  /** Reload (web: a new bridge with new stores) or relaunch (Electron) on the same data folder. */
  restart(): Promise<void>;
  /** Web only: resolves with the next URL the app opens in the "system browser". */
  readonly nextBrowserOpen?: () => Promise<string>;
  /** Web only: deep links the app asked to open in the system browser. */
  readonly externalOpens?: () => readonly string[];
  /** Web only: a second page that plays the system browser. */
  readonly newBrowserPage?: () => Promise<Page>;
  /** Hands a custom-scheme redirect to the app as the OS would (web bridge or Electron's open-url). */
  readonly handOffRedirect: (url: string) => Promise<void>;
}

interface ElectronLaunch {
  launchElectronApp(options: {
    dataFolder: string;
  }): Promise<{ page: Page; app: ElectronApplication; close(): Promise<void> }>;
}

function isLoopback(url: URL): boolean {
  return (
    url.hostname === '127.0.0.1' ||
    url.hostname === 'localhost' ||
    url.protocol === 'data:' ||
    url.protocol === 'about:'
  );
}

export const test = base.extend<{ app: AppHandle }>({
  app: async ({ browser }, use, testInfo) => {
    const dataFolder = mkdtempSync(path.join(tmpdir(), 'pkce-pilot-e2e-'));
    try {
      if (testInfo.project.name === 'electron') {
        // Loaded lazily so the web project never loads the Electron launcher. require(), not import():
        // Playwright runs specs as CommonJS, and a dynamic import() of a .ts file bypasses its loader.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { launchElectronApp } = require('./electron-launch') as ElectronLaunch;
        let running = await launchElectronApp({ dataFolder });
        const handle: AppHandle = {
          kind: 'electron',
          page: running.page,
          dataFolder,
          async restart() {
            await running.close();
            running = await launchElectronApp({ dataFolder });
            handle.page = running.page;
          },
          // macOS delivery path; main/electron/os-handoff.ts routes every path to the same core entry.
          handOffRedirect: async (url) => {
            await running.app.evaluate(({ app }, redirect) => {
              app.emit('open-url', { preventDefault() {} }, redirect);
            }, url);
          },
        };
        await use(handle);
        await running.close();
        return;
      }

      let server: BridgeServer = await startBridgeServer({ home: dataFolder });
      const context: BrowserContext = await browser.newContext({ viewport: { width: 900, height: 600 } });
      // Nothing may wait on the closed network: only loopback is reachable.
      await context.route(
        (url) => !isLoopback(url),
        (route) => route.abort(),
      );
      const page = await context.newPage();
      // The renderer must run under its strict CSP without a single violation (no inline style or script).
      const cspViolations: string[] = [];
      page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
      });
      await page.goto(server.url);
      const handle: AppHandle = {
        kind: 'web',
        page,
        dataFolder,
        async restart() {
          await server.close();
          server = await startBridgeServer({ home: dataFolder });
          await handle.page.goto(server.url);
        },
        nextBrowserOpen: () => server.nextBrowserOpen(),
        externalOpens: () => server.externalOpens,
        newBrowserPage: () => context.newPage(),
        handOffRedirect: (url) => server.handOffRedirect(url),
      };
      await use(handle);
      await context.close();
      await server.close();
      expect(cspViolations).toEqual([]);
    } finally {
      rmSync(dataFolder, { recursive: true, force: true });
    }
  },
});

export { expect };

/** Fills and submits the add-org form (labels as the admin sees them). */
export async function addOrg(
  page: Page,
  org: {
    alias: string;
    salesforceLoginUrl: string;
    clientId: string;
    redirect?: 'loopback' | 'scheme';
    port?: string;
    oktaOrgUrl?: string;
    oktaClientId?: string;
  },
): Promise<void> {
  const form = page.getByRole('form', { name: /add an org/i });
  await form.getByLabel('Alias').fill(org.alias);
  await form.getByLabel('Salesforce login URL').fill(org.salesforceLoginUrl);
  await form.getByLabel('Salesforce Consumer Key').fill(org.clientId);
  if (org.redirect) await form.getByLabel('Sign-in return').selectOption(org.redirect);
  if (org.port) await form.getByLabel('Loopback port').fill(org.port);
  if (org.oktaOrgUrl) await form.getByLabel('Okta org URL').fill(org.oktaOrgUrl);
  if (org.oktaClientId) await form.getByLabel('Okta client id').fill(org.oktaClientId);
  await form.getByRole('button', { name: 'Add org' }).click();
}

export function itemRow(page: Page, itemId: string) {
  return page.locator(`li[data-item-id="${itemId}"]`);
}
