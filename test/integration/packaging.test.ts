/**
 * Packaging, offline: electron-builder.yml against electron-builder's own schema, then a real Linux
 * build of the electron-vite output with a stub Electron distribution (no download): the unpacked
 * app (what `--linux dir` produces) and the deb and AppImage targets up to the step that needs a
 * downloaded tool (fpm, appimagetool). electron-builder's `effectiveOptionComputed` hook hands over
 * what those tools would receive — the fpm arguments and the desktop entries — and stops there.
 * Then a look inside app.asar: what ships, what must not, and keytar unpacked.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as asar from '@electron/asar';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { getPngSize } from 'app-builder-lib/out/util/iconConverter';
import { DebugLogger } from 'builder-util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const electronVersion = (
  JSON.parse(await readFile(path.join(root, 'node_modules/electron/package.json'), 'utf8')) as {
    version: string;
  }
).version;

/** Any download attempt goes to a closed loopback port and fails at once instead of hanging. */
const OFFLINE_ENV = {
  ...process.env,
  HTTPS_PROXY: 'http://127.0.0.1:9',
  HTTP_PROXY: 'http://127.0.0.1:9',
  https_proxy: 'http://127.0.0.1:9',
  http_proxy: 'http://127.0.0.1:9',
  NO_PROXY: '',
  ELECTRON_MIRROR: 'http://127.0.0.1:9/',
  ELECTRON_BUILDER_BINARIES_MIRROR: 'http://127.0.0.1:9/',
  ELECTRON_BUILDER_OFFLINE: 'true',
  CSC_IDENTITY_AUTO_DISCOVERY: 'false',
};

describe('electron-builder.yml', () => {
  it('is valid against electron-builder’s schema and keeps the release settings', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    await validateConfiguration(config, new DebugLogger(false));
    expect(config.appId).toBe('com.pkcepilot.app');
    expect(config.productName).toBe('PKCE Pilot');
    expect(config.protocols).toEqual([expect.objectContaining({ schemes: ['com.pkcepilot.app'] })]);
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
      resetAdHocDarwinSignature: true,
    });
    expect(config.mac?.hardenedRuntime).toBe(true);
    await expect(stat(path.join(root, String(config.mac?.entitlements)))).resolves.toBeTruthy();
  });

  it('carries what every declared target needs', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    const pkg = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as {
      homepage?: string;
      author?: { email?: string };
      desktopName?: string;
      dependencies: Record<string, string>;
    };
    // deb: homepage + maintainer (or author email); fpm refuses to start without them.
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(config.linux?.maintainer ?? pkg.author?.email).toMatch(/<?[^@\s]+@[^@\s]+>?/);
    // Electron reads desktopName for CHROME_DESKTOP and the app id; the installed file must carry the
    // same name, a reverse-DNS id (Electron 45 app.setDesktopName docs) — the app id.
    expect(pkg.desktopName).toBe(`${String(config.appId)}.desktop`);
    expect(config.linux?.syncDesktopName).toBe(true);
    // macOS: unsigned arm64 builds with flipped fuses need a fresh ad-hoc signature to launch.
    expect(config.electronFuses?.resetAdHocDarwinSignature).toBe(true);
    // One icon source ≥ 512 px (macOS needs 512 for .icns, Windows 256 for .ico).
    const icon = path.join(root, String(config.icon));
    const { width, height } = await getPngSize(icon);
    expect(Math.min(width, height)).toBeGreaterThanOrEqual(512);
    // Windows: the uninstaller removes the per-user scheme registration, but not during an update.
    const nsh = await readFile(path.join(root, String(config.nsis?.include)), 'utf8');
    const scheme = String(config.protocols && [config.protocols].flat()[0]?.schemes[0]);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*\$\{ifNot\} \$\{isUpdated\}[\s\S]*!macroend/);
    expect(nsh).toContain(`DeleteRegKey HKCU "Software\\Classes\\${scheme}"`);
    // Bundled by electron-vite: a runtime dependency would put a second copy into app.asar.
    for (const bundled of ['react', 'react-dom', 'zod', 'oauth4webapi']) {
      expect(Object.keys(pkg.dependencies)).not.toContain(bundled);
    }
  });
});

interface LinuxTargetsSeen {
  /** The fpm command line of the deb target (stopped before fpm runs). */
  readonly debArgs?: string[];
  /** The desktop file the deb would install. */
  readonly debDesktop?: string;
  /** The deb's post-install script. */
  readonly debAfterInstall?: string;
  /** The AppImage's desktop entry and its file name. */
  readonly appImageDesktop?: string;
  readonly appImageDesktopFile?: string;
}

/** `Key=value` lines of a desktop entry's [Desktop Entry] group. */
function desktopKeys(entry: string): Record<string, string> {
  const group = entry.split(/^\[/m).find((g) => g.startsWith('Desktop Entry]')) ?? '';
  return Object.fromEntries(
    group
      .split('\n')
      .slice(1)
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('linux build (unpacked dir, deb and AppImage up to their tools) with a stub Electron', () => {
  let tmp: string;
  let resources: string;
  let files: string[];
  let seen: LinuxTargetsSeen;

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'pkce-pack-'));
    const dist = path.join(tmp, 'electron-dist');
    await mkdir(path.join(dist, 'resources'), { recursive: true });
    await writeFile(path.join(dist, 'electron'), '#!/bin/sh\nexit 0\n');
    await chmod(path.join(dist, 'electron'), 0o755);
    await writeFile(path.join(dist, 'version'), electronVersion);
    await writeFile(path.join(dist, 'LICENSE'), 'stub');

    await run('npx', ['electron-vite', 'build'], { cwd: root, env: OFFLINE_ENV, timeout: 120_000 }).catch(
      (e: { stdout?: string; stderr?: string }) => {
        throw new Error(`electron-vite build failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`.slice(0, 4000));
      },
    );

    // Fuses need a real Electron binary and native modules a rebuild for Electron's ABI (both
    // download); the stub build checks only what goes into the package. The deb and AppImage targets
    // build the same linux-unpacked folder as `--linux dir`, then call effectiveOptionComputed with
    // what fpm / appimagetool would get; returning true stops them there (no tool download).
    const seenFile = path.join(tmp, 'seen.json');
    const builder = `
      const fs = require('fs');
      const { build, Platform } = require('electron-builder');
      const seen = {};
      build({
        targets: Platform.LINUX.createTarget(['deb', 'AppImage'], 1),
        publish: 'never',
        effectiveOptionComputed: async (options) => {
          if (Array.isArray(options)) {
            seen.debArgs = options[0];
            seen.debDesktop = fs.readFileSync(options[1], 'utf8');
            seen.debAfterInstall = fs.readFileSync(options[0][options[0].indexOf('--after-install') + 1], 'utf8');
          } else if (options && typeof options.desktop === 'string') {
            seen.appImageDesktop = options.desktop;
            seen.appImageDesktopFile = options.desktopFileName;
          }
          fs.writeFileSync(${JSON.stringify(seenFile)}, JSON.stringify(seen));
          return true;
        },
        config: {
          electronDist: ${JSON.stringify(dist)},
          electronVersion: ${JSON.stringify(electronVersion)},
          npmRebuild: false,
          electronFuses: null,
          directories: { output: ${JSON.stringify(path.join(tmp, 'dist'))} },
        },
      }).then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });`;
    await run(process.execPath, ['-e', builder], { cwd: root, env: OFFLINE_ENV, timeout: 90_000 }).catch(
      (e: { stdout?: string; stderr?: string; killed?: boolean }) => {
        const why = e.killed ? 'timed out (a download attempt?)' : 'failed';
        throw new Error(
          `electron-builder --linux deb AppImage ${why}:\n${e.stdout ?? ''}${e.stderr ?? ''}`.slice(-4000),
        );
      },
    );
    seen = JSON.parse(await readFile(seenFile, 'utf8')) as LinuxTargetsSeen;
    resources = path.join(tmp, 'dist', 'linux-unpacked', 'resources');
    files = asar
      .listPackage(path.join(resources, 'app.asar'), { isPack: false })
      .map((f) => f.split(path.sep).join('/'));
  }, 240_000);

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('ships the three electron-vite bundles and package.json', () => {
    for (const f of [
      '/out/main/index.js',
      '/out/preload/index.js',
      '/out/renderer/index.html',
      '/package.json',
    ]) {
      expect(files).toContain(f);
    }
    const pkg = JSON.parse(asar.extractFile(path.join(resources, 'app.asar'), 'package.json').toString()) as {
      main: string;
    };
    expect(pkg.main).toBe('out/main/index.js');
  });

  it('ships no second copy of what electron-vite bundled', () => {
    for (const bundled of ['react', 'react-dom', 'zod', 'oauth4webapi']) {
      expect(files.filter((f) => f.startsWith(`/node_modules/${bundled}/`))).toEqual([]);
    }
    // What main loads at run time is there.
    for (const external of ['jsforce', 'keytar', 'undici']) {
      expect(files).toContain(`/node_modules/${external}/package.json`);
    }
  });

  it('the deb installs com.pkcepilot.app.desktop with the sign-in scheme, icon and package metadata', () => {
    const args = seen.debArgs ?? [];
    const arg = (name: string) => args[args.indexOf(name) + 1];
    expect(arg('--name')).toBe('pkce-pilot');
    expect(arg('--maintainer')).toMatch(/^PKCE Pilot contributors <[^@\s]+@[^@\s]+>$/);
    expect(arg('--url')).toMatch(/^https:\/\//);
    expect(args).toContain('--license');
    // The desktop file lands under the name Electron announces (desktopName → CHROME_DESKTOP).
    expect(args.filter((a) => a.endsWith('=/usr/share/applications/com.pkcepilot.app.desktop'))).toHaveLength(
      1,
    );
    // The app's own icon (not Electron's default) in the hicolor theme.
    const icon = args.find((a) => /=\/usr\/share\/icons\/hicolor\/512x512\/apps\/pkce-pilot\.png$/.test(a));
    expect(icon?.split('=')[0]).toBe(path.join(root, 'assets/icon.png'));
    const entry = desktopKeys(seen.debDesktop ?? '');
    expect(entry['MimeType']?.split(';')).toContain('x-scheme-handler/com.pkcepilot.app');
    expect(entry['Exec']).toMatch(/^"?\/opt\/PKCE Pilot\/pkce-pilot"? %U$/);
    expect(entry['StartupWMClass']).toBe('com.pkcepilot.app');
    // The desktop database is refreshed on install, so x-scheme-handler resolves to the new file.
    expect(seen.debAfterInstall).toContain('update-desktop-database /usr/share/applications');
  });

  it('the AppImage carries the same desktop entry (its runtime registration is the app’s job)', () => {
    expect(seen.appImageDesktopFile).toBe('com.pkcepilot.app.desktop');
    const entry = desktopKeys(seen.appImageDesktop ?? '');
    expect(entry['MimeType']?.split(';')).toContain('x-scheme-handler/com.pkcepilot.app');
    expect(entry['Exec']).toMatch(/^AppRun .*%U$/);
  });

  it('ships no tests, sources, source maps, secrets or build leftovers', () => {
    const own = files.filter((f) => !f.startsWith('/node_modules/'));
    expect(own.filter((f) => /^\/(test|main|preload|renderer|scripts|bench|test-results)\//.test(f))).toEqual(
      [],
    );
    expect(files.filter((f) => /\.(ts|tsx|map)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)\.env(\.|$)|\.(pem|key|p12|pfx)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /\/(__tests__|tests?)\//.test(f) && !f.startsWith('/node_modules/'))).toEqual(
      [],
    );
  });

  it('the sandboxed preload bundle requires nothing but electron', () => {
    const preload = asar.extractFile(path.join(resources, 'app.asar'), 'out/preload/index.js').toString();
    const required = [...preload.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(preload).not.toMatch(/\bimport\s*\(/);
  });

  it('unpacks keytar’s native module next to the archive', async () => {
    const unpacked = path.join(
      resources,
      'app.asar.unpacked',
      'node_modules',
      'keytar',
      'build',
      'Release',
      'keytar.node',
    );
    expect((await stat(unpacked)).size).toBeGreaterThan(0);
    const entry = asar.statFile(
      path.join(resources, 'app.asar'),
      'node_modules/keytar/build/Release/keytar.node',
    ) as { unpacked?: boolean };
    expect(entry.unpacked).toBe(true);
  });
});
