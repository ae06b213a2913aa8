/**
 * Links and sign-in go to the system browser (shell.openExternal, replaced here to capture the URL),
 * only to allow-listed places, and the OS redirect hand-off (open-url, second-instance) reaches the
 * core. Skipped where no Electron binary exists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { electronSkipReason, launchElectronApp, type RunningElectronApp } from '../app/electron-launch';

test.skip(electronSkipReason() !== undefined, electronSkipReason());

const DEV_SCHEME = 'com.pkcepilot.app.dev';

let running: RunningElectronApp;
let dataFolder: string;
test.beforeEach(async () => {
  dataFolder = mkdtempSync(path.join(tmpdir(), 'pkce-pilot-electron-'));
  running = await launchElectronApp({ dataFolder });
  await captureOpenExternal(running.app);
});
test.afterEach(async () => {
  await running?.close();
  rmSync(dataFolder, { recursive: true, force: true });
});

async function captureOpenExternal(app: ElectronApplication): Promise<void> {
  await app.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as unknown as { opened: string[] }).opened = opened;
    shell.openExternal = async (url: string) => {
      opened.push(url);
    };
  });
}

const opened = (app: ElectronApplication) =>
  app.evaluate(() => [...(globalThis as unknown as { opened: string[] }).opened]);

type Api = Record<
  string,
  (input?: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>
>;
function call(page: Page, method: string, input?: unknown) {
  return page.evaluate(
    ([m, i]) => {
      const fn = (window as unknown as { pkcePilot: Api }).pkcePilot[m as string];
      if (!fn) throw new Error(`window.pkcePilot has no ${String(m)}`);
      return fn(i);
    },
    [method, input] as const,
  );
}

async function addOrg(page: Page, redirect: 'scheme' | 'loopback' = 'scheme') {
  const added = await call(page, 'orgs.add', {
    alias: 'acme',
    salesforceLoginUrl: 'https://acme.my.salesforce.com',
    clientId: '3MVG9PkcePilotE2E',
    redirect,
    oktaOrgUrl: 'https://acme.okta.com',
    oktaClientId: '0oaPkcePilotE2E',
  });
  expect(added.ok).toBe(true);
}

test('admin deep links open in the system browser on the org’s hosts', async () => {
  await addOrg(running.page);
  const sf = await call(running.page, 'links.open', { alias: 'acme', target: 'salesforce.app-manager' });
  const okta = await call(running.page, 'links.open', { alias: 'acme', target: 'okta.applications' });
  expect(sf.ok && okta.ok).toBe(true);
  expect(await opened(running.app)).toEqual([
    'https://acme.my.salesforce.com/lightning/setup/NavigationMenus/home',
    'https://acme-admin.okta.com/admin/apps/active',
  ]);
});

/** What the browser would do with the start link: one request, the Location of its redirect. */
async function followStartLink(url: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return res.headers.get('location') ?? '';
}

test('sign-in opens the authorize URL of the configured server in the system browser, with PKCE S256 only', async () => {
  await addOrg(running.page);
  const started = await call(running.page, 'signIn.start', { alias: 'acme', provider: 'salesforce' });
  expect(started).toMatchObject({ ok: true, value: { phase: 'waiting-for-browser' } });
  const [url] = await opened(running.app);
  // The opener gets a one-time local start link without state or challenge; it redirects to the server.
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/start\/[A-Za-z0-9_-]{43}$/);
  const authorize = new URL(await followStartLink(url ?? ''));
  expect(authorize.origin).toBe('https://acme.my.salesforce.com');
  expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authorize.searchParams.get('redirect_uri')).toBe(`${DEV_SCHEME}:/oauth/callback/acme/salesforce`);
  expect(authorize.searchParams.has('code_verifier')).toBe(false);
  await call(running.page, 'signIn.cancel', { alias: 'acme', provider: 'salesforce' });
});

for (const via of ['open-url', 'second-instance'] as const) {
  test(`a redirect handed over by the OS via ${via} reaches the pending sign-in`, async () => {
    await addOrg(running.page);
    const events = running.page.evaluate(
      () =>
        new Promise<unknown[]>((resolve) => {
          const seen: unknown[] = [];
          const api = (
            window as unknown as {
              pkcePilot: { onEvent(cb: (e: { type: string; phase?: string }) => void): () => void };
            }
          ).pkcePilot;
          const stop = api.onEvent((e) => {
            seen.push(e);
            // After the browser leg: the code exchange starts (and fails here: the org host is offline).
            if (e.type === 'sign-in' && e.phase !== 'waiting-for-browser') {
              stop();
              resolve(seen);
            }
          });
        }),
    );
    await call(running.page, 'signIn.start', { alias: 'acme', provider: 'salesforce' });
    const [url] = await opened(running.app);
    const state = new URL(await followStartLink(url ?? '')).searchParams.get('state');
    const redirect = `${DEV_SCHEME}:/oauth/callback/acme/salesforce?code=e2e-code&state=${state}`;
    if (via === 'open-url') {
      await running.app.evaluate(({ app }, u) => app.emit('open-url', { preventDefault() {} }, u), redirect);
    } else {
      await running.app.evaluate(
        ({ app }, u) => app.emit('second-instance', {}, [process.execPath, u], process.cwd()),
        redirect,
      );
    }
    const seen = (await events) as { type: string; alias?: string; phase?: string }[];
    expect(seen.at(-1)).toMatchObject({ type: 'sign-in', alias: 'acme' });
    expect(seen.at(-1)?.phase).not.toBe('cancelled');
    expect(JSON.stringify(seen)).not.toContain('e2e-code');
  });
}
