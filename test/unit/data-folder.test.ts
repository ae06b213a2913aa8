import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDataFolder, resolveDataFolder } from '../../main/core/storage/data-folder';
import { PilotError } from '../../main/core/errors';

describe('resolveDataFolder', () => {
  it('uses PKCE_PILOT_HOME when it is absolute', () => {
    expect(
      resolveDataFolder({
        env: { PKCE_PILOT_HOME: '/srv/pilot/../pilot2' },
        platform: 'linux',
        homedir: '/home/a',
      }),
    ).toBe('/srv/pilot2');
    expect(
      resolveDataFolder({
        env: { PKCE_PILOT_HOME: 'D:\\pilot' },
        platform: 'win32',
        homedir: 'C:\\Users\\a',
      }),
    ).toBe('D:\\pilot');
  });

  it('rejects a relative PKCE_PILOT_HOME with invalid-input', () => {
    const attempt = () =>
      resolveDataFolder({ env: { PKCE_PILOT_HOME: 'pilot' }, platform: 'linux', homedir: '/home/a' });
    expect(attempt).toThrow(PilotError);
    expect(attempt).toThrow(/absolute path/);
    try {
      attempt();
    } catch (e) {
      expect((e as PilotError).code).toBe('invalid-input');
    }
  });

  it('matches Electron userData on Linux (XDG_CONFIG_HOME, else ~/.config)', () => {
    expect(resolveDataFolder({ env: {}, platform: 'linux', homedir: '/home/a' })).toBe(
      '/home/a/.config/PKCE Pilot',
    );
    expect(
      resolveDataFolder({ env: { XDG_CONFIG_HOME: '/x/cfg' }, platform: 'linux', homedir: '/home/a' }),
    ).toBe('/x/cfg/PKCE Pilot');
    // A relative XDG_CONFIG_HOME is invalid per the XDG spec and ignored.
    expect(
      resolveDataFolder({ env: { XDG_CONFIG_HOME: 'cfg' }, platform: 'linux', homedir: '/home/a' }),
    ).toBe('/home/a/.config/PKCE Pilot');
  });

  it('matches Electron userData on macOS and Windows', () => {
    expect(resolveDataFolder({ env: {}, platform: 'darwin', homedir: '/Users/a' })).toBe(
      '/Users/a/Library/Application Support/PKCE Pilot',
    );
    expect(
      resolveDataFolder({
        env: { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' },
        platform: 'win32',
        homedir: 'C:\\Users\\a',
      }),
    ).toBe('C:\\Users\\a\\AppData\\Roaming\\PKCE Pilot');
    expect(resolveDataFolder({ env: {}, platform: 'win32', homedir: 'C:\\Users\\a' })).toBe(
      'C:\\Users\\a\\AppData\\Roaming\\PKCE Pilot',
    );
  });

  it('ignores an empty PKCE_PILOT_HOME', () => {
    expect(resolveDataFolder({ env: { PKCE_PILOT_HOME: '' }, platform: 'linux', homedir: '/home/a' })).toBe(
      '/home/a/.config/PKCE Pilot',
    );
  });
});

describe('ensureDataFolder', () => {
  let root = '';
  afterEach(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('creates nested folders readable by the owner only', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pilot-df-'));
    const folder = path.join(root, 'a', 'PKCE Pilot');
    expect(await ensureDataFolder(folder)).toBe(folder);
    const info = await stat(folder);
    expect(info.isDirectory()).toBe(true);
    if (process.platform !== 'win32') expect(info.mode & 0o777).toBe(0o700);
    // Idempotent.
    await expect(ensureDataFolder(folder)).resolves.toBe(folder);
  });

  it('reports a file in the way as a storage error', async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pilot-df-'));
    const blocker = path.join(root, 'PKCE Pilot');
    await writeFile(blocker, 'x');
    await expect(ensureDataFolder(blocker)).rejects.toMatchObject({
      code: 'storage',
      message: expect.stringMatching(/file with that name/),
    });
  });
});
