import { createHash, generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { completeAuthorizationWithFetch, startOktaServer, type OktaTestServer } from '../servers/okta-server';

const CLIENT_ID = '0oa-pkce-pilot';
const DPOP_CLIENT_ID = '0oa-pkce-pilot-dpop';
const LOOPBACK = 'http://127.0.0.1:7180/callback';
const CUSTOM = 'com.pkcepilot.app:/okta/callback';
const SCOPE = 'openid profile offline_access okta.apps.read okta.logs.read';

let server: OktaTestServer;

beforeAll(async () => {
  server = await startOktaServer({
    apiHandler: async (req, res, auth) => {
      if (!req.url?.startsWith('/api/v1/')) return false;
      const who = await auth.validateBearer(req.headers.authorization);
      if (!who) {
        res
          .writeHead(401, { 'content-type': 'application/json' })
          .end(JSON.stringify({ errorCode: 'E0000011', errorSummary: 'Invalid token provided' }));
      } else {
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify([{ id: '0oaSF', name: 'salesforce', scope: who.scope }]));
      }
      return true;
    },
  });
  await server.registerClient({ clientId: CLIENT_ID, redirectUris: [LOOPBACK, CUSTOM] });
  await server.registerClient({ clientId: DPOP_CLIENT_ID, redirectUris: [LOOPBACK], dpopRequired: true });
});
afterAll(async () => server.close());
beforeEach(() => {
  server.clearFaults();
  server.setAutoConsent(false);
});

function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL('/oauth2/v1/authorize', server.url);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: LOOPBACK,
    scope: SCOPE,
    state: 'okta-state',
    ...params,
  }).toString();
  return url.toString();
}

async function postToken(fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(new URL('/oauth2/v1/token', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as Record<string, unknown>,
  };
}

async function signIn(
  clientId = CLIENT_ID,
  redirectUri = LOOPBACK,
): Promise<{ code: string; verifier: string; callback: URL }> {
  const { verifier, challenge } = newPkce();
  const url = authorizeUrl({
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const callback = new URL(await completeAuthorizationWithFetch(url, { login: 'admin@okta.test' }));
  return { code: callback.searchParams.get('code') ?? '', verifier, callback };
}

/** A DPoP proof JWT (RFC 9449 §4.2) signed with ES256. */
function dpopProof(
  key: { privateKey: KeyObject; publicKey: KeyObject },
  htu: string,
  nonce?: string,
): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const { kty, crv, x, y } = key.publicKey.export({ format: 'jwk' });
  const header = encode({ typ: 'dpop+jwt', alg: 'ES256', jwk: { kty, crv, x, y } });
  const payload = encode({
    jti: randomUUID(),
    htm: 'POST',
    htu,
    iat: Math.floor(Date.now() / 1000),
    ...(nonce ? { nonce } : {}),
  });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

describe('Okta test server', () => {
  it('runs a PKCE sign-in and returns standard tokens with expires_in 3600 and a refresh token', async () => {
    const { code, verifier, callback } = await signIn();
    expect(callback.searchParams.get('state')).toBe('okta-state');
    const { status, json } = await postToken({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      redirect_uri: LOOPBACK,
      code_verifier: verifier,
    });
    expect(status).toBe(200);
    expect(json).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(String(json.scope).split(' ')).toEqual(
      expect.arrayContaining(['okta.apps.read', 'okta.logs.read', 'offline_access']),
    );
    expect(json.refresh_token).toEqual(expect.any(String));
    expect(json.id_token).toEqual(expect.any(String));

    const apps = await fetch(new URL('/api/v1/apps', server.url), {
      headers: { authorization: `Bearer ${String(json.access_token)}` },
    });
    expect(await apps.json()).toEqual([expect.objectContaining({ name: 'salesforce' })]);
    const userinfo = await fetch(new URL('/oauth2/v1/userinfo', server.url), {
      headers: { authorization: `Bearer ${String(json.access_token)}` },
    });
    expect(await userinfo.json()).toMatchObject({ sub: 'admin@okta.test' });

    const refreshed = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(json.refresh_token),
      client_id: CLIENT_ID,
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.json.refresh_token).not.toBe(json.refresh_token);
    const reuse = await postToken({
      grant_type: 'refresh_token',
      refresh_token: String(json.refresh_token),
      client_id: CLIENT_ID,
    });
    expect(reuse).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'The refresh token is invalid or expired.' },
    });

    const revoke = await fetch(new URL('/oauth2/v1/revoke', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: String(refreshed.json.access_token),
        client_id: CLIENT_ID,
      }).toString(),
    });
    expect(revoke.status).toBe(200);
    expect(await server.validateAccessToken(String(refreshed.json.access_token))).toBeUndefined();
  });

  it('uses Okta wording for a wrong verifier and an unknown client', async () => {
    const { code } = await signIn();
    const wrong = await postToken({
      grant_type: 'authorization_code',
      code,
      client_id: CLIENT_ID,
      redirect_uri: LOOPBACK,
      code_verifier: newPkce().verifier,
    });
    expect(wrong).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'PKCE verification failed.' },
    });
    const unknown = await postToken({ grant_type: 'refresh_token', refresh_token: 'x', client_id: 'nobody' });
    expect(unknown).toMatchObject({ status: 401, json: { error: 'invalid_client' } });
  });

  it('redirects to custom-scheme callbacks and completes automatically in autoConsent mode', async () => {
    server.setAutoConsent(true);
    const { callback, code } = await signIn(CLIENT_ID, CUSTOM);
    expect(callback.protocol).toBe('com.pkcepilot.app:');
    expect(code).not.toBe('');
  });

  it('requires DPoP for a DPoP client: no proof is rejected, the first proof gets use_dpop_nonce', async () => {
    server.setAutoConsent(true);
    const { code, verifier } = await signIn(DPOP_CLIENT_ID);
    const fields = {
      grant_type: 'authorization_code',
      code,
      client_id: DPOP_CLIENT_ID,
      redirect_uri: LOOPBACK,
      code_verifier: verifier,
    };
    const withoutProof = await postToken(fields);
    expect(withoutProof).toMatchObject({ status: 400, json: { error: 'invalid_dpop_proof' } });

    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const htu = `${server.url}/oauth2/v1/token`;
    const first = await postToken(fields, { dpop: dpopProof(key, htu) });
    expect(first).toMatchObject({ status: 400, json: { error: 'use_dpop_nonce' } });
    const nonce = first.headers.get('dpop-nonce');
    expect(nonce).toEqual(expect.any(String));

    const second = await postToken(fields, { dpop: dpopProof(key, htu, nonce ?? '') });
    expect(second.status).toBe(200);
    expect(second.json.token_type).toBe('DPoP');
    const accessToken = String(second.json.access_token);
    // A DPoP-bound token is refused as a plain bearer token.
    expect(await server.validateBearer(`Bearer ${accessToken}`)).toBeUndefined();
    expect(await server.validateBearer(`DPoP ${accessToken}`)).toMatchObject({ clientId: DPOP_CLIENT_ID });
  });

  it('rejects a loopback redirect on another port and logs token requests without secrets', async () => {
    const page = await fetch(
      authorizeUrl({
        redirect_uri: 'http://127.0.0.1:7181/callback',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
      }),
      {
        redirect: 'manual',
      },
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('invalid_redirect_uri');
    const secrets = server.issuedTokens();
    expect(secrets.length).toBeGreaterThan(0);
    const log = JSON.stringify(server.requests);
    for (const secret of secrets) expect(log).not.toContain(secret);
    expect(server.tokenRequestCount('authorization_code')).toBeGreaterThan(0);
    expect(server.leaks).toEqual([]);
  });

  it('applies faults to the Okta API mount until they are used up or cleared', async () => {
    server.injectFault('api', { kind: 'rate-limit', count: 1 });
    const limited = await fetch(new URL('/api/v1/logs', server.url));
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-remaining')).toBe('0');
    expect((await fetch(new URL('/api/v1/logs', server.url))).status).toBe(401);
    server.injectFault('token', { kind: 'status', status: 502 }, { times: Infinity });
    expect((await fetch(new URL('/oauth2/v1/token', server.url), { method: 'POST' })).status).toBe(502);
    expect((await fetch(new URL('/oauth2/v1/token', server.url), { method: 'POST' })).status).toBe(502);
    server.clearFaults();
    expect((await fetch(new URL('/oauth2/v1/token', server.url), { method: 'POST' })).status).toBe(400);
  });

  it('delays every answer by the configured latency', async () => {
    server.setLatency(400);
    try {
      // The server cannot answer before the latency has passed, so a shorter client deadline must expire.
      await expect(
        fetch(new URL('/oauth2/v1/keys', server.url), { signal: AbortSignal.timeout(50) }),
      ).rejects.toThrow();
    } finally {
      server.setLatency(0);
    }
    expect((await fetch(new URL('/oauth2/v1/keys', server.url))).status).toBe(200);
  });
});
