/**
 * `npm start` / `npm run dev` begin with scripts/ensure-electron.mjs. Run for real: with the binary
 * missing and the download failing (a closed local mirror), and with a binary present.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const script = path.resolve(__dirname, '../../scripts/ensure-electron.mjs');

async function ensure(env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [script], {
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

describe('scripts/ensure-electron.mjs', () => {
  let tmp: string;
  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'pkce-ensure-electron-'));
  });
  afterAll(async () => {
    await rm(tmp, { recursive: true, force: true });
  });

  it('explains a failed download in plain words, with the fixes and the CLI, and no stack trace', async () => {
    const emptyDist = path.join(tmp, 'no-electron');
    const result = await ensure({
      ELECTRON_OVERRIDE_DIST_PATH: emptyDist,
      // The download goes to a closed local port and an empty cache: it fails at once.
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
      electron_config_cache: path.join(tmp, 'cache'),
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the Electron program is not on this computer');
    expect(result.stderr).toMatch(/one-time Electron download failed/);
    expect(result.stderr).toContain('ELECTRON_MIRROR');
    expect(result.stderr).toContain('HTTPS_PROXY');
    expect(result.stderr).toContain('npx install-electron');
    expect(result.stderr).toContain('rm -rf node_modules/electron && npm install');
    expect(result.stderr).toContain('npx pkce-pilot --help');
    const all = `${result.stdout}${result.stderr}`;
    expect(all).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(all).not.toMatch(/file:\/\//);
  });

  it('passes at once when the binary is there', async () => {
    const dist = path.join(tmp, 'with-electron');
    await run('mkdir', ['-p', dist]);
    const binary = path.join(dist, process.platform === 'win32' ? 'electron.exe' : 'electron');
    await writeFile(binary, '#!/bin/sh\nexit 0\n');
    await chmod(binary, 0o755);
    const result = await ensure({
      ELECTRON_OVERRIDE_DIST_PATH: dist,
      ELECTRON_MIRROR: 'http://127.0.0.1:9/',
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).not.toContain('fetching');
  });
});
