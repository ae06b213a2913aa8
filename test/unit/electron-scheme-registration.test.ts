/**
 * The scheme registration decision per platform and package type (scheme-registration.ts), and the
 * Linux user desktop file carried out for real in a temporary XDG_DATA_HOME (scheme-registrar.ts).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ProtocolClientRegistration } from '../../main/electron/protocol-client';
import { applyRegistrationPlan, packageDesktopFileInstalled } from '../../main/electron/scheme-registrar';
import {
  quoteExecArgument,
  schemeRegistrationPlan,
  type RegistrationFacts,
} from '../../main/electron/scheme-registration';

const packaged: ProtocolClientRegistration = {
  scheme: 'com.pkcepilot.app',
  executable: '/opt/PKCE Pilot/pkce-pilot',
  args: [],
};
const dev: ProtocolClientRegistration = {
  scheme: 'com.pkcepilot.app.dev',
  executable: '/repo/node_modules/electron/dist/electron',
  args: ['/repo'],
};

function facts(partial: Partial<RegistrationFacts>): RegistrationFacts {
  return {
    platform: 'linux',
    isPackaged: true,
    registration: packaged,
    env: {},
    homeDir: '/home/ada',
    packageDesktopFileInstalled: false,
    ...partial,
  };
}

/** `Key=value` lines of a desktop entry. */
function keys(contents: string): Record<string, string> {
  return Object.fromEntries(
    contents
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('schemeRegistrationPlan', () => {
  it('Windows and macOS use Electron’s registration with the executable and dev arguments given', () => {
    for (const platform of ['win32', 'darwin'] as const) {
      expect(schemeRegistrationPlan(facts({ platform }))).toEqual({
        kind: 'os-default',
        scheme: 'com.pkcepilot.app',
        executable: '/opt/PKCE Pilot/pkce-pilot',
        args: [],
      });
      expect(schemeRegistrationPlan(facts({ platform, isPackaged: false, registration: dev }))).toMatchObject(
        {
          kind: 'os-default',
          args: ['/repo'],
        },
      );
    }
  });

  it('a Linux package with its own desktop file registers nothing at run time (no xdg-settings)', () => {
    expect(schemeRegistrationPlan(facts({ packageDesktopFileInstalled: true }))).toEqual({
      kind: 'package-desktop-file',
      scheme: 'com.pkcepilot.app',
    });
  });

  it('the AppImage registers a hidden user desktop file that starts the AppImage itself', () => {
    const plan = schemeRegistrationPlan(
      facts({
        env: { APPIMAGE: '/home/ada/Apps/PKCE Pilot-0.1.0.AppImage', APPDIR: '/tmp/.mount_x' },
        // Even with the deb also installed: the AppImage the admin runs must receive its redirect.
        packageDesktopFileInstalled: true,
      }),
    );
    if (plan.kind !== 'user-desktop-file') throw new Error(`unexpected plan ${plan.kind}`);
    expect(plan.desktopFile).toBe('/home/ada/.local/share/applications/pkce-pilot-appimage.desktop');
    const entry = keys(plan.contents);
    expect(entry['Exec']).toBe('"/home/ada/Apps/PKCE Pilot-0.1.0.AppImage" %u');
    expect(entry['MimeType']).toBe('x-scheme-handler/com.pkcepilot.app;');
    expect(entry['NoDisplay']).toBe('true');
    expect(plan.xdgMimeArgs).toEqual([
      'default',
      'pkce-pilot-appimage.desktop',
      'x-scheme-handler/com.pkcepilot.app',
    ]);
    expect(plan.notice).toContain('AppImage');
  });

  it('a development run on Linux registers Electron plus the app path under the dev scheme', () => {
    const plan = schemeRegistrationPlan(
      facts({ isPackaged: false, registration: dev, env: { XDG_DATA_HOME: '/x/data' } }),
    );
    if (plan.kind !== 'user-desktop-file') throw new Error(`unexpected plan ${plan.kind}`);
    expect(plan.desktopFile).toBe('/x/data/applications/pkce-pilot-dev.desktop');
    expect(keys(plan.contents)['Exec']).toBe('"/repo/node_modules/electron/dist/electron" "/repo" %u');
    expect(keys(plan.contents)['MimeType']).toBe('x-scheme-handler/com.pkcepilot.app.dev;');
  });

  it('an unpacked Linux build without a desktop file registers its own binary', () => {
    const plan = schemeRegistrationPlan(facts({}));
    expect(plan).toMatchObject({ kind: 'user-desktop-file' });
    if (plan.kind === 'user-desktop-file')
      expect(keys(plan.contents)['Exec']).toBe('"/opt/PKCE Pilot/pkce-pilot" %u');
  });

  it('refuses paths that would break the desktop file; ignores a relative XDG_DATA_HOME', () => {
    expect(schemeRegistrationPlan(facts({ env: { APPIMAGE: '/a\nExec=/bin/evil' } }))).toMatchObject({
      kind: 'none',
    });
    expect(schemeRegistrationPlan(facts({ env: { APPIMAGE: 'relative.AppImage' } }))).toMatchObject({
      kind: 'none',
    });
    const plan = schemeRegistrationPlan(facts({ env: { APPIMAGE: '/a.AppImage', XDG_DATA_HOME: 'rel' } }));
    expect(plan).toMatchObject({
      desktopFile: '/home/ada/.local/share/applications/pkce-pilot-appimage.desktop',
    });
  });

  it('quotes Exec arguments per the Desktop Entry Specification', () => {
    expect(quoteExecArgument('/a b/c')).toBe('"/a b/c"');
    expect(quoteExecArgument('/a"b$c`d')).toBe('"/a\\\\"b\\\\$c\\\\`d"');
    expect(quoteExecArgument('/50%')).toBe('"/50%%"');
    expect(quoteExecArgument('/a\\b')).toBe('"/a\\\\\\\\b"');
  });
});

describe('applyRegistrationPlan (Linux user desktop file, for real)', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(path.join(os.tmpdir(), 'pkce-scheme-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it('writes the file, runs xdg-mime once, and leaves both alone on the next start', async () => {
    const plan = schemeRegistrationPlan(
      facts({ env: { APPIMAGE: '/opt/x.AppImage', XDG_DATA_HOME: path.join(home, 'data') } }),
    );
    const runs: string[][] = [];
    const logs: string[] = [];
    const deps = {
      app: {
        setAsDefaultProtocolClient: () => {
          throw new Error('must not be called on Linux');
        },
      },
      run: async (file: string, args: readonly string[]) => void runs.push([file, ...args]),
      log: (line: string) => void logs.push(line),
    };
    expect(await applyRegistrationPlan(plan, deps)).toBe('registered for this user');
    const file = path.join(home, 'data/applications/pkce-pilot-appimage.desktop');
    expect(keys(await readFile(file, 'utf8'))['MimeType']).toBe('x-scheme-handler/com.pkcepilot.app;');
    expect((await stat(file)).mode & 0o777).toBe(0o644);
    expect(runs).toEqual([
      ['xdg-mime', 'default', 'pkce-pilot-appimage.desktop', 'x-scheme-handler/com.pkcepilot.app'],
    ]);
    expect(logs).toHaveLength(1);

    expect(await applyRegistrationPlan(plan, deps)).toBe('already registered');
    expect(runs).toHaveLength(1);
  });

  it('says so when xdg-mime is missing, and keeps the file', async () => {
    const plan = schemeRegistrationPlan(facts({ env: { APPIMAGE: '/opt/x.AppImage', XDG_DATA_HOME: home } }));
    const logs: string[] = [];
    const result = await applyRegistrationPlan(plan, {
      app: { setAsDefaultProtocolClient: () => true },
      run: () => Promise.reject(Object.assign(new Error('spawn xdg-mime ENOENT'), { code: 'ENOENT' })),
      log: (line) => void logs.push(line),
    });
    expect(result).toBe('desktop file written');
    expect(logs.join('\n')).toMatch(/xdg-mime failed or is missing/);
  });

  it('Windows/macOS plans call Electron’s registration with the plan’s arguments', async () => {
    const calls: unknown[][] = [];
    await applyRegistrationPlan(schemeRegistrationPlan(facts({ platform: 'win32', registration: dev })), {
      app: { setAsDefaultProtocolClient: (...a: unknown[]) => (calls.push(a), true) },
    });
    expect(calls).toEqual([['com.pkcepilot.app.dev', dev.executable, ['/repo']]]);
  });

  // xdg-utils comes with Chromium's packages (chromium-common depends on it), so CI has it too.
  it.skipIf(!existsSync('/usr/bin/xdg-mime'))(
    'xdg-mime really takes the file as the scheme’s default handler (isolated XDG folders)',
    async () => {
      const env = {
        PATH: process.env['PATH'] ?? '/usr/bin:/bin',
        HOME: home,
        XDG_DATA_HOME: path.join(home, 'data'),
        XDG_CONFIG_HOME: path.join(home, 'config'),
        XDG_DATA_DIRS: path.join(home, 'none'),
      };
      const plan = schemeRegistrationPlan(facts({ env: { APPIMAGE: '/opt/x.AppImage', ...env } }));
      const xdg = promisify(execFile);
      await applyRegistrationPlan(plan, {
        app: { setAsDefaultProtocolClient: () => true },
        run: async (file, args) => void (await xdg(file, [...args], { env })),
        log: () => undefined,
      });
      const { stdout } = await xdg('xdg-mime', ['query', 'default', 'x-scheme-handler/com.pkcepilot.app'], {
        env,
      });
      expect(stdout.trim()).toBe('pkce-pilot-appimage.desktop');
    },
  );

  it('finds a package-installed desktop file through XDG_DATA_DIRS', async () => {
    await mkdir(path.join(home, 'share/applications'), { recursive: true });
    expect(await packageDesktopFileInstalled({ XDG_DATA_DIRS: `${home}/none:${home}/share` })).toBe(false);
    await writeFile(path.join(home, 'share/applications/com.pkcepilot.app.desktop'), '[Desktop Entry]\n');
    expect(await packageDesktopFileInstalled({ XDG_DATA_DIRS: `${home}/none:${home}/share` })).toBe(true);
  });
});
