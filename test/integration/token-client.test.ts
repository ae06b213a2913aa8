/**
 * token-client against real HTTP: the Salesforce-shaped oidc-provider server (quirks and faults) and a
 * minimal stub token endpoint for DPoP negotiation that the test servers do not model.
 */
import { authorizeForCode } from '../helpers/authorize';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/http';
import { createCodeVerifier } from '../../main/core/auth/pkce';
import { endpointsFor } from '../../main/core/auth/providers';
import {
  exchangeCode,
  refreshTokens,
  revokeToken,
  type TokenClientContext,
} from '../../main/core/auth/token-client';
import { startSalesforceServer, type SalesforceTestServer } from '../servers/salesforce-server';

const CLIENT_ID = 'token-client-test';
const REDIRECT = 'com.pkcepilot.app:/oauth/callback';
const http = createHttpClient({ env: {}, timeoutMs: 2_000 });
let sf: SalesforceTestServer;
let ctx: TokenClientContext;

beforeAll(async () => {
  sf = await startSalesforceServer();
  await sf.registerClient({ clientId: CLIENT_ID, redirectUris: [REDIRECT] });
  ctx = { provider: 'salesforce', endpoints: endpointsFor('salesforce', sf.url), clientId: CLIENT_ID, http };
});
afterAll(async () => sf?.close());
beforeEach(() => sf.clearFaults());

function authorize(verifier: string): Promise<string> {
  return authorizeForCode({ ...ctx, redirectUri: REDIRECT, verifier });
}

describe('token-client against the Salesforce-shaped server', () => {
  it('maps Salesforce fields: instance_url, id, issued_at in ms; no expiry', async () => {
    const verifier = createCodeVerifier();
    const code = await authorize(verifier);
    const before = Date.now();
    const t = await exchangeCode({ ...ctx, redirectUri: REDIRECT, code, verifier });
    expect(t.instanceUrl).toBe(sf.url);
    expect(t.identityUrl).toBe(sf.identityUrlOf('ada'));
    expect(t.issuedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(t.expiresAt).toBeUndefined();
    expect(t.tokenType).toBe('Bearer');
    expect(t.pkce).toBe('S256');
    expect(t.refreshToken).toBeTruthy();
    // Refresh keeps the identity fields and rotates the refresh token.
    const r = await refreshTokens({ ...ctx, tokens: { ...t, username: 'ada@acme.test' } });
    expect(r.refreshToken).not.toBe(t.refreshToken);
    expect(r.username).toBe('ada@acme.test');
    // Revoking twice: the second is refused and explained.
    await revokeToken({ ...ctx, token: String(r.refreshToken), tokenTypeHint: 'refresh_token' });
    await expect(revokeToken({ ...ctx, token: String(r.refreshToken) })).rejects.toMatchObject({
      code: 'oauth-error',
      details: { phase: 'revoke' },
    });
  });

  it('explains a wrong verifier', async () => {
    const code = await authorize(createCodeVerifier());
    const err = await exchangeCode({
      ...ctx,
      redirectUri: REDIRECT,
      code,
      verifier: createCodeVerifier(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'oauth-error', details: { error: 'invalid_grant' } });
  });

  it('explains an error body that arrives without a Content-Type', async () => {
    const code = await authorize(createCodeVerifier());
    sf.injectFault('token', { kind: 'no-content-type' });
    const err = await exchangeCode({
      ...ctx,
      redirectUri: REDIRECT,
      code,
      verifier: createCodeVerifier(),
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'oauth-error', details: { error: 'invalid_grant' } });
  });

  it.each([
    [{ kind: 'html' } as const, 'bad-response'],
    [{ kind: 'truncated-json' } as const, 'bad-response'],
    [{ kind: 'reset' } as const, 'network'],
    [{ kind: 'hang' } as const, 'timeout'],
  ])('turns the fault %j into %s without echoing the code', async (fault, expected) => {
    const verifier = createCodeVerifier();
    const code = await authorize(verifier);
    sf.injectFault('token', fault);
    const err = await exchangeCode({ ...ctx, redirectUri: REDIRECT, code, verifier }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: expected });
    expect(String((err as Error).message)).not.toContain(code);
    expect(String((err as Error).message)).not.toContain(verifier);
  });
});

describe('DPoP negotiation (stub token endpoint)', () => {
  let stub: Server;
  let base: string;
  const seen: { dpop: boolean; nonce?: string }[] = [];

  beforeAll(async () => {
    // Behaves like an Okta app with DPoP required: no proof -> invalid_dpop_proof; proof without
    // nonce -> use_dpop_nonce + DPoP-Nonce; proof with nonce -> DPoP-bound tokens.
    stub = createServer((req, res) => {
      const proof = req.headers['dpop'];
      const payload =
        typeof proof === 'string'
          ? JSON.parse(Buffer.from(proof.split('.')[1] ?? '', 'base64url').toString())
          : undefined;
      seen.push({ dpop: Boolean(proof), nonce: payload?.nonce });
      res.setHeader('content-type', 'application/json');
      if (!proof)
        return res.writeHead(400).end(
          JSON.stringify({
            error: 'invalid_dpop_proof',
            error_description: 'The DPoP proof JWT header is missing.',
          }),
        );
      if (payload?.nonce !== 'n-1') {
        res.setHeader('dpop-nonce', 'n-1');
        return res.writeHead(400).end(
          JSON.stringify({
            error: 'use_dpop_nonce',
            error_description: 'Authorization server requires nonce in DPoP proof.',
          }),
        );
      }
      res.writeHead(200).end(
        JSON.stringify({
          access_token: 'at',
          token_type: 'DPoP',
          expires_in: 3600,
          refresh_token: 'rt',
          scope: 'okta.apps.read',
        }),
      );
    });
    await new Promise<void>((r) => stub.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(stub.address() as AddressInfo).port}`;
  });
  afterAll(async () => new Promise((r) => stub.close(r)));

  it('switches DPoP on when the server demands it, retries with the nonce, and keeps the key', async () => {
    const t = await exchangeCode({
      provider: 'okta',
      endpoints: endpointsFor('okta', base),
      clientId: 'c',
      http,
      redirectUri: REDIRECT,
      code: 'code-1',
      verifier: createCodeVerifier(),
    });
    expect(seen).toEqual([{ dpop: false }, { dpop: true }, { dpop: true, nonce: 'n-1' }]);
    expect(t.tokenType).toBe('DPoP');
    expect(t.instanceUrl).toBe(base);
    expect(t.expiresAt).toBeGreaterThan(Date.now());
    expect(t.dpopKey?.privateJwk.kty).toBe('EC');
  });
});
