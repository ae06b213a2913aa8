/**
 * Launches the real Electron app for the 'electron' Playwright project (used by ./fixtures.ts and
 * ../electron/*.spec.ts). Where no Electron binary is installed (this machine, CI without the
 * download), electronSkipReason() says why and launchElectronApp() skips the calling test.
 *
 * E2E runs `out/main/index.js` with the stock Electron binary, whose fuses are untouched: Playwright
 * drives Electron through the Node inspector, which the release build's
 * enableNodeCliInspectArguments=false fuse turns off (see electron-builder.yml).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron, test, type ElectronApplication, type Page } from '@playwright/test';

const root = path.resolve(__dirname, '../../..');
const require = createRequire(path.join(root, 'package.json'));

/**
 * Where `require('electron')` would find the binary — computed WITHOUT requiring the package,
 * because on a machine without the binary that require starts a download.
 */
function electronBinaryPath(): { path?: string; missing?: string } {
  let packageDir: string;
  try {
    packageDir = path.dirname(require.resolve('electron/package.json'));
  } catch {
    return { missing: 'the electron package is not installed' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env['ELECTRON_OVERRIDE_DIST_PATH'];
  if (override) {
    const binary = path.join(override, relative ?? 'electron');
    return existsSync(binary) ? { path: binary } : { missing: binary };
  }
  if (relative === undefined) return { missing: `${pathFile} is missing` };
  const binary = path.join(packageDir, 'dist', relative);
  return existsSync(binary) ? { path: binary } : { missing: binary };
}

/** Undefined when Electron can run here; otherwise why the Electron specs skip. */
export function electronSkipReason(): string | undefined {
  const found = electronBinaryPath();
  if (found.path) return undefined;
  return `Electron binary not available on this machine (${found.missing ?? 'unknown'})`;
}

/**
 * The app's environment: its own data folder (own single-instance lock, stores and settings per
 * test), and Electron's security warnings ON — Electron disables them for ANY non-empty
 * ELECTRON_DISABLE_SECURITY_WARNINGS (even 'false'), so the variable is removed, not set.
 * On Linux a development run registers its redirect scheme with a user desktop file and xdg-mime
 * (main/electron/scheme-registration.ts): the XDG folders point into the test's data folder, so a
 * test run never changes the developer's own handlers.
 */
export function launchEnv(dataFolder: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_DISABLE_SECURITY_WARNINGS') env[name] = value;
  }
  env['PKCE_PILOT_HOME'] = dataFolder;
  env['XDG_DATA_HOME'] = path.join(dataFolder, 'xdg-data');
  env['XDG_CONFIG_HOME'] = path.join(dataFolder, 'xdg-config');
  return env;
}

export interface RunningElectronApp {
  readonly page: Page;
  readonly app: ElectronApplication;
  close(): Promise<void>;
}

export async function launchElectronApp({ dataFolder }: { dataFolder: string }): Promise<RunningElectronApp> {
  const reason = electronSkipReason();
  test.skip(reason !== undefined, reason);
  const executablePath = electronBinaryPath().path;
  if (!executablePath) throw new Error(reason);

  const chromiumArgs: string[] = [];
  // Chromium refuses to start as root without this (CI containers); the renderer stays
  // JS-sandboxed (webPreferences.sandbox) either way.
  if (process.getuid?.() === 0) chromiumArgs.push('--no-sandbox');
  // No display (headless CI without xvfb): Chromium's headless Ozone backend.
  if (process.platform === 'linux' && !process.env['DISPLAY'] && !process.env['WAYLAND_DISPLAY']) {
    chromiumArgs.push('--ozone-platform=headless');
  }

  const app = await _electron.launch({
    executablePath,
    args: [...chromiumArgs, path.join(root, 'out/main/index.js')],
    cwd: root,
    env: launchEnv(dataFolder),
  });
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  return {
    page,
    app,
    async close() {
      await app.close();
    },
  };
}
