/**
 * "Secrets never leak", core level: a full sign-in to Salesforce and Okta through the real SignInService
 * and loopback listener, a forced refresh with rotation, a verification run against the fake data APIs,
 * reports in every format, failures, and real CLI runs (runCli with a capturing io) — then every token
 * and code the test servers issued is searched for in the data folder, the output, the reports, the
 * error texts and the request URLs the servers saw. The keychain is the only place they may be.
 */
import { freePort } from '../helpers/free-port';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { PilotError, toPilotError } from '../../main/core/errors';
import { createHttpClient } from '../../main/core/http';
import { buildOrgSettings } from '../../main/core/org-input';
import { createCoreServices, type CoreServices } from '../../main/core/services';
import type { SignInEvent } from '../../main/core/auth/sign-in';
import {
  describeHits,
  filesIn,
  fingerprint,
  requestUrlHaystacks,
  scanFolder,
  scanForSecrets,
  type Haystack,
} from '../helpers/leak-scan';
import { createOktaApi, createOktaApiState } from '../servers/okta-api';
import { startOktaServer, type OktaTestServer } from '../servers/okta-server';
import { createSalesforceApi, createSalesforceApiState } from '../servers/salesforce-api';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { HAS_KEYCHAIN } from '../helpers/keychain';
import { requireSituation } from '../../scripts/trial/situations';

const SF_CLIENT = '3MVG9LeakScanCore';
const OKTA_CLIENT = '0oaLeakScanCore';
const ALIAS = 'leak-core';
const CLI_ALIAS = 'leak-cli';

function captureIo(env: NodeJS.ProcessEnv): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), env };
}

/** Everything a PilotError exposes to a user or a log, including its cause chain's own PilotErrors. */
function errorText(e: unknown): string {
  const err = toPilotError(e);
  const parts = [err.message, err.hint, err.toDisplayString(), JSON.stringify(err.details), String(err)];
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof PilotError) parts.push(errorText(cause));
  return parts.join('\n');
}

describe('leak scan helper', () => {
  it('finds a planted token in text and in a folder (raw and encoded), and reports it without the value', async () => {
    const token = 'planted-0123456789abcdefghijklmnop';
    const hits = scanForSecrets(
      [
        { label: 'clean', text: 'nothing to see here' },
        { label: 'raw', text: `Authorization: Bearer ${token}` },
        { label: 'b64', text: Buffer.from(token).toString('base64') },
        { label: 'query', text: `?x=${encodeURIComponent(token + '/+')}` },
      ],
      [token, `${token}/+`],
    );
    expect([...new Set(hits.map((h) => h.label))].sort()).toEqual(['b64', 'query', 'raw']);
    expect(hits).toContainEqual({
      label: 'query',
      form: 'url-encoded',
      fingerprint: fingerprint(`${token}/+`),
    });
    expect(hits).toContainEqual({ label: 'b64', form: 'base64', fingerprint: fingerprint(token) });
    expect(describeHits(hits)).not.toContain(token);
    expect(describeHits(hits)).toContain(fingerprint(token));

    const dir = mkdtempSync(path.join(tmpdir(), 'leak-selftest-'));
    try {
      await writeFile(path.join(dir, 'clean.json'), '{"a":1}');
      await mkdir(path.join(dir, 'nested', 'deeper'), { recursive: true });
      await writeFile(path.join(dir, 'nested', 'deeper', 'orgs.corrupt-2026.json'), `{"t":"${token}`);
      await writeFile(path.join(dir, '.hidden'), Buffer.from(`x${token}`, 'utf16le'));
      const found = scanForSecrets(await scanFolder(dir), [token]);
      expect(found.map((h) => h.label).sort()).toEqual([
        path.join('.hidden (utf16le)'),
        path.join('nested', 'deeper', 'orgs.corrupt-2026.json'),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses secrets too short to scan for meaningfully', () => {
    expect(() => scanForSecrets([{ label: 'x', text: 'abc' }], ['abc'])).toThrow(
      /refusing a 3-character secret/,
    );
  });
});

const migrated = requireSituation('done');

describe.skipIf(!HAS_KEYCHAIN)('secrets never leak (core + CLI, real keychain)', () => {
  let sf: SalesforceTestServer;
  let okta: OktaTestServer;
  let services: CoreServices;
  let home: string;
  let port: number;
  const events: SignInEvent[] = [];
  const haystacks: Haystack[] = [];
  const http = createHttpClient({ env: {}, timeoutMs: 10_000 });

  beforeAll(async () => {
    // A migrated org (the trial server's "done" situation): every read runs, so every answer is scanned.
    const now = Date.now();
    const sfState = createSalesforceApiState(migrated.salesforce(now));
    const oktaState = createOktaApiState(migrated.okta(now));
    [sf, okta, port] = await Promise.all([
      startSalesforceServer({ apiHandler: createSalesforceApi(sfState) }),
      startOktaServer({ apiHandler: createOktaApi(oktaState) }),
      freePort(),
    ]);
    // One callback URL per org and provider (mix-up defence).
    const loopback = (provider: string) =>
      [ALIAS, CLI_ALIAS].map((a) => `http://127.0.0.1:${port}/oauth/callback/${a}/${provider}`);
    await sf.registerClient({ clientId: SF_CLIENT, redirectUris: loopback('salesforce') });
    await okta.registerClient({ clientId: OKTA_CLIENT, redirectUris: loopback('okta') });
    home = mkdtempSync(path.join(tmpdir(), 'pkce-leak-core-'));
    services = await createCoreServices({
      dataFolder: home,
      http,
      openBrowser: async () => undefined,
      onSignInEvent: (e) => events.push(e),
      appVersion: '0.0.0-leak-test',
    });
    for (const alias of [ALIAS, CLI_ALIAS]) {
      await services.orgs.add(
        buildOrgSettings({
          alias,
          salesforceLoginUrl: sf.url,
          clientId: SF_CLIENT,
          port,
          oktaOrgUrl: okta.url,
          oktaClientId: OKTA_CLIENT,
        }),
      );
    }
  });

  afterAll(async () => {
    for (const alias of [ALIAS, CLI_ALIAS]) {
      for (const p of ['salesforce', 'okta'] as const)
        await services?.secrets.delete(alias, p).catch(() => undefined);
    }
    await Promise.all([sf?.close(), okta?.close()]);
    if (home) rmSync(home, { recursive: true, force: true });
  });

  /** Signs in through the loopback listener; the browser step is plain fetch over the server's pages. */
  async function signInWithBrowser(alias: string, provider: 'salesforce' | 'okta'): Promise<void> {
    const started = await services.signIn.start(alias, provider, { openBrowser: false });
    haystacks.push({ label: `${provider}: authorization URL`, text: started.authorizationUrl });
    const callback = await completeAuthorizationWithFetch(started.authorizationUrl, {
      login: 'admin@acme.test',
    });
    const page = await fetch(callback);
    haystacks.push({ label: `${provider}: loopback callback page`, text: await page.text() });
    const status = await started.done;
    expect(status.signedIn).toBe(true);
    haystacks.push({ label: `${provider}: status`, text: JSON.stringify(status) });
  }

  it('signs in, refreshes with rotation, verifies and reports', async () => {
    await signInWithBrowser(ALIAS, 'salesforce');
    await signInWithBrowser(ALIAS, 'okta');

    const before = await services.tokens.getTokens(ALIAS, 'salesforce');
    const refreshed = await services.tokens.refresh(ALIAS, 'salesforce');
    expect(refreshed.accessToken).not.toBe(before.accessToken);
    expect(refreshed.refreshToken).toBeTruthy();
    expect(refreshed.refreshToken).not.toBe(before.refreshToken); // rotation
    await services.tokens.refresh(ALIAS, 'okta');

    const [verified] = await services.verify([ALIAS]);
    expect(verified?.result.checks.length).toBeGreaterThan(0);
    expect(verified?.result.checks.find((c) => c.id === 'salesforce.org.pkce-required')?.status).toBe('pass');
    haystacks.push({ label: 'verification result', text: JSON.stringify(verified) });

    for (const format of ['md', 'html', 'json'] as const) {
      const text = await services.report(ALIAS, format);
      expect(text.length).toBeGreaterThan(100);
      haystacks.push({ label: `report.${format}`, text });
    }
  });

  it('failures on the way (revoked tokens, forged redirects) explain themselves without a secret', async () => {
    // An admin revokes the sign-in at Salesforce: the next verification cannot read and says so.
    const current = await services.tokens.getTokens(ALIAS, 'salesforce');
    expect(await sf.revokeTokenFamily(current.refreshToken ?? current.accessToken)).toBe(true);
    const [afterRevoke] = await services.verify([ALIAS]);
    haystacks.push({ label: 'verification after revoke', text: JSON.stringify(afterRevoke) });

    const failures: unknown[] = [];
    await services.tokens.refresh(ALIAS, 'salesforce').catch((e: unknown) => failures.push(e));
    // A code replayed through the OS hand-off: refused before any token request.
    const replay = `com.pkcepilot.app:/oauth/callback/${ALIAS}/salesforce?code=${encodeURIComponent(sf.issuedTokens()[0] ?? '')}&state=forged-state-value`;
    await services.signIn.handleOsRedirect(replay).catch((e: unknown) => failures.push(e));
    expect(failures).toHaveLength(2);
    for (const [i, e] of failures.entries()) haystacks.push({ label: `error #${i}`, text: errorText(e) });
    haystacks.push({ label: 'sign-in events', text: JSON.stringify(events) });
  });

  it('real CLI runs (captured stdout/stderr) leak nothing, including login and logout', async () => {
    // A corrupt progress file makes the stores quarantine a copy: the scan must cover such copies too.
    writeFileSync(path.join(home, 'progress.json'), '{"version": 1, "orgs": {"trunc');
    const env = { PKCE_PILOT_HOME: home };
    const runs: { argv: string[]; io: ReturnType<typeof captureIo>; code: number }[] = [];
    const run = async (...argv: string[]) => {
      const io = captureIo(env);
      const code = await runCli(argv, io);
      runs.push({ argv, io, code });
      return { io, code };
    };

    const loginIo = captureIo(env);
    const login = runCli(['login', CLI_ALIAS, '--no-open'], loginIo);
    const url = await waitFor(() => loginIo.stdout[0]);
    const callback = await completeAuthorizationWithFetch(url, { login: 'cli@acme.test' });
    await fetch(callback);
    expect(await login).toBe(0);
    runs.push({ argv: ['login'], io: loginIo, code: 0 });
    expect(loginIo.stderr.join('\n')).toContain('as cli@acme.test');

    expect((await run('status', CLI_ALIAS, '--json')).code).toBe(0);
    expect((await run('status', CLI_ALIAS)).code).toBe(0);
    await run('verify', CLI_ALIAS, '--json');
    await run('verify', '--all');
    for (const format of ['md', 'html', 'json'])
      expect((await run('report', CLI_ALIAS, '--format', format)).code).toBe(0);
    const reportFile = path.join(home, 'exported', 'cli-report.html');
    await run('report', CLI_ALIAS, '--format', 'html', '--out', path.join(home, 'no-such-dir', 'x.html')); // a failure path
    await mkdir(path.dirname(reportFile), { recursive: true });
    expect((await run('report', CLI_ALIAS, '--format', 'html', '--out', reportFile)).code).toBe(0);
    expect((await run('checklist', CLI_ALIAS)).code).toBe(0);
    expect((await run('org', 'list', '--json')).code).toBe(0);
    const logout = await run('logout', CLI_ALIAS);
    expect(logout.code).toBe(0);
    expect(sf.requests.some((r) => r.path === '/services/oauth2/revoke' && r.method === 'POST')).toBe(true);
    expect((await services.signIn.status(CLI_ALIAS, 'salesforce')).signedIn).toBe(false);
    await run('status', CLI_ALIAS, '--json');

    for (const r of runs) {
      haystacks.push({ label: `cli ${r.argv.join(' ')}: stdout`, text: r.io.stdout.join('\n') });
      haystacks.push({ label: `cli ${r.argv.join(' ')}: stderr`, text: r.io.stderr.join('\n') });
    }
  });

  it('no issued token or code is anywhere but the keychain, and none travelled in a URL', async () => {
    const secrets = [...sf.issuedTokens(), ...okta.issuedTokens()];
    // Access, refresh and code for each sign-in and refresh: the scan has real values to look for.
    expect(secrets.length).toBeGreaterThanOrEqual(12);
    // The positive control: what the keychain holds is among what we scan for.
    const okt = await services.secrets.get(ALIAS, 'okta');
    expect(secrets).toContain(okt?.accessToken);
    expect(secrets).toContain(okt?.refreshToken);

    const folder = await scanFolder(home);
    const files = filesIn(folder);
    expect(files).toEqual(expect.arrayContaining(['orgs.json', path.join('exported', 'cli-report.html')]));
    expect(files.some((f) => f.includes('corrupt'))).toBe(true);

    const all = [
      ...haystacks,
      ...folder,
      ...requestUrlHaystacks('salesforce', sf.requests),
      ...requestUrlHaystacks('okta', okta.requests),
    ];
    const hits = scanForSecrets(all, secrets);
    expect(hits, describeHits(hits)).toEqual([]);
    expect(sf.leaks).toEqual([]);
    expect(okta.leaks).toEqual([]);
    // The token endpoint saw codes and refresh tokens only in POST bodies.
    const tokenRequests = [...sf.requests, ...okta.requests].filter((r) => r.path.endsWith('/token'));
    expect(tokenRequests.length).toBeGreaterThan(0);
    for (const r of tokenRequests)
      expect({ method: r.method, query: r.query }).toEqual({ method: 'POST', query: '' });
  });
});

async function waitFor<T>(read: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = read();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting for CLI output');
    await new Promise((r) => setTimeout(r, 20));
  }
}
