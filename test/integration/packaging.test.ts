/**
 * Packaging, offline: electron-builder.yml against electron-builder's own schema, then a real
 * `--linux dir` build of the electron-vite output with a stub Electron distribution (no download),
 * and a look inside the resulting app.asar: what ships, what must not, and keytar unpacked.
 */
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import * as asar from '@electron/asar';
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config';
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
    });
    expect(config.mac?.hardenedRuntime).toBe(true);
    await expect(stat(path.join(root, String(config.mac?.entitlements)))).resolves.toBeTruthy();
  });
});

describe('linux dir build with a stub Electron', () => {
  let tmp: string;
  let resources: string;
  let files: string[];

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
    // download); the stub build checks only what goes into the package.
    const builder = `
      const { build, Platform } = require('electron-builder');
      build({
        targets: Platform.LINUX.createTarget('dir'),
        publish: 'never',
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
          `electron-builder --linux dir ${why}:\n${e.stdout ?? ''}${e.stderr ?? ''}`.slice(-4000),
        );
      },
    );
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
