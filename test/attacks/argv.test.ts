/**
 * Attack 3 (issue 13 §3): another local user reads the browser opener's argv. `xdg-open <authorize URL>`
 * put `state` and the challenge in /proc/<pid>/cmdline, readable by every user: they forged a sign-in
 * as themselves into the admin's waiting CLI, or aborted it with `?error=access_denied&state=…`.
 * Now the opener gets a one-time loopback start link with no secret; the link sets an HttpOnly cookie
 * the callback then requires, and a second use of the link ends the sign-in.
 *
 * The "other user" is uid 65534 (nobody) through setpriv, scanning /proc like an attacker would; the
 * opener is a stand-in `xdg-open` on PATH that stays alive for a few seconds, as a browser launch does.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { OrgSettings } from '../../main/core/model';
import { SignInService } from '../../main/core/auth/sign-in';
import { openInSystemBrowser } from '../../main/cli/open-browser';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { freePort } from '../helpers/free-port';
import { http, orgRecord, testSecrets } from './support';

const CLIENT = '3MVG9ArgvAcme';
const canSwitchUser =
  process.getuid?.() === 0 &&
  (() => {
    try {
      execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'true']);
      return true;
    } catch {
      return false;
    }
  })();

let sf: SalesforceTestServer;
let port: number;
let bin: string;
const orgs = new Map<string, OrgSettings>();
const secrets = testSecrets();

/** What user `nobody` sees in every process's command line that mentions the loopback port. */
async function argvSeenByOtherUser(): Promise<string[]> {
  const script = `for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < "$f" 2>/dev/null; echo; done`;
  // Asynchronous: the listener under attack runs in this very process and must keep answering.
  const { stdout: out } = await promisify(execFile)(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', 'sh', '-c', script],
    {
      encoding: 'utf8',
    },
  );
  return out.split('\n').filter((l) => l.includes(`127.0.0.1:`) || l.includes('authorize'));
}

/** The other user requests a URL (as uid 65534); returns status, location and set-cookie. */
async function fetchAsOtherUser(
  url: string,
  cookie = '',
): Promise<{ status: number; location: string; cookie: string }> {
  const code = `fetch(${JSON.stringify(url)},{redirect:'manual',headers:${JSON.stringify(cookie ? { cookie } : {})}}).then(r=>console.log(JSON.stringify({status:r.status,location:r.headers.get('location')??'',cookie:(r.headers.get('set-cookie')??'').split(';')[0]})))`;
  // Asynchronous: the listener under attack runs in this very process and must keep answering.
  const { stdout: out } = await promisify(execFile)(
    'setpriv',
    ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', code],
    {
      encoding: 'utf8',
      cwd: '/',
    },
  );
  return JSON.parse(out) as { status: number; location: string; cookie: string };
}

function service(): SignInService {
  return new SignInService({
    orgs: { get: async (a) => orgs.get(a) ?? Promise.reject(new Error(a)) },
    secrets,
    http,
    openBrowser: (url) => openInSystemBrowser(url, 'linux', { PATH: `${bin}:/usr/bin:/bin`, DISPLAY: ':99' }),
  });
}

beforeAll(async () => {
  [sf, port] = await Promise.all([startSalesforceServer(), freePort()]);
  await sf.registerClient({
    clientId: CLIENT,
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
  orgs.set('acme', orgRecord('acme', sf.url, CLIENT, port));
  bin = mkdtempSync(path.join(tmpdir(), 'pkce-attack-opener-'));
  chmodSync(bin, 0o755);
  // Stays alive like a browser launch, so its argv can be read meanwhile.
  writeFileSync(
    path.join(bin, 'xdg-open'),
    `#!/bin/sh\necho $$ > "${bin}/pid"\ntrap 'kill $! 2>/dev/null; exit 0' TERM\nsleep 60 &\nwait\n`,
    {
      mode: 0o755,
    },
  );
});
afterEach(() => {
  // The stand-in opener waits like a browser launch; end it once its argv has been looked at.
  try {
    process.kill(Number(readFileSync(path.join(bin, 'pid'), 'utf8')));
  } catch {
    // already gone
  }
});
afterAll(async () => {
  await secrets.delete('acme', 'salesforce').catch(() => undefined);
  await sf?.close();
  if (bin) rmSync(bin, { recursive: true, force: true });
});

describe.skipIf(!canSwitchUser)('another local user reading the opener’s argv', () => {
  it('sees only a secret-free one-time link, never state or the challenge', async () => {
    const svc = service();
    const started = await svc.start('acme', 'salesforce');
    const state = new URL(started.authorizationUrl).searchParams.get('state') ?? '';
    const challenge = new URL(started.authorizationUrl).searchParams.get('code_challenge') ?? '';
    const seen = (await argvSeenByOtherUser()).join('\n');
    expect(seen).toContain(started.startUrl); // positive control: the scan does read the opener's argv
    expect(seen).not.toContain(state);
    expect(seen).not.toContain(challenge);
    expect(seen).not.toContain('state=');
    svc.cancel('acme', 'salesforce');
    await expect(started.done).rejects.toMatchObject({ code: 'signin-cancelled' });
  });

  it('cannot complete a forged callback without the browser’s cookie, and the real sign-in goes on', async () => {
    const svc = service();
    const started = await svc.start('acme', 'salesforce');
    // The admin's browser opens the start link: cookie set, redirected to the server.
    const start = await fetch(started.startUrl, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const cookie = (start.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const location = start.headers.get('location') ?? '';
    expect(location).toBe(started.authorizationUrl);
    // The other user somehow learned the state (and has a code of their own): no cookie, refused.
    const state = new URL(location).searchParams.get('state') ?? '';
    const cb = `http://127.0.0.1:${port}/oauth/callback/acme/salesforce`;
    const exchanges = sf.tokenRequestCount('authorization_code');
    expect((await fetchAsOtherUser(`${cb}?code=attacker-code&state=${state}`)).status).toBe(400);
    expect((await fetchAsOtherUser(`${cb}?error=access_denied&state=${state}`)).status).toBe(400);
    expect(sf.tokenRequestCount('authorization_code')).toBe(exchanges);
    // The admin finishes in the browser that holds the cookie.
    const callback = await completeAuthorizationWithFetch(location, { login: 'ada' });
    expect((await fetch(callback, { headers: { cookie } })).status).toBe(200);
    await expect(started.done).resolves.toMatchObject({ signedIn: true, username: 'ada@acme.test' });
  });

  it('ends the sign-in when the other user races the browser to the start link', async () => {
    const svc = service();
    const started = await svc.start('acme', 'salesforce');
    const seen = (await argvSeenByOtherUser()).join(' ');
    const link = /http:\/\/127\.0\.0\.1:\d+\/start\/[A-Za-z0-9_-]+/.exec(seen)?.[0] ?? '';
    expect(link).toBe(started.startUrl);
    const stolen = await fetchAsOtherUser(link);
    expect(stolen.status).toBe(302); // they won the race and hold state + cookie …
    const browser = await fetch(started.startUrl, { redirect: 'manual' });
    expect(browser.status).toBe(410); // … the admin's browser comes second: the sign-in stops
    await expect(started.done).rejects.toMatchObject({ code: 'signin-cancelled' });
    const state = new URL(stolen.location).searchParams.get('state') ?? '';
    const exchanges = sf.tokenRequestCount('authorization_code');
    const cb = `http://127.0.0.1:${port}/oauth/callback/acme/salesforce`;
    // The listener closed with the cancelled sign-in: the forged callback finds nobody to take it.
    await expect(
      fetchAsOtherUser(`${cb}?code=attacker-code&state=${state}`, stolen.cookie),
    ).rejects.toThrow();
    expect(sf.tokenRequestCount('authorization_code')).toBe(exchanges);
  });
});
