/**
 * An Okta-shaped org authorization server for tests: oidc-provider 9 at Okta's /oauth2/v1 paths with
 * standard token responses (expires_in 3600), Okta API scopes, optional DPoP (RFC 9449, nonce
 * challenge first) and Okta's error wording. /api/v1/* goes to the API handler (see notes/okta.md).
 */
import type { Middleware } from 'koa';
import type { KoaContextWithOIDC } from 'oidc-provider';
import {
  startOAuthTestServer,
  type OAuthTestServer,
  type OAuthTestServerOptions,
  type ServerProfile,
} from './oauth-test-server';

export { completeAuthorizationWithFetch } from './fetch-login';
export type { ClientRegistration, AccessTokenInfo, ApiHandler, BearerValidator } from './oauth-test-server';

export type OktaTestServer = OAuthTestServer;

export const OKTA_PATHS = {
  authorize: '/oauth2/v1/authorize',
  token: '/oauth2/v1/token',
  revoke: '/oauth2/v1/revoke',
  userinfo: '/oauth2/v1/userinfo',
  keys: '/oauth2/v1/keys',
} as const;

export const OKTA_SCOPES = [
  'openid',
  'profile',
  'email',
  'offline_access',
  'okta.apps.read',
  'okta.logs.read',
  'okta.users.read',
];

export async function startOktaServer(opts: OAuthTestServerOptions = {}): Promise<OktaTestServer> {
  const profile: ServerProfile = {
    routes: {
      authorization: OKTA_PATHS.authorize,
      token: OKTA_PATHS.token,
      userinfo: OKTA_PATHS.userinfo,
      jwks: OKTA_PATHS.keys,
      revocation: OKTA_PATHS.revoke,
    },
    scopes: OKTA_SCOPES,
    defaultAccessTokenTtl: 3600, // Okta access tokens last one hour
    mapRequestedScope: (scope) => scope,
    middleware: (_server, lastGrantError) => oktaErrors(lastGrantError),
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body =
        `<!DOCTYPE html><html><head><title>Error</title></head><body><h1>${escapeHtml(out.error)}</h1>` +
        `<p id="error-description">${escapeHtml(out.error_description ?? '')}</p></body></html>`;
    },
  };
  return startOAuthTestServer(profile, opts);
}

function oktaErrors(
  lastGrantError: (ctx: KoaContextWithOIDC) => { error: string; detail?: string } | undefined,
): Middleware {
  return async (ctx, next) => {
    await next();
    const oidcCtx = ctx as unknown as KoaContextWithOIDC;
    if (oidcCtx.oidc?.route !== 'token') return;
    const body = ctx.body as Record<string, unknown> | undefined;
    if (typeof body?.error !== 'string') return;
    const grantType = String(oidcCtx.oidc.params?.grant_type ?? '');
    const mapped = oktaTokenError(
      body.error,
      lastGrantError(oidcCtx)?.detail,
      String(body.error_description ?? ''),
      grantType,
    );
    ctx.status = mapped.status;
    ctx.body = { error: mapped.error, error_description: mapped.error_description };
  };
}

/** Okta's wording for token-endpoint failures; DPoP errors (RFC 9449 §7.1, §8) pass through unchanged. */
export function oktaTokenError(
  error: string,
  detail: string | undefined,
  description: string,
  grantType: string,
): { status: number; error: string; error_description: string } {
  const d = detail ?? '';
  if (error === 'invalid_client')
    return { status: 401, error, error_description: "Invalid value for 'client_id' parameter." };
  if (error !== 'invalid_grant') return { status: 400, error, error_description: description };
  if (/DPoP proof JWT not provided/.test(d))
    return {
      status: 400,
      error: 'invalid_dpop_proof',
      error_description: 'The DPoP proof JWT header is missing.',
    };
  if (/code_verifier|code_challenge/.test(d))
    return { status: 400, error, error_description: 'PKCE verification failed.' };
  if (grantType === 'authorization_code')
    return { status: 400, error, error_description: 'The authorization code is invalid or has expired.' };
  return { status: 400, error, error_description: 'The refresh token is invalid or expired.' };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
