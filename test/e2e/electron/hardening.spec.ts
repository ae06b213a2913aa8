/** Electron-only hardening checks against the real app (skipped where no Electron binary exists). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { electronSkipReason, launchElectronApp, type RunningElectronApp } from '../app/electron-launch';

test.skip(electronSkipReason() !== undefined, electronSkipReason());

let running: RunningElectronApp;
let dataFolder: string;
test.beforeEach(async () => {
  dataFolder = mkdtempSync(path.join(tmpdir(), 'pkce-pilot-electron-'));
  running = await launchElectronApp({ dataFolder });
});
test.afterEach(async () => {
  await running?.close();
  rmSync(dataFolder, { recursive: true, force: true });
});

test('the window is isolated, sandboxed and served from the app protocol', async () => {
  // getLastWebPreferences is not in Electron's typings; when the build has it, check the real values.
  const prefs = await running.app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as {
      getLastWebPreferences?: () => unknown;
    };
    return contents.getLastWebPreferences?.() ?? null;
  });
  if (prefs !== null) {
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      webSecurity: true,
    });
  }
  expect(running.page.url()).toMatch(/^app:\/\/pkce-pilot\//);

  const exposed = await running.page.evaluate(() => ({
    require: typeof (window as unknown as { require?: unknown }).require,
    process: typeof (window as unknown as { process?: unknown }).process,
    api: Object.keys((window as unknown as { pkcePilot: object }).pkcePilot).sort(),
  }));
  expect(exposed.require).toBe('undefined');
  expect(exposed.process).toBe('undefined');
  expect(exposed.api).toContain('orgs.list');
  expect(exposed.api).toContain('onEvent');
  expect(exposed.api).not.toContain('ipcRenderer');
});

test('responses carry the CSP, and paths outside the renderer folder are not served', async () => {
  const result = await running.page.evaluate(async () => {
    const index = await fetch('/index.html');
    const escaped = await fetch('/assets%2f..%2f..%2fmain%2findex.js');
    return { csp: index.headers.get('content-security-policy'), escapedStatus: escaped.status };
  });
  expect(result.csp).toContain("default-src 'self'");
  expect(result.csp).toContain("script-src 'self'");
  expect(result.escapedStatus).toBe(404);
});

test('navigation away from the app is prevented', async () => {
  const attempt = running.app.evaluate(
    ({ BrowserWindow }) =>
      new Promise<{ url: string; prevented: boolean }>((resolve) => {
        BrowserWindow.getAllWindows()[0]?.webContents.once('will-navigate', (event, url) =>
          resolve({ url, prevented: event.defaultPrevented }),
        );
      }),
  );
  await running.page.evaluate(() => {
    window.location.href = 'https://example.com/';
  });
  expect(await attempt).toEqual({ url: 'https://example.com/', prevented: true });
  expect(running.page.url()).toMatch(/^app:\/\/pkce-pilot\//);
});

test('window.open is denied and nothing reaches the system browser', async () => {
  await running.app.evaluate(({ shell }) => {
    const opened: string[] = [];
    (globalThis as unknown as { opened: string[] }).opened = opened;
    shell.openExternal = async (url: string) => {
      opened.push(url);
    };
  });
  const popup = await running.page.evaluate(() => window.open('https://login.salesforce.com/') === null);
  expect(popup).toBe(true);
  const state = await running.app.evaluate(({ BrowserWindow }) => ({
    windows: BrowserWindow.getAllWindows().length,
    opened: (globalThis as unknown as { opened: string[] }).opened,
  }));
  expect(state).toEqual({ windows: 1, opened: [] });
});

test('permission requests are denied', async () => {
  const state = await running.page.evaluate(
    async () => (await navigator.permissions.query({ name: 'geolocation' })).state,
  );
  expect(state).toBe('denied');
});
