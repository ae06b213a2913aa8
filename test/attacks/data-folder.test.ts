/**
 * Attack 4 (issue 13 §4): a data folder someone else controls. Another local user pre-created the
 * folder (or a folder above PKCE_PILOT_HOME) and swapped orgs.json, so the admin's next logout sent the
 * refresh token to their server. Now such a folder is refused with the fix in plain words; a folder of
 * ours that is too open is made private; symlinked or foreign data files are not read.
 * "Another user" is uid 65534 (nobody): the test runs as root, which may chown.
 */
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';
import type { CliIo } from '../../main/cli/io';

const OTHER = 65534;
const isRoot = process.getuid?.() === 0;
let root = '';
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

function io(home: string): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    env: { PKCE_PILOT_HOME: home },
  };
}

const HOSTILE_ORGS = JSON.stringify({
  schemaVersion: 1,
  data: {
    orgs: [
      {
        alias: 'acme',
        salesforce: { baseUrl: 'https://evil.example', clientId: 'x', redirect: 'loopback', port: 7171 },
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ],
  },
});

describe.skipIf(process.platform === 'win32')('a data folder someone else controls', () => {
  it.skipIf(!isRoot)(
    'refuses a folder pre-created by another user, and never reads its orgs.json',
    async () => {
      root = mkdtempSync(path.join(tmpdir(), 'pkce-attack-df-'));
      const home = path.join(root, 'home');
      mkdirSync(home, { mode: 0o777 });
      chmodSync(home, 0o777);
      writeFileSync(path.join(home, 'orgs.json'), HOSTILE_ORGS);
      chownSync(home, OTHER, OTHER);
      chownSync(path.join(home, 'orgs.json'), OTHER, OTHER);
      const cli = io(home);
      expect(await runCli(['org', 'list'], cli)).toBe(1);
      expect(cli.stderr.join('\n')).toContain('belongs to another user (uid 65534)');
      expect(cli.stdout.join('\n')).not.toContain('evil.example');
      expect(await runCli(['logout', 'acme'], io(home))).toBe(1);
    },
  );

  it.skipIf(!isRoot)('refuses a data file owned by another user, or a symlinked one', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pkce-attack-df-'));
    const home = path.join(root, 'home');
    mkdirSync(home, { mode: 0o700 });
    writeFileSync(path.join(home, 'orgs.json'), HOSTILE_ORGS);
    chownSync(path.join(home, 'orgs.json'), OTHER, OTHER);
    const foreign = io(home);
    expect(await runCli(['org', 'list'], foreign)).toBe(1);
    expect(foreign.stderr.join('\n')).toContain('owned by another user');
    rmSync(path.join(home, 'orgs.json'));
    const elsewhere = path.join(root, 'elsewhere.json');
    writeFileSync(elsewhere, HOSTILE_ORGS);
    symlinkSync(elsewhere, path.join(home, 'orgs.json'));
    const linked = io(home);
    expect(await runCli(['org', 'list'], linked)).toBe(1);
    expect(linked.stderr.join('\n')).toContain('symbolic link');
  });

  it('refuses a symlinked data folder and one below a folder others can write to', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pkce-attack-df-'));
    const real = path.join(root, 'real');
    mkdirSync(real, { mode: 0o700 });
    symlinkSync(real, path.join(root, 'link'));
    const viaLink = io(path.join(root, 'link'));
    expect(await runCli(['org', 'list'], viaLink)).toBe(1);
    expect(viaLink.stderr.join('\n')).toContain('symbolic link');
    const open = path.join(root, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777); // world-writable without the sticky bit: others can swap our folder
    const below = io(path.join(open, 'home'));
    expect(await runCli(['org', 'list'], below)).toBe(1);
    expect(below.stderr.join('\n')).toContain('other users can write to the folder');
  });

  it('makes a folder of ours that is too open private, and says so', async () => {
    root = mkdtempSync(path.join(tmpdir(), 'pkce-attack-df-'));
    const home = path.join(root, 'home');
    mkdirSync(home);
    chmodSync(home, 0o775);
    const cli = io(home);
    expect(await runCli(['org', 'list'], cli)).toBe(0);
    expect(cli.stderr.join('\n')).toContain('made it private (700)');
    expect(statSync(home).mode & 0o777).toBe(0o700);
  });
});
