import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';

const CLIENT_ID = 'pkce-pilot-test-client';
const LOOPBACK = 'http://127.0.0.1:7171/oauth/callback';
const CUSTOM = 'com.pkcepilot.app:/oauth/callback';

function newPkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

let server: SalesforceTestServer;

beforeAll(async () => {
  server = await startSalesforceServer();
  await server.registerClient({ clientId: CLIENT_ID, redirectUris: [CUSTOM, LOOPBACK] });
  await server.registerClient({ clientId: 'legacy-no-pkce', redirectUris: [LOOPBACK], pkceRequired: false });
});
afterAll(async () => server.close());
beforeEach(() => {
  server.clearFaults();
  server.setAutoConsent(false);
  server.setRotation(true);
});

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL('/services/oauth2/authorize', server.url);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: LOOPBACK,
    scope: 'api refresh_token id',
    state: 'st-1',
    ...params,
  }).toString();
  return url.toString();
}

async function postForm(
  path: string,
  fields: Record<string, string>,
): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
  const response = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  const text = await response.text();
  return {
    status: response.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
  };
}

async function signIn(
  redirectUri = LOOPBACK,
  login = 'ada',
): Promise<{ code: string; verifier: string; callback: URL }> {
  const { verifier, challenge } = newPkce();
  const callback = new URL(
    await completeAuthorizationWithFetch(
      authorizeUrl({ redirect_uri: redirectUri, code_challenge: challenge, code_challenge_method: 'S256' }),
      { login },
    ),
  );
  return { code: callback.searchParams.get('code') ?? '', verifier, callback };
}

function exchange(code: string, verifier: string | undefined, redirectUri = LOOPBACK) {
  return postForm('/services/oauth2/token', {
    grant_type: 'authorization_code',
    code,
    client_id: CLIENT_ID,
    redirect_uri: redirectUri,
    ...(verifier === undefined ? {} : { code_verifier: verifier }),
  });
}

describe('Salesforce test server: PKCE sign-in', () => {
  it('issues a code through the login and consent pages and exchanges it for Salesforce-shaped tokens', async () => {
    const { code, verifier, callback } = await signIn();
    expect(callback.origin + callback.pathname).toBe(LOOPBACK);
    expect(callback.searchParams.get('state')).toBe('st-1');
    expect(callback.searchParams.has('iss')).toBe(false);
    const before = Date.now();
    const { status, json } = await exchange(code, verifier);
    expect(status).toBe(200);
    expect(json).not.toHaveProperty('expires_in');
    expect(json.token_type).toBe('Bearer');
    expect(json.instance_url).toBe(server.url);
    expect(json.id).toBe(server.identityUrlOf('ada'));
    expect(String(json.id)).toMatch(/\/id\/00D\w{15}\/005\w{15}$/);
    expect(Number(json.issued_at)).toBeGreaterThanOrEqual(before);
    expect(typeof json.issued_at).toBe('string');
    expect(String(json.signature)).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(String(json.scope).split(' ').sort()).toEqual(['api', 'id', 'refresh_token']);
    expect(typeof json.access_token).toBe('string');
    expect(typeof json.refresh_token).toBe('string');
    expect(server.issuedTokens()).toEqual(
      expect.arrayContaining([code, json.access_token, json.refresh_token]),
    );
    expect(await server.validateAccessToken(String(json.access_token))).toMatchObject({
      accountId: 'ada',
      clientId: CLIENT_ID,
    });
  });

  it('redirects to a custom-scheme callback', async () => {
    const { callback, code, verifier } = await signIn(CUSTOM);
    expect(callback.protocol).toBe('com.pkcepilot.app:');
    expect((await exchange(code, verifier, CUSTOM)).status).toBe(200);
  });

  it('completes automatically in autoConsent mode with a fixed user', async () => {
    server.setAutoConsent(true);
    const { code, verifier } = await signIn();
    const { json } = await exchange(code, verifier);
    expect(json.id).toBe(server.identityUrlOf('admin@acme.test'));
  });

  it('returns the user from the identity URL with a bearer header and rejects a token in the query', async () => {
    const { code, verifier } = await signIn(LOOPBACK, 'grace@example.com');
    const { json } = await exchange(code, verifier);
    const identity = await fetch(String(json.id), {
      headers: { authorization: `Bearer ${String(json.access_token)}` },
    });
    expect(identity.status).toBe(200);
    expect(await identity.json()).toMatchObject({
      username: 'grace@example.com',
      organization_id: server.orgId,
      user_id: String(json.id).split('/').pop(),
    });
    const leaksBefore = server.leaks.length;
    const leaky = await fetch(`${String(json.id)}?oauth_token=${String(json.access_token)}`);
    expect(leaky.status).toBe(400);
    expect(server.leaks.length).toBeGreaterThan(leaksBefore);
    expect((await fetch(String(json.id), { headers: { authorization: 'Bearer nope' } })).status).toBe(403);
  });

  it('names users without an email login <login>@acme.test', async () => {
    const { code, verifier } = await signIn(LOOPBACK, 'linus');
    const { json } = await exchange(code, verifier);
    const identity = await fetch(String(json.id), {
      headers: { authorization: `Bearer ${String(json.access_token)}` },
    });
    expect(await identity.json()).toMatchObject({ username: 'linus@acme.test' });
  });
});

function refresh(refreshToken: string, extra: Record<string, string> = {}) {
  return postForm('/services/oauth2/token', {
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
    client_id: CLIENT_ID,
    ...extra,
  });
}

async function tokens(): Promise<Record<string, unknown>> {
  const { code, verifier } = await signIn();
  return (await exchange(code, verifier)).json;
}

describe('Salesforce test server: refresh tokens', () => {
  it('rotates refresh tokens and revokes the family when an old one is reused', async () => {
    const first = await tokens();
    const second = await refresh(String(first.refresh_token));
    expect(second.status).toBe(200);
    expect(second.json).not.toHaveProperty('expires_in');
    expect(second.json.refresh_token).toEqual(expect.any(String));
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    expect(second.json.instance_url).toBe(server.url);

    const reuse = await refresh(String(first.refresh_token));
    expect(reuse).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'expired access/refresh token' },
    });
    // Reuse revoked the whole family: the newest refresh token and its access token are dead too.
    expect((await refresh(String(second.json.refresh_token))).status).toBe(400);
    expect(await server.validateAccessToken(String(second.json.access_token))).toBeUndefined();
  });

  it('without rotation returns no refresh_token and keeps the old one valid', async () => {
    server.setRotation(false);
    const first = await tokens();
    const again = await refresh(String(first.refresh_token));
    expect(again.status).toBe(200);
    expect(again.json).not.toHaveProperty('refresh_token');
    expect((await refresh(String(first.refresh_token))).status).toBe(200);
    expect(server.tokenRequestCount('refresh_token')).toBeGreaterThanOrEqual(2);
  });

  it('rejects a refresh that carries a code_verifier and logs field names only', async () => {
    const first = await tokens();
    const response = await refresh(String(first.refresh_token), { code_verifier: newPkce().verifier });
    expect(response).toMatchObject({
      status: 400,
      json: { error: 'invalid_request', error_description: 'unexpected code verifier' },
    });
    const logged = server.requests.at(-1);
    expect(logged).toMatchObject({ path: '/services/oauth2/token', grantType: 'refresh_token' });
    expect(logged?.formFieldNames).toEqual(['grant_type', 'refresh_token', 'client_id', 'code_verifier']);
    expect(JSON.stringify(server.requests)).not.toContain(String(first.refresh_token));
  });

  it('revokes a refresh token (and its access tokens) and answers 400 invalid_token for unknown tokens', async () => {
    const first = await tokens();
    expect((await postForm('/services/oauth2/revoke', { token: String(first.refresh_token) })).status).toBe(
      200,
    );
    expect(await server.validateAccessToken(String(first.access_token))).toBeUndefined();
    expect(await postForm('/services/oauth2/revoke', { token: 'not-a-token' })).toMatchObject({
      status: 400,
      json: { error: 'invalid_token' },
    });
  });

  it('keeps access tokens valid server-side for the configured TTL', async () => {
    server.setAccessTokenTtl(90);
    try {
      const first = await tokens();
      const stored = await server.provider.AccessToken.find(String(first.access_token));
      expect((stored?.exp ?? 0) - (stored?.iat ?? 0)).toBe(90);
    } finally {
      server.setAccessTokenTtl(7200);
    }
  });
});

describe('Salesforce test server: error strings', () => {
  it('redirects with "missing required code challenge" when a PKCE-required client sends none', async () => {
    const callback = new URL(await completeAuthorizationWithFetch(authorizeUrl({}), { login: 'ada' }));
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('error_description')).toBe('missing required code challenge');
  });

  it('rejects a wrong verifier with "invalid code verifier"', async () => {
    const { code } = await signIn();
    expect(await exchange(code, newPkce().verifier)).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'invalid code verifier' },
    });
  });

  it('rejects a verifier containing "~" like Salesforce does', async () => {
    const { code } = await signIn();
    expect(await exchange(code, `${'a'.repeat(50)}~`)).toMatchObject({
      status: 400,
      json: { error_description: 'invalid code verifier' },
    });
  });

  it('accepts no challenge for a client that does not require PKCE, then rejects a verifier as unexpected', async () => {
    const url = authorizeUrl({ client_id: 'legacy-no-pkce' });
    const code =
      new URL(await completeAuthorizationWithFetch(url, { login: 'ada' })).searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    const response = await postForm('/services/oauth2/token', {
      grant_type: 'authorization_code',
      code,
      client_id: 'legacy-no-pkce',
      redirect_uri: LOOPBACK,
      code_verifier: newPkce().verifier,
    });
    expect(response).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'unexpected code verifier' },
    });
  });

  it('answers "expired authorization code" for a reused code', async () => {
    const { code, verifier } = await signIn();
    expect((await exchange(code, verifier)).status).toBe(200);
    expect(await exchange(code, verifier)).toMatchObject({
      status: 400,
      json: { error: 'invalid_grant', error_description: 'expired authorization code' },
    });
  });

  it('answers invalid_client_id for an unknown client at the token and authorize endpoints', async () => {
    const response = await postForm('/services/oauth2/token', {
      grant_type: 'authorization_code',
      code: 'x',
      client_id: 'nobody',
      redirect_uri: LOOPBACK,
      code_verifier: newPkce().verifier,
    });
    expect(response).toMatchObject({
      status: 400,
      json: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });
    const page = await fetch(
      authorizeUrl({
        client_id: 'nobody',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toBe('error=invalid_client_id&error_description=client%20identifier%20invalid');
  });

  it('answers redirect_uri_mismatch for a loopback callback on another port', async () => {
    const page = await fetch(
      authorizeUrl({
        redirect_uri: 'http://127.0.0.1:7172/oauth/callback',
        code_challenge: newPkce().challenge,
        code_challenge_method: 'S256',
      }),
      { redirect: 'manual' },
    );
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('error=redirect_uri_mismatch');
  });
});

describe('Salesforce test server: faults and hooks', () => {
  it('injects token-endpoint faults once by default', async () => {
    server.injectFault('token', { kind: 'html' });
    const html = await fetch(new URL('/services/oauth2/token', server.url), { method: 'POST' });
    expect(html.headers.get('content-type')).toContain('text/html');
    await html.text();
    server.injectFault('token', {
      kind: 'status',
      status: 503,
      body: 'unavailable',
      contentType: 'text/plain',
    });
    const unavailable = await fetch(new URL('/services/oauth2/token', server.url), { method: 'POST' });
    expect(unavailable.status).toBe(503);
    expect(await unavailable.text()).toBe('unavailable');
    server.injectFault('token', { kind: 'truncated-json' });
    await expect(
      (await fetch(new URL('/services/oauth2/token', server.url), { method: 'POST' })).json(),
    ).rejects.toThrow();
    // Faults are used up: the real endpoint answers again.
    expect(
      (
        await postForm('/services/oauth2/token', {
          grant_type: 'refresh_token',
          refresh_token: 'x',
          client_id: CLIENT_ID,
        })
      ).status,
    ).toBe(400);
  });

  it('resets the connection, rate-limits, and strips the content type of real answers', async () => {
    server.injectFault('token', { kind: 'reset' });
    await expect(fetch(new URL('/services/oauth2/token', server.url), { method: 'POST' })).rejects.toThrow();
    server.injectFault('identity', { kind: 'rate-limit', count: 2 });
    const identityUrl = server.identityUrlOf('ada');
    expect((await fetch(identityUrl)).status).toBe(429);
    const second = await fetch(identityUrl);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('1');
    expect((await fetch(identityUrl)).status).toBe(403);
    server.injectFault('token', { kind: 'no-content-type' });
    const bare = await fetch(new URL('/services/oauth2/token', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=refresh_token&refresh_token=x&client_id=' + CLIENT_ID,
    });
    expect(bare.status).toBe(400);
    expect(bare.headers.get('content-type')).toBeNull();
    expect(JSON.parse(await bare.text())).toMatchObject({ error: 'invalid_grant' });
  });

  it('hangs, redirects in a loop, and delays bodies on request', async () => {
    server.injectFault('revoke', { kind: 'hang' });
    await expect(
      fetch(new URL('/services/oauth2/revoke', server.url), {
        method: 'POST',
        signal: AbortSignal.timeout(300),
      }),
    ).rejects.toThrow();
    server.injectFault('authorize', { kind: 'redirect-loop' });
    const loop = await fetch(authorizeUrl({}), { redirect: 'manual' });
    expect(loop.status).toBe(302);
    expect(new URL(String(loop.headers.get('location')), server.url).toString()).toBe(authorizeUrl({}));
    server.injectFault('token', { kind: 'slow-body', ms: 50 });
    const slow = await postForm('/services/oauth2/token', {
      grant_type: 'refresh_token',
      refresh_token: 'x',
      client_id: CLIENT_ID,
    });
    expect(slow.json).toMatchObject({ error: 'invalid_grant' });
  });

  it('passes other paths to the API handler with a bearer validator', async () => {
    const apiServer = await startSalesforceServer({
      autoConsent: true,
      apiHandler: async (req, res, auth) => {
        if (!req.url?.startsWith('/services/data/')) return false;
        const who = await auth.validateBearer(req.headers.authorization);
        res
          .writeHead(who ? 200 : 401, { 'content-type': 'application/json' })
          .end(JSON.stringify(who ?? [{ errorCode: 'INVALID_SESSION_ID' }]));
        return true;
      },
    });
    try {
      await apiServer.registerClient({ clientId: CLIENT_ID, redirectUris: [LOOPBACK] });
      const { verifier, challenge } = newPkce();
      const url = new URL('/services/oauth2/authorize', apiServer.url);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: CLIENT_ID,
        redirect_uri: LOOPBACK,
        scope: 'api',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      }).toString();
      const code =
        new URL(await completeAuthorizationWithFetch(url.toString(), { login: 'x' })).searchParams.get(
          'code',
        ) ?? '';
      const token = await fetch(new URL('/services/oauth2/token', apiServer.url), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          code,
          client_id: CLIENT_ID,
          redirect_uri: LOOPBACK,
          code_verifier: verifier,
        }),
      }).then((r) => r.json() as Promise<Record<string, string>>);
      expect(token).not.toHaveProperty('refresh_token'); // scope did not ask for refresh_token
      const ok = await fetch(new URL('/services/data/v62.0/limits', apiServer.url), {
        headers: { authorization: `Bearer ${token.access_token}` },
      });
      expect(await ok.json()).toMatchObject({ accountId: 'admin@acme.test', clientId: CLIENT_ID });
      expect((await fetch(new URL('/services/data/v62.0/limits', apiServer.url))).status).toBe(401);
      expect((await fetch(new URL('/elsewhere', apiServer.url))).status).toBe(404);
      apiServer.injectFault('api', { kind: 'status', status: 500 });
      expect((await fetch(new URL('/services/data/v62.0/limits', apiServer.url))).status).toBe(500);
    } finally {
      await apiServer.close();
    }
  });

  it('serves discovery at the Salesforce paths without the iss-parameter flag', async () => {
    const discovery = (await (
      await fetch(new URL('/.well-known/openid-configuration', server.url))
    ).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({
      issuer: server.url,
      authorization_endpoint: `${server.url}/services/oauth2/authorize`,
      token_endpoint: `${server.url}/services/oauth2/token`,
      userinfo_endpoint: `${server.url}/services/oauth2/userinfo`,
    });
    expect(discovery).not.toHaveProperty('authorization_response_iss_parameter_supported');
  });
});
