/**
 * A Salesforce-shaped OAuth server for tests: oidc-provider 9 at Salesforce's paths, with Salesforce's
 * token-response fields (instance_url, id, issued_at, signature; no expires_in), its error strings
 * (see /work/shared/notes/salesforce.md), its revoke and identity endpoints, and refresh-token rotation.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import {
  startOAuthTestServer,
  type OAuthTestServer,
  type OAuthTestServerOptions,
  type RawRequest,
  type ServerProfile,
} from './oauth-test-server';
import type { FaultRoute } from './faults';

export { completeAuthorizationWithFetch } from './fetch-login';
export type { Fault, FaultRoute, FaultOptions } from './faults';
export type { ClientRegistration, AccessTokenInfo, ApiHandler, BearerValidator } from './oauth-test-server';
export type { RecordedRequest, LeakRecord } from './request-log';

export type SalesforceTestServer = OAuthTestServer & {
  readonly orgId: string;
  /** The identity URL (`id` in token responses) of an account. */
  identityUrlOf(accountId: string): string;
};

export const SALESFORCE_PATHS = {
  authorize: '/services/oauth2/authorize',
  token: '/services/oauth2/token',
  revoke: '/services/oauth2/revoke',
  userinfo: '/services/oauth2/userinfo',
  jwks: '/id/keys',
} as const;

/** 18-character org id, as Salesforce formats them (key prefix 00D). */
export const TEST_ORG_ID = '00D5g000004PkCeEAK';
const API_VERSION = '62.0';
const IDENTITY_PATH = /^\/id\/(00D[A-Za-z0-9]{12,15})\/(005[A-Za-z0-9]{12,15})$/;

/** A stable 18-character Salesforce user id (key prefix 005) derived from the login. */
export function salesforceUserIdOf(accountId: string): string {
  return `005${createHash('sha256').update(accountId).digest('hex').slice(0, 15).toUpperCase()}`;
}

export async function startSalesforceServer(
  opts: OAuthTestServerOptions = {},
): Promise<SalesforceTestServer> {
  // Salesforce signs `id + issued_at` with the consumer secret; a public client cannot check it.
  const signingSecret = randomBytes(32);
  const accountsByUserId = new Map<string, string>();
  const identityUrlOf = (baseUrl: string, accountId: string): string => {
    const userId = salesforceUserIdOf(accountId);
    accountsByUserId.set(userId, accountId);
    return `${baseUrl}/id/${TEST_ORG_ID}/${userId}`;
  };

  const profile: ServerProfile = {
    routes: {
      authorization: SALESFORCE_PATHS.authorize,
      token: SALESFORCE_PATHS.token,
      userinfo: SALESFORCE_PATHS.userinfo,
      jwks: SALESFORCE_PATHS.jwks,
    },
    scopes: ['openid', 'offline_access', 'api', 'refresh_token', 'id', 'web', 'full', 'profile', 'email'],
    defaultAccessTokenTtl: 2 * 3600, // Salesforce's default session timeout
    mapRequestedScope: (scope) => {
      const scopes = scope.split(' ').filter(Boolean);
      return scopes.includes('refresh_token') && !scopes.includes('offline_access')
        ? [...scopes, 'offline_access'].join(' ')
        : scope;
    },
    faultRouteOf: (path): FaultRoute | undefined => {
      if (path === SALESFORCE_PATHS.revoke) return 'revoke';
      if (IDENTITY_PATH.test(path)) return 'identity';
      return undefined;
    },
    handleRaw: async (request, server) =>
      (await handleIdentity(request, server)) ||
      (await handleRevoke(request, server)) ||
      rejectVendorTokenQuirks(request),
    middleware: (server, lastGrantError) =>
      salesforceShape(
        server,
        lastGrantError,
        (accountId) => identityUrlOf(server.url, accountId),
        signingSecret,
      ),
    renderError: (ctx, out) => {
      // Salesforce shows unredirectable errors as a bare "error=…&error_description=…" page.
      const mapped = salesforceAuthorizeError(out.error, out.error_description);
      ctx.status = 400;
      ctx.type = 'text/plain';
      ctx.body = new URLSearchParams({ error: mapped.error, error_description: mapped.error_description })
        .toString()
        .replace(/\+/g, '%20');
    },
  };

  const base = await startOAuthTestServer(profile, opts);
  return Object.assign(base, {
    orgId: TEST_ORG_ID,
    identityUrlOf: (accountId: string) => identityUrlOf(base.url, accountId),
  });

  async function handleIdentity({ req, res, url }: RawRequest, server: OAuthTestServer): Promise<boolean> {
    const match = IDENTITY_PATH.exec(url.pathname);
    if (!match) return false;
    if (url.searchParams.has('oauth_token') || url.searchParams.has('access_token')) {
      // RFC 6750 §5.3: tokens in URLs end up in logs. The request was already recorded as a leak.
      sendJson(res, 400, {
        error: 'invalid_request',
        error_description: 'access token must be sent in the Authorization header',
      });
      return true;
    }
    const auth = await server.validateBearer(req.headers.authorization);
    if (!auth) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Bad_OAuth_Token');
      return true;
    }
    const [, orgId, userId] = match;
    if (orgId !== TEST_ORG_ID || userId !== salesforceUserIdOf(auth.accountId)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('Bad_Id');
      return true;
    }
    sendJson(res, 200, identityDocument(server, auth.accountId));
    return true;
  }

  async function handleRevoke({ res, url, form }: RawRequest, server: OAuthTestServer): Promise<boolean> {
    if (url.pathname !== SALESFORCE_PATHS.revoke) return false;
    const token = form?.get('token') ?? url.searchParams.get('token');
    if (!token) {
      sendJson(res, 400, {
        error: 'unsupported_token_type',
        error_description: 'this token type is not supported',
      });
      return true;
    }
    // Revoking a refresh token revokes the access tokens issued with it (Salesforce docs).
    const refreshToken = await server.provider.RefreshToken.find(token);
    const accessToken = refreshToken ? undefined : await server.provider.AccessToken.find(token);
    if (refreshToken) await server.revokeTokenFamily(token);
    else if (accessToken) await accessToken.destroy();
    else {
      sendJson(res, 400, { error: 'invalid_token', error_description: 'invalid token' });
      return true;
    }
    res.writeHead(200).end();
    return true;
  }

  function identityDocument(server: OAuthTestServer, accountId: string): Record<string, unknown> {
    const userId = salesforceUserIdOf(accountId);
    const username = server.usernameOf(accountId);
    const displayName = username.split('@')[0] ?? username;
    const base = server.url;
    return {
      id: identityUrlOf(base, accountId),
      asserted_user: true,
      user_id: userId,
      organization_id: TEST_ORG_ID,
      username,
      nick_name: displayName,
      display_name: displayName,
      email: username,
      email_verified: true,
      active: true,
      user_type: 'STANDARD',
      language: 'en_US',
      locale: 'en_US',
      utcOffset: 0,
      urls: {
        enterprise: `${base}/services/Soap/c/{version}/${TEST_ORG_ID.slice(0, 15)}`,
        metadata: `${base}/services/Soap/m/{version}/${TEST_ORG_ID.slice(0, 15)}`,
        partner: `${base}/services/Soap/u/{version}/${TEST_ORG_ID.slice(0, 15)}`,
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
        tooling_rest: `${base}/services/data/v{version}/tooling/`,
        profile: `${base}/${userId}`,
        custom_domain: base,
      },
      api_version: API_VERSION,
    };
  }
}

/**
 * Requests Salesforce rejects before its OAuth engine: a code_verifier on a refresh (reported to fail,
 * forcedotcom/sfdx-core #166) and a verifier with '~' (reported rejected although RFC 7636 §4.1 allows it).
 */
function rejectVendorTokenQuirks({ res, url, form }: RawRequest): boolean {
  if (url.pathname !== SALESFORCE_PATHS.token || !form) return false;
  const grantType = form.get('grant_type');
  if (grantType === 'refresh_token' && form.has('code_verifier')) {
    sendJson(res, 400, { error: 'invalid_request', error_description: 'unexpected code verifier' });
    return true;
  }
  if (grantType === 'authorization_code' && (form.get('code_verifier') ?? '').includes('~')) {
    sendJson(res, 400, { error: 'invalid_grant', error_description: 'invalid code verifier' });
    return true;
  }
  return false;
}

function salesforceShape(
  server: OAuthTestServer,
  lastGrantError: (ctx: KoaContextWithOIDC) => { error: string; detail?: string } | undefined,
  identityUrlOf: (accountId: string) => string,
  signingSecret: Buffer,
): Middleware {
  return async (ctx, next) => {
    await next();
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    const route = oidcCtx.oidc?.route;
    if (route === 'token') {
      const body = ctx.body as Record<string, unknown> | undefined;
      const grantType = String(oidcCtx.oidc.params?.grant_type ?? '');
      if (ctx.status === 200 && typeof body?.access_token === 'string') {
        ctx.body = await salesforceTokenResponse(server, body, grantType, identityUrlOf, signingSecret);
      } else if (typeof body?.error === 'string') {
        const mapped = salesforceTokenError(
          body.error,
          lastGrantError(oidcCtx)?.detail,
          String(body.error_description ?? ''),
          grantType,
        );
        ctx.status = 400;
        ctx.body = { error: mapped.error, error_description: mapped.error_description };
        ctx.remove('www-authenticate');
      }
    } else if (route === 'authorization' || route === 'resume') {
      const location = ctx.response.get('location');
      if (location) ctx.set('location', salesforceRedirect(location));
    } else if (route === 'discovery' && ctx.body && typeof ctx.body === 'object') {
      // Salesforce sends no `iss` in authorization responses (RFC 9207) and does not advertise it.
      delete (ctx.body as Record<string, unknown>).authorization_response_iss_parameter_supported;
    }
  };
}

async function salesforceTokenResponse(
  server: OAuthTestServer,
  body: Record<string, unknown>,
  grantType: string,
  identityUrlOf: (accountId: string) => string,
  signingSecret: Buffer,
): Promise<Record<string, unknown>> {
  const accessToken = String(body.access_token);
  const info = await server.validateAccessToken(accessToken);
  const id = identityUrlOf(info?.accountId ?? 'unknown');
  const issuedAt = String(Date.now()); // epoch milliseconds, as a string
  const shaped: Record<string, unknown> = {
    access_token: accessToken,
    signature: createHmac('sha256', signingSecret)
      .update(id + issuedAt)
      .digest('base64'),
    scope: salesforceScope(String(body.scope ?? '')),
    instance_url: server.url,
    id,
    token_type: 'Bearer',
    issued_at: issuedAt,
  };
  // Without rotation Salesforce returns no refresh_token on a refresh; the old one stays valid.
  const includeRefresh = grantType !== 'refresh_token' || server.isRotationEnabled();
  if (includeRefresh && typeof body.refresh_token === 'string') shaped.refresh_token = body.refresh_token;
  if (typeof body.id_token === 'string') shaped.id_token = body.id_token;
  return shaped; // no expires_in: Salesforce clients learn about expiry from a 401
}

function salesforceScope(scope: string): string {
  const scopes = scope.split(' ').filter((s) => s && s !== 'offline_access');
  if (scope.split(' ').includes('offline_access') && !scopes.includes('refresh_token'))
    scopes.push('refresh_token');
  return scopes.join(' ');
}

function salesforceRedirect(location: string): string {
  let target: URL;
  try {
    target = new URL(location);
  } catch {
    return location;
  }
  if (!target.searchParams.has('code') && !target.searchParams.has('error')) return location;
  target.searchParams.delete('iss');
  const description = target.searchParams.get('error_description');
  if (description && /requires PKCE/i.test(description))
    target.searchParams.set('error_description', 'missing required code challenge');
  return target.toString();
}

export interface VendorError {
  error: string;
  error_description: string;
}

/** Salesforce's wording for token-endpoint failures (from field reports, notes/salesforce.md). */
export function salesforceTokenError(
  error: string,
  detail: string | undefined,
  description: string,
  grantType: string,
): VendorError {
  const d = detail ?? '';
  if (error === 'invalid_client')
    return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
  if (error === 'invalid_request' && /code_verifier/.test(description))
    return { error: 'invalid_grant', error_description: 'invalid code verifier' };
  if (error !== 'invalid_grant') return { error, error_description: description };
  if (/does not match code_challenge|code_verifier must be provided/.test(d))
    return { error: 'invalid_grant', error_description: 'invalid code verifier' };
  if (/unsupported code_challenge_method/.test(d))
    return { error: 'invalid_grant', error_description: 'unexpected code verifier' };
  if (/redirect_uri/.test(d))
    return { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' };
  if (grantType === 'authorization_code')
    return { error: 'invalid_grant', error_description: 'expired authorization code' };
  return { error: 'invalid_grant', error_description: 'expired access/refresh token' };
}

/** Salesforce's wording for authorization errors shown on its own page. */
export function salesforceAuthorizeError(error: string, description: string | undefined): VendorError {
  if (error === 'invalid_client')
    return { error: 'invalid_client_id', error_description: 'client identifier invalid' };
  if (error === 'invalid_redirect_uri')
    return { error: 'redirect_uri_mismatch', error_description: 'redirect_uri must match configuration' };
  return { error, error_description: description ?? '' };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=UTF-8' }).end(JSON.stringify(body));
}
