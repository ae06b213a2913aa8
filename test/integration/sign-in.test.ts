/**
 * The whole sign-in engine against the Salesforce- and Okta-shaped oidc-provider test servers: the
 * browser step is driven with plain fetch (login + consent forms), the redirect goes through the real
 * loopback listener or the OS hand-off entry point. Tokens land in SecretStore — the real keychain when
 * run under scripts/with-keyring.sh, otherwise SecretStore over an in-memory backend.
 */
import { freePort } from '../helpers/free-port';
import { testSecrets } from '../helpers/keychain';
import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/http';
import type { OrgSettings, ProviderId, RedirectKind, SignInStatus } from '../../main/core/model';
import { endpointsFor } from '../../main/core/auth/providers';
import { PendingSignIns } from '../../main/core/auth/pending-signins';
import { SignInService, type SignInEvent } from '../../main/core/auth/sign-in';
import { refreshTokens } from '../../main/core/auth/token-client';
import { TokenService } from '../../main/core/auth/token-service';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  TEST_ORG_ID,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { startOktaServer, type OktaTestServer } from '../servers/okta-server';

const CLIENT_ID = 'pkce-pilot-engine-test';
const SCHEME = 'com.pkcepilot.app.dev';
// One callback per org and provider (RFC 9700 §4.4.2); each app registers only its own.
const SCHEME_URI = `${SCHEME}:/oauth/callback/acme-scheme/salesforce`;
const OKTA_SCHEME_URI = `${SCHEME}:/oauth/callback/acme-scheme/okta`;

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const secrets = testSecrets();
const http = createHttpClient({ env: {}, timeoutMs: 5_000 });

let sf: SalesforceTestServer;
let okta: OktaTestServer;
let port: number;
const orgs = new Map<string, OrgSettings>();

function org(alias: string, redirect: RedirectKind, withOkta = false): OrgSettings {
  const now = new Date().toISOString();
  return {
    alias,
    salesforce: { baseUrl: sf.url, clientId: CLIENT_ID, redirect, port },
    ...(withOkta
      ? { okta: { baseUrl: okta.url, clientId: CLIENT_ID, redirect: 'scheme' as const, port } }
      : {}),
    createdAt: now,
    updatedAt: now,
  };
}

function service(events: SignInEvent[] = [], oktaDpop = false): { svc: SignInService; opened: string[] } {
  const opened: string[] = [];
  const svc = new SignInService({
    orgs: {
      get: async (alias) => {
        const o = orgs.get(alias);
        if (!o) throw new Error(`no org ${alias}`);
        return o;
      },
    },
    secrets,
    http,
    scheme: SCHEME,
    openBrowser: async (url) => void opened.push(url),
    onEvent: (e) => events.push(e),
    oktaDpop,
  });
  return { svc, opened };
}

beforeAll(async () => {
  [sf, okta, port] = await Promise.all([startSalesforceServer(), startOktaServer(), freePort()]);
  const loopback = `http://127.0.0.1:${port}/oauth/callback/acme-loop/salesforce`;
  await sf.registerClient({ clientId: CLIENT_ID, redirectUris: [loopback, SCHEME_URI] });
  await okta.registerClient({ clientId: CLIENT_ID, redirectUris: [OKTA_SCHEME_URI] });
  await okta.registerClient({
    clientId: 'dpop-client',
    redirectUris: [`${SCHEME}:/oauth/callback/acme-dpop/okta`],
    dpopRequired: true,
  });
  orgs.set('acme-loop', org('acme-loop', 'loopback'));
  orgs.set('acme-scheme', org('acme-scheme', 'scheme', true));
});
afterAll(async () => {
  for (const alias of orgs.keys())
    for (const p of ['salesforce', 'okta'] as ProviderId[])
      await secrets.delete(alias, p).catch(() => undefined);
  await Promise.all([sf?.close(), okta?.close()]);
});
beforeEach(() => {
  sf.clearFaults();
});

describe('Salesforce sign-in over the loopback listener', () => {
  it('signs in, stores tokens with identity, and never puts a secret in a URL', async () => {
    const events: SignInEvent[] = [];
    const { svc, opened } = service(events);
    const { authorizationUrl, startUrl, done } = await svc.start('acme-loop', 'salesforce', {
      prompt: 'login',
    });
    // The opener gets the secret-free one-time start link, never the URL with state and challenge.
    expect(opened).toEqual([startUrl]);
    expect(startUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${port}/start/[A-Za-z0-9_-]{43}$`));
    const q = new URL(authorizationUrl).searchParams;
    expect(new URL(authorizationUrl).pathname).toBe('/services/oauth2/authorize');
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe(CLIENT_ID);
    expect(q.get('redirect_uri')).toBe(`http://127.0.0.1:${port}/oauth/callback/acme-loop/salesforce`);
    expect(q.get('scope')).toBe('api refresh_token id');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(q.get('prompt')).toBe('login');
    expect(q.has('code_verifier')).toBe(false);

    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'ada' });
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('signed in to Salesforce as ada@acme.test');

    const status = await done;
    expect(status).toMatchObject({
      alias: 'acme-loop',
      provider: 'salesforce',
      signedIn: true,
      username: 'ada@acme.test',
      orgId: TEST_ORG_ID,
      instanceUrl: sf.url,
    });
    const stored = await secrets.get('acme-loop', 'salesforce');
    expect(stored?.refreshToken).toBeTruthy();
    expect(stored?.identityUrl).toBe(sf.identityUrlOf('ada'));
    expect(stored?.expiresAt).toBeUndefined();
    expect(events.map((e) => e.phase)).toEqual(['waiting-for-browser', 'exchanging', 'signed-in']);
    expect(JSON.stringify(events)).not.toContain(stored?.accessToken ?? '-');
    expect(sf.leaks).toEqual([]);
    const exchange = sf.requests.filter((r) => r.grantType === 'authorization_code').at(-1);
    expect(exchange?.formFieldNames).toEqual(
      expect.arrayContaining(['code', 'code_verifier', 'client_id', 'redirect_uri']),
    );
    expect(exchange?.formFieldNames).not.toContain('client_secret');
    expect(await svc.status('acme-loop', 'salesforce')).toEqual(status);

    // The listener closed after completion: the port is free again.
    await expect(fetch(callback)).rejects.toThrow();
  });

  it('refreshes with rotation, without a code_verifier, and persists the new refresh token', async () => {
    const before = await secrets.get('acme-loop', 'salesforce');
    const settings = must(orgs.get('acme-loop')).salesforce;
    const tokens = new TokenService({
      secretStore: secrets,
      refresh: (_a, provider, t) =>
        refreshTokens({
          provider,
          endpoints: endpointsFor(provider, settings.baseUrl),
          clientId: CLIENT_ID,
          http,
          tokens: t,
        }),
    });
    const [a, b] = await Promise.all([
      tokens.refresh('acme-loop', 'salesforce'),
      tokens.refresh('acme-loop', 'salesforce'),
    ]);
    expect(a).toBe(b);
    expect(a.refreshToken).not.toBe(before?.refreshToken);
    expect(a.username).toBe('ada@acme.test');
    expect((await secrets.get('acme-loop', 'salesforce'))?.refreshToken).toBe(a.refreshToken);
    const refreshes = sf.requests.filter((r) => r.grantType === 'refresh_token');
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]?.formFieldNames).not.toContain('code_verifier');
    expect(refreshes[0]?.formFieldNames).toContain('client_id');
  });

  it('signs out by revoking the refresh token and deleting the keychain item', async () => {
    const { svc } = service();
    const stored = await secrets.get('acme-loop', 'salesforce');
    const result = await svc.signOut('acme-loop', 'salesforce');
    expect(result.revokeError).toBeUndefined();
    expect(result.status.signedIn).toBe(false);
    expect(await secrets.get('acme-loop', 'salesforce')).toBeUndefined();
    const settings = must(orgs.get('acme-loop')).salesforce;
    await expect(
      refreshTokens({
        provider: 'salesforce',
        endpoints: endpointsFor('salesforce', settings.baseUrl),
        clientId: CLIENT_ID,
        http,
        tokens: must(stored),
      }),
    ).rejects.toMatchObject({ code: 'oauth-error', details: { error: 'invalid_grant' } });
  });

  it('reports a busy port clearly and leaves nothing pending', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', () => r()));
    const { svc } = service();
    try {
      await expect(svc.start('acme-loop', 'salesforce')).rejects.toMatchObject({
        code: 'port-busy',
        message: expect.stringContaining(`Port ${port}`),
      });
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    const { done } = await svc.start('acme-loop', 'salesforce');
    expect(svc.cancel('acme-loop', 'salesforce')).toBe(true);
    await expect(done).rejects.toMatchObject({ code: 'signin-cancelled' });
  });

  it('turns an HTML token response into bad-response and fails the sign-in', async () => {
    const { svc } = service();
    const { authorizationUrl, done } = await svc.start('acme-loop', 'salesforce');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'ada' });
    sf.injectFault('token', { kind: 'html' });
    const page = await fetch(callback);
    expect(page.status).toBe(400);
    await expect(done).rejects.toMatchObject({ code: 'bad-response' });
  });
});

describe('Salesforce sign-in over the custom scheme (OS hand-off)', () => {
  it('refuses a redirect that arrives after the sign-in expired, without a token request', async () => {
    let clock = Date.now();
    const pending = new PendingSignIns<SignInStatus>({ now: () => clock });
    const svc = new SignInService({
      orgs: { get: async (a) => must(orgs.get(a)) },
      secrets,
      http,
      scheme: SCHEME,
      openBrowser: async () => undefined,
      pending,
    });
    const { authorizationUrl, done } = await svc.start('acme-scheme', 'salesforce');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'grace' });
    clock += 11 * 60_000;
    const count = sf.tokenRequestCount();
    await expect(svc.handleOsRedirect(callback)).rejects.toMatchObject({ code: 'signin-timeout' });
    await expect(done).rejects.toMatchObject({ code: 'signin-timeout' });
    expect(sf.tokenRequestCount()).toBe(count);
  });

  it('completes through handleOsRedirect', async () => {
    const { svc } = service();
    const { authorizationUrl, done } = await svc.start('acme-scheme', 'salesforce');
    expect(new URL(authorizationUrl).searchParams.get('redirect_uri')).toBe(SCHEME_URI);
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'grace' });
    expect(callback.startsWith(`${SCHEME_URI}?`)).toBe(true);
    const status = await svc.handleOsRedirect(callback);
    expect(status.username).toBe('grace@acme.test');
    await expect(done).resolves.toEqual(status);
    // Replaying the same redirect is refused (single use) and makes no token request.
    const count = sf.tokenRequestCount();
    await expect(svc.handleOsRedirect(callback)).rejects.toMatchObject({ code: 'state-mismatch' });
    expect(sf.tokenRequestCount()).toBe(count);
  });

  it('makes no token request for a forged state, and keeps the real sign-in waiting', async () => {
    const { svc } = service();
    const { authorizationUrl, done } = await svc.start('acme-scheme', 'salesforce');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'grace' });
    const count = sf.tokenRequestCount();
    const forged = new URL(callback.replace(SCHEME_URI, 'http://x/'));
    forged.searchParams.set('state', 'forged-state');
    await expect(svc.handleOsRedirect(`${SCHEME_URI}?${forged.searchParams}`)).rejects.toMatchObject({
      code: 'state-mismatch',
    });
    await expect(
      svc.handleOsRedirect(`com.evil.app:/oauth/callback?${forged.searchParams}`),
    ).rejects.toMatchObject({ code: 'redirect-invalid' });
    expect(sf.tokenRequestCount()).toBe(count);
    await svc.handleOsRedirect(callback);
    await expect(done).resolves.toMatchObject({ signedIn: true });
  });

  it('explains a denied consent', async () => {
    const events: SignInEvent[] = [];
    const { svc } = service(events);
    const { authorizationUrl, done } = await svc.start('acme-scheme', 'salesforce');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'grace', deny: true });
    const count = sf.tokenRequestCount();
    await expect(svc.handleOsRedirect(callback)).rejects.toMatchObject({
      code: 'oauth-error',
      details: { error: 'access_denied' },
    });
    await expect(done).rejects.toMatchObject({ code: 'oauth-error' });
    expect(sf.tokenRequestCount()).toBe(count);
    expect(events.at(-1)?.phase).toBe('error');
  });
});

describe('Okta sign-in', () => {
  it('refuses a response naming another issuer (RFC 9207) before any token request', async () => {
    const { svc } = service();
    const { authorizationUrl, done } = await svc.start('acme-scheme', 'okta');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'linus' });
    const params = new URLSearchParams(callback.slice(callback.indexOf('?') + 1));
    params.set('iss', 'https://evil.example');
    const count = okta.tokenRequestCount();
    await expect(svc.handleOsRedirect(`${OKTA_SCHEME_URI}?${params}`)).rejects.toMatchObject({
      code: 'redirect-invalid',
    });
    await expect(done).rejects.toMatchObject({ code: 'redirect-invalid' });
    expect(okta.tokenRequestCount()).toBe(count);
  });

  it('signs in to the org authorization server and reads the user from userinfo', async () => {
    const { svc } = service();
    const { authorizationUrl, done } = await svc.start('acme-scheme', 'okta');
    expect(new URL(authorizationUrl).pathname).toBe('/oauth2/v1/authorize');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'linus' });
    const status = await svc.handleOsRedirect(callback);
    expect(status).toMatchObject({
      provider: 'okta',
      signedIn: true,
      username: 'linus@acme.test',
      instanceUrl: okta.url,
    });
    await expect(done).resolves.toEqual(status);
    const stored = await secrets.get('acme-scheme', 'okta');
    expect(stored?.expiresAt).toBeGreaterThan(Date.now());
    expect(stored?.tokenType).toBe('Bearer');
    const result = await svc.signOut('acme-scheme', 'okta');
    expect(result.revokeError).toBeUndefined();
    expect(okta.leaks).toEqual([]);
  });

  it('uses DPoP-bound tokens (with the nonce retry) when the app requires them', async () => {
    orgs.set('acme-dpop', {
      ...org('acme-dpop', 'scheme', true),
      okta: { baseUrl: okta.url, clientId: 'dpop-client', redirect: 'scheme', port },
    });
    const { svc } = service([], true);
    const { authorizationUrl } = await svc.start('acme-dpop', 'okta');
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'linus' });
    const status: SignInStatus = await svc.handleOsRedirect(callback);
    expect(status.username).toBe('linus@acme.test');
    const stored = await secrets.get('acme-dpop', 'okta');
    expect(stored?.tokenType).toBe('DPoP');
    expect(stored?.dpopKey?.privateJwk).toBeTruthy();
    const refreshed = await refreshTokens({
      provider: 'okta',
      endpoints: endpointsFor('okta', okta.url),
      clientId: 'dpop-client',
      http,
      tokens: must(stored),
    });
    expect(refreshed.tokenType).toBe('DPoP');
    expect(refreshed.accessToken).not.toBe(stored?.accessToken);
    await secrets.delete('acme-dpop', 'okta');
  });
});
