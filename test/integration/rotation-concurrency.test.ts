/**
 * Refresh-token rotation under concurrency: twenty API calls meet an access token the server no longer
 * accepts at the same moment. With rotation on, sending a consumed refresh token again is refresh-token
 * reuse and kills the whole token family (RFC 9700 §4.14.2), so the app must refresh exactly once,
 * persist the rotated set before anyone uses it, and never send the old refresh token again.
 * Real parts: Salesforce-shaped oidc-provider server + REST API, the real keychain, jsforce.
 *   scripts/with-keyring.sh npx vitest run test/integration/rotation-concurrency.test.ts
 */
import { authorizeForCode } from '../helpers/authorize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import { createHttpClient, type HttpClient } from '../../main/core/http';
import type { ProviderId, TokenSet } from '../../main/core/model';
import { createCodeVerifier } from '../../main/core/auth/pkce';
import { endpointsFor } from '../../main/core/auth/providers';
import { SecretStore } from '../../main/core/storage/secret-store';
import {
  exchangeCode,
  refreshTokens,
  revokeToken,
  type TokenClientContext,
} from '../../main/core/auth/token-client';
import { TokenService, type TokenVault } from '../../main/core/auth/token-service';
import {
  openSalesforceConnection,
  SALESFORCE_API_VERSION,
} from '../../main/core/verify/salesforce-connection';
import { createSalesforceApi, createSalesforceApiState } from '../servers/salesforce-api';
import { startSalesforceServer, type SalesforceTestServer } from '../servers/salesforce-server';
import { HAS_KEYCHAIN } from '../helpers/keychain';

const hasBus = HAS_KEYCHAIN && process.platform === 'linux';
const CLIENT_ID = 'pkce-pilot-rotation';
const REDIRECT = 'com.pkcepilot.app:/oauth/callback';
const CALLERS = 20;

let sf: SalesforceTestServer;
let ctx: TokenClientContext;
const secrets = new SecretStore();
/** Refresh tokens this client sent to the token endpoint, in order (kept in memory only, never printed). */
const sentRefreshTokens: string[] = [];
/** Ordered log of what happened: keychain writes and callers resolving. */
const timeline: string[] = [];

/** The core's HTTP client, plus a tap on outgoing refresh requests so the test can see which token went out. */
function recordingHttp(inner: HttpClient): HttpClient {
  return async (input, init) => {
    if (
      String(input) === ctx?.endpoints.tokenEndpoint &&
      init?.body instanceof URLSearchParams &&
      init.body.get('grant_type') === 'refresh_token'
    ) {
      sentRefreshTokens.push(init.body.get('refresh_token') ?? '');
    }
    return inner(input, init);
  };
}
const http = recordingHttp(createHttpClient({ env: {}, timeoutMs: 10_000 }));

/** The real keychain, with each completed write noted in the timeline. */
const vault: TokenVault = {
  get: (alias, provider) => secrets.get(alias, provider),
  delete: (alias, provider) => secrets.delete(alias, provider),
  async set(alias: string, provider: ProviderId, tokens: TokenSet) {
    await secrets.set(alias, provider, tokens);
    timeline.push(`persisted ${tokens.refreshToken === undefined ? 'none' : 'rt'}`);
  },
};

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

async function signIn(alias: string): Promise<TokenSet> {
  const verifier = createCodeVerifier();
  const code = await authorizeForCode({ ...ctx, redirectUri: REDIRECT, verifier });
  const tokens = await exchangeCode({ ...ctx, redirectUri: REDIRECT, code, verifier });
  await secrets.set(alias, 'salesforce', tokens);
  // The admin's session ends server-side (revoked, as an expired one would): every API call now gets 401.
  await revokeToken({ ...ctx, token: tokens.accessToken, tokenTypeHint: 'access_token' });
  expect(await sf.validateAccessToken(tokens.accessToken)).toBeUndefined();
  return tokens;
}

function tokenService(): TokenService {
  return new TokenService({
    secretStore: vault,
    refresh: (_alias, _provider, tokens) => refreshTokens({ ...ctx, tokens }),
  });
}

/** One REST call as verification makes it; a 401 becomes the PilotError TokenService retries on. */
async function queryOrganization(tokens: TokenSet): Promise<string> {
  const res = await http(
    `${tokens.instanceUrl}/services/data/v${SALESFORCE_API_VERSION}/query?q=${encodeURIComponent('SELECT Id, Name FROM Organization')}`,
    {
      headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
    },
  );
  if (res.status === 401) {
    await res.body?.cancel();
    throw new PilotError('not-signed-in', 'Salesforce rejected the session.', 'Sign in again.', {
      status: 401,
    });
  }
  const body = (await res.json()) as { records?: { Name?: string }[] };
  return must(body.records?.[0]?.Name);
}

/** What every scenario must show after the burst. */
async function expectSingleRotation(
  alias: string,
  before: TokenSet,
  refreshesBefore: number,
  sentBefore: number,
): Promise<TokenSet> {
  // Exactly one refresh request reached the server, carrying the old refresh token once.
  expect(sf.tokenRequestCount('refresh_token') - refreshesBefore).toBe(1);
  const sent = sentRefreshTokens.slice(sentBefore);
  expect(sent).toHaveLength(1);
  expect(sent[0] === before.refreshToken).toBe(true);

  // The rotated set is in the keychain, and the keychain write happened before any caller got an answer.
  const stored = must(await secrets.get(alias, 'salesforce'));
  expect(stored.refreshToken).toBeTruthy();
  expect(stored.refreshToken === before.refreshToken).toBe(false);
  expect(stored.accessToken === before.accessToken).toBe(false);
  const firstResolved = timeline.indexOf('resolved');
  expect(timeline.indexOf('persisted rt')).toBeGreaterThanOrEqual(0);
  expect(timeline.indexOf('persisted rt')).toBeLessThan(firstResolved);
  expect(timeline.filter((e) => e === 'persisted rt')).toHaveLength(1);

  // Server-side family check: had the consumed token been replayed, oidc-provider would have revoked the
  // grant and this refresh would fail with invalid_grant. It succeeds, so the family is intact.
  const next = await refreshTokens({ ...ctx, tokens: stored });
  expect(next.accessToken).toBeTruthy();
  expect(sf.leaks).toEqual([]);
  return stored;
}

beforeAll(async () => {
  sf = await startSalesforceServer({
    autoConsent: true,
    apiHandler: createSalesforceApi(createSalesforceApiState()),
  });
  await sf.registerClient({ clientId: CLIENT_ID, redirectUris: [REDIRECT] });
  ctx = { provider: 'salesforce', endpoints: endpointsFor('salesforce', sf.url), clientId: CLIENT_ID, http };
  expect(sf.isRotationEnabled()).toBe(true);
});
afterAll(async () => {
  for (const alias of ['rotation-fetch', 'rotation-jsforce'])
    await secrets.delete(alias, 'salesforce').catch(() => undefined);
  await sf?.close();
});

describe.skipIf(!hasBus)(
  'rotation under concurrency (real keychain: run under scripts/with-keyring.sh)',
  () => {
    it(`${CALLERS} concurrent REST calls through TokenService.withAccessToken refresh once and persist before resolving`, async () => {
      const alias = 'rotation-fetch';
      const before = await signIn(alias);
      const refreshesBefore = sf.tokenRequestCount('refresh_token');
      const sentBefore = sentRefreshTokens.length;
      timeline.length = 0;
      const service = tokenService();

      const results = await Promise.all(
        Array.from({ length: CALLERS }, () =>
          service.withAccessToken(alias, 'salesforce', queryOrganization).then((name) => {
            timeline.push('resolved');
            return name;
          }),
        ),
      );
      expect(results).toEqual(Array.from({ length: CALLERS }, () => 'Acme Test'));
      const stored = await expectSingleRotation(alias, before, refreshesBefore, sentBefore);
      expect(timeline.filter((e) => e === 'resolved')).toHaveLength(CALLERS);
      expect(stored.username).toBe(before.username);
    });

    it(`${CALLERS} jsforce connections hitting INVALID_SESSION_ID at once share one refresh`, async () => {
      const alias = 'rotation-jsforce';
      const before = await signIn(alias);
      const refreshesBefore = sf.tokenRequestCount('refresh_token');
      const sentBefore = sentRefreshTokens.length;
      timeline.length = 0;
      const service = tokenService();

      // Separate connections, as parallel verification checks would open them, all from the stale set.
      const sessions = await Promise.all(
        Array.from({ length: CALLERS }, () => openSalesforceConnection(alias, before, service)),
      );
      const results = await Promise.all(
        sessions.map((s) =>
          s.conn.query<{ Name: string }>('SELECT Id, Name FROM Organization').then((r) => {
            timeline.push('resolved');
            return r.records[0]?.Name;
          }),
        ),
      );
      expect(results).toEqual(Array.from({ length: CALLERS }, () => 'Acme Test'));
      const stored = await expectSingleRotation(alias, before, refreshesBefore, sentBefore);
      // Every connection moved to the rotated access token.
      for (const s of sessions) expect(s.conn.accessToken === stored.accessToken).toBe(true);
    });
  },
);
