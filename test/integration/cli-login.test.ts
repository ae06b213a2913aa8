/**
 * The real CLI's login when no browser opens, SIGTERM, the keychain checked before the browser, org
 * update under the token-binding rule, logout of unknown or signed-out orgs, and an unknown login host.
 * Runs bin/pkce-pilot.js (needs `npx electron-vite build`) inside scripts/with-keyring.sh.
 */
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCliProcess, startCli } from '../helpers/cli-process';
import { freePort } from '../helpers/free-port';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { HAS_KEYCHAIN } from '../helpers/keychain';

const CLIENT = '3MVG9CliLogin';
let sf: SalesforceTestServer;
let home: string;
let bin: string;
let port: number;

async function until(check: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  [sf, port] = await Promise.all([startSalesforceServer(), freePort()]);
  await sf.registerClient({
    clientId: CLIENT,
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
  home = mkdtempSync(path.join(tmpdir(), 'pkce-cli-login-'));
  bin = mkdtempSync(path.join(tmpdir(), 'pkce-cli-opener-'));
  chmodSync(bin, 0o755);
  writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\ntouch "${bin}/opened"\nexit 3\n`, { mode: 0o755 });
  const added = await runCliProcess(
    ['org', 'add', 'acme', '--login-url', sf.url, '--client-id', CLIENT, '--port', String(port)],
    { PKCE_PILOT_HOME: home },
  );
  expect(added.code, added.stderr).toBe(0);
});
afterAll(async () => {
  await runCliProcess(['logout', 'acme'], { PKCE_PILOT_HOME: home }).catch(() => undefined);
  await sf?.close();
  for (const d of [home, bin]) if (d) rmSync(d, { recursive: true, force: true });
});

describe.skipIf(!HAS_KEYCHAIN)('pkce-pilot login, logout and org update', () => {
  it('prints the sign-in URL when there is no graphical session, and SIGTERM cancels like Ctrl+C', async () => {
    const login = startCli(['login', 'acme'], { PKCE_PILOT_HOME: home, DISPLAY: '', WAYLAND_DISPLAY: '' });
    await until(() => login.output.stderr.includes('Waiting for the browser… (Ctrl+C to cancel)'));
    expect(login.output.stderr).toContain('no graphical session');
    const url = login.output.stderr
      .split('\n')
      .find((l) => l.startsWith(`${sf.url}/services/oauth2/authorize?`));
    expect(url).toBeTruthy();
    expect(new URL(url ?? '').searchParams.get('redirect_uri')).toBe(
      `http://127.0.0.1:${port}/oauth/callback/acme/salesforce`,
    );
    login.kill('SIGTERM');
    const done = await login.done;
    expect(done.code).toBe(1);
    expect(done.stderr).toContain('was cancelled');
  });

  it('prints the URL when the opener fails, and the printed URL completes the sign-in', async () => {
    const login = startCli(['login', 'acme'], {
      PKCE_PILOT_HOME: home,
      DISPLAY: ':99',
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
    });
    await until(() => login.output.stderr.includes('Waiting for the browser…'));
    expect(existsSync(path.join(bin, 'opened'))).toBe(true);
    expect(login.output.stderr).toContain('xdg-open failed with exit code 3');
    const url =
      login.output.stderr.split('\n').find((l) => l.startsWith(`${sf.url}/services/oauth2/authorize?`)) ?? '';
    // The URL was handed only to this terminal; the opener got the secret-free start link.
    const callback = await completeAuthorizationWithFetch(url, { login: 'ada' });
    expect((await fetch(callback)).status).toBe(200);
    const done = await login.done;
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('Signed in to acme (salesforce) as ada@acme.test');
  });

  it('refuses to change the login URL while signed in; a port change is fine and prints the new callback', async () => {
    const env = { PKCE_PILOT_HOME: home };
    const moved = await runCliProcess(
      ['org', 'update', 'acme', '--login-url', 'https://acme.my.salesforce.com'],
      env,
    );
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain('cannot change while tokens from the current server are kept');
    expect(moved.stderr).toContain('pkce-pilot logout acme');
    const port2 = await freePort();
    const ok = await runCliProcess(['org', 'update', 'acme', '--port', String(port2)], env);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`http://127.0.0.1:${port2}/oauth/callback/acme/salesforce`);
    expect(ok.stdout).toContain('checklist progress and notes are kept');
    await runCliProcess(['org', 'update', 'acme', '--port', String(port)], env);
  });

  it('logout: unknown alias exits 1; signed out says so and exits 0; then the login URL may change', async () => {
    const env = { PKCE_PILOT_HOME: home };
    const typo = await runCliProcess(['logout', 'acme-typo'], env);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('No org has the alias "acme-typo"');
    const out = await runCliProcess(['logout', 'acme'], env);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toContain('revoked at the server and deleted from the keychain');
    const again = await runCliProcess(['logout', 'acme'], env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('was not signed in; nothing to sign out');
    const unknownHost = await runCliProcess(
      ['org', 'update', 'acme', '--login-url', 'https://login.example.org'],
      env,
    );
    expect(unknownHost.code).toBe(1);
    expect(unknownHost.stderr).toContain('not on a known Salesforce domain');
    expect(unknownHost.stderr).toContain('--allow-unknown-host');
    const moved = await runCliProcess(
      ['org', 'update', 'acme', '--login-url', 'https://acme.my.salesforce.com'],
      env,
    );
    expect(moved.code, moved.stderr).toBe(0);
    await runCliProcess(['org', 'update', 'acme', '--login-url', sf.url], env);
  });

  it('checks the keychain before the browser round trip', async () => {
    rmSync(path.join(bin, 'opened'), { force: true });
    const run = await runCliProcess(['login', 'acme'], {
      PKCE_PILOT_HOME: home,
      DISPLAY: ':99',
      PATH: `${bin}:${process.env['PATH'] ?? ''}`,
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/keychain/i);
    expect(existsSync(path.join(bin, 'opened'))).toBe(false);
    expect(run.stderr).not.toContain('Waiting for the browser');
  });
});
