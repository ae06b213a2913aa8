/**
 * The BUILT Electron main bundle (out/main/index.js) started under plain Node with a stand-in
 * `electron` module (test/helpers/electron-stand-in.cjs): the start-up wiring of the shell — data
 * folder before the single-instance lock, scheme registration per platform, menu, window URL,
 * failure dialog — as the bundle really runs it. What only Electron itself can show (the OS
 * delivering a redirect, Chromium rendering) is left to the electron Playwright project.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const bundle = path.join(root, 'out/main/index.js');
const standIn = path.join(root, 'test/helpers/electron-stand-in.cjs');

interface StartupRecord {
  calls: unknown[][];
  windows: { options: { webPreferences: Record<string, unknown> }; loaded: string[] }[];
  menu?: { role?: string; submenu?: { role?: string }[] }[];
  errorBoxes: { title: string; content: string }[];
  userDataSetBeforeLock: string[];
}

let tmp: string;

async function start(name: string, env: Record<string, string>, argv: string[] = []): Promise<StartupRecord> {
  const dir = path.join(tmp, name);
  await mkdir(dir, { recursive: true });
  const recordFile = path.join(dir, 'record.json');
  const childEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !['PKCE_PILOT_HOME', 'ELECTRON_RENDERER_URL', 'APPIMAGE'].includes(k))
      childEnv[k] = v;
  }
  await run(process.execPath, ['-r', standIn, bundle, ...argv], {
    cwd: root,
    timeout: 30_000,
    env: {
      ...childEnv,
      STUB_RECORD: recordFile,
      STUB_DEFAULT_USERDATA: path.join(dir, 'default-userdata'),
      // xdg-mime writes mimeapps.list under XDG_CONFIG_HOME (or HOME): keep both in the test folder.
      HOME: dir,
      XDG_DATA_HOME: path.join(dir, 'xdg-data'),
      XDG_CONFIG_HOME: path.join(dir, 'xdg-config'),
      XDG_DATA_DIRS: path.join(dir, 'xdg-dirs'),
      // No session bus: the keychain is never reached at start-up.
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
      ...env,
    },
  }).catch((e: { code?: number }) => {
    if (typeof e.code !== 'number') throw e; // app.exit(1) is a recorded outcome, not a test error
  });
  return JSON.parse(await readFile(recordFile, 'utf8')) as StartupRecord;
}

function roles(menu: StartupRecord['menu']): string[] {
  return (menu ?? [])
    .flatMap((m) => [m.role ?? '', ...(m.submenu ?? []).map((s) => s.role ?? '')])
    .filter(Boolean);
}

describe('out/main/index.js under a stand-in electron', () => {
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'pkce-main-startup-'));
    await run('npx', ['electron-vite', 'build'], { cwd: root, timeout: 120_000 });
  }, 150_000);
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('loads jsforce, keytar and undici with require(), not through the ESM loader', async () => {
    const chunks = path.join(root, 'out/main/chunks');
    const { stdout } = await run('grep', [
      '-rhoE',
      'import\\("[^".][^"]*"\\)|require\\("(jsforce|keytar|undici)"\\)',
      chunks,
      bundle,
    ]);
    const found = new Set(stdout.trim().split('\n'));
    expect([...found].filter((s) => s.startsWith('import('))).toEqual([]);
    expect(found).toEqual(new Set(['require("jsforce")', 'require("keytar")', 'require("undici")']));
  });

  it('development run on Linux: dev server URL, developer menu, user desktop file for the dev scheme, no xdg-settings', async () => {
    const home = path.join(tmp, 'dev-home');
    const record = await start('dev', {
      PKCE_PILOT_HOME: home,
      ELECTRON_RENDERER_URL: 'http://localhost:5173',
    });
    expect(record.errorBoxes).toEqual([]);
    expect(record.userDataSetBeforeLock).toEqual([home]);
    expect(record.windows.map((w) => w.loaded)).toEqual([['http://localhost:5173/']]);
    expect(record.windows[0]?.options.webPreferences['devTools']).toBe(true);
    expect(roles(record.menu)).toContain('toggleDevTools');
    expect(record.calls.filter((c) => c[0] === 'setAsDefaultProtocolClient')).toEqual([]);
    const desktop = await readFile(
      path.join(tmp, 'dev/xdg-data/applications/pkce-pilot-dev.desktop'),
      'utf8',
    );
    expect(desktop).toContain('MimeType=x-scheme-handler/com.pkcepilot.app.dev;');
    expect(desktop).toContain(`"${process.execPath}" "${root}" %u`);
    // xdg-utils (a dependency of Chromium's packages) made it the default, in the test's own config.
    if (existsSync('/usr/bin/xdg-mime')) {
      const mimeapps = await readFile(path.join(tmp, 'dev/xdg-config/mimeapps.list'), 'utf8');
      expect(mimeapps).toContain('x-scheme-handler/com.pkcepilot.app.dev=pkce-pilot-dev.desktop');
    }
  });

  it('packaged deb on Linux: app protocol page, no developer menu or DevTools, scheme left to the package', async () => {
    const dirs = path.join(tmp, 'deb/xdg-dirs/applications');
    await mkdir(dirs, { recursive: true });
    await writeFile(path.join(dirs, 'com.pkcepilot.app.desktop'), '[Desktop Entry]\n');
    const record = await start('deb', {
      STUB_PACKAGED: '1',
      PKCE_PILOT_HOME: path.join(tmp, 'deb-home'),
      // Ignored by a packaged app.
      ELECTRON_RENDERER_URL: 'http://localhost:5173',
    });
    expect(record.errorBoxes).toEqual([]);
    expect(record.windows.map((w) => w.loaded)).toEqual([['app://pkce-pilot/index.html']]);
    expect(record.windows[0]?.options.webPreferences['devTools']).toBe(false);
    expect(roles(record.menu).filter((r) => /devtools|reload|viewMenu/i.test(r))).toEqual([]);
    expect(record.calls.filter((c) => c[0] === 'setAsDefaultProtocolClient')).toEqual([]);
    await expect(
      readFile(path.join(tmp, 'deb/xdg-data/applications/pkce-pilot-appimage.desktop')),
    ).rejects.toThrow();
  });

  it('packaged AppImage: registers a user desktop file that starts the AppImage', async () => {
    await start('appimage', {
      STUB_PACKAGED: '1',
      PKCE_PILOT_HOME: path.join(tmp, 'appimage-home'),
      APPIMAGE: '/home/ada/Apps/PKCE Pilot.AppImage',
    });
    const desktop = await readFile(
      path.join(tmp, 'appimage/xdg-data/applications/pkce-pilot-appimage.desktop'),
      'utf8',
    );
    expect(desktop).toContain('Exec="/home/ada/Apps/PKCE Pilot.AppImage" %u');
    expect(desktop).toContain('MimeType=x-scheme-handler/com.pkcepilot.app;');
  });

  it('an instance the OS starts with a redirect opens the data folder of the waiting sign-in, before the lock', async () => {
    const waitingFolder = path.join(tmp, 'profile-of-waiting-instance');
    const defaultFolder = path.join(tmp, 'handoff/default-userdata');
    await mkdir(defaultFolder, { recursive: true });
    // The note a waiting instance leaves (this test process stands in for it: alive).
    await writeFile(
      path.join(defaultFolder, 'sign-in-handoff.json'),
      JSON.stringify({ dataFolder: waitingFolder, pid: process.pid }),
    );
    const record = await start('handoff', { STUB_PACKAGED: '1' }, [
      'com.pkcepilot.app:/oauth/callback?code=abc&state=def',
    ]);
    expect(record.userDataSetBeforeLock).toEqual([waitingFolder]);
    expect(record.calls.find((c) => c[0] === 'requestSingleInstanceLock')).toEqual([
      'requestSingleInstanceLock',
      waitingFolder,
    ]);

    // Without a redirect in argv the admin's own start opens the default folder.
    const plain = await start('handoff', { STUB_PACKAGED: '1' });
    expect(plain.userDataSetBeforeLock).toEqual([]);
  });

  it('a failed start shows an error dialog with the plain message and exits 1', async () => {
    // The data folder is a file: the stores cannot open it.
    const blocked = path.join(tmp, 'not-a-folder');
    await writeFile(blocked, 'x');
    const record = await start('failure', { STUB_PACKAGED: '1', PKCE_PILOT_HOME: blocked });
    expect(record.errorBoxes).toHaveLength(1);
    expect(record.errorBoxes[0]?.title).toBe('PKCE Pilot could not start');
    expect(record.errorBoxes[0]?.content).toContain(blocked);
    expect(record.calls).toContainEqual(['exit', 1]);
  });
});
