/** Where each authorization server keeps its endpoints, and what PKCE Pilot asks it for. */
import type { ProviderId } from '../model';

export interface ProviderEndpoints {
  /** Issuer identifier, compared with an `iss` response parameter (RFC 9207) when the server sends one. */
  readonly issuer: string;
  readonly authorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  /** Okta's OIDC userinfo; Salesforce's identity URL comes with each token response instead. */
  readonly userinfoEndpoint?: string;
}

/** `baseUrl` is an origin already normalised by login-url.ts (no trailing slash). */
export function endpointsFor(provider: ProviderId, baseUrl: string): ProviderEndpoints {
  const base = baseUrl.replace(/\/+$/, '');
  if (provider === 'salesforce') {
    return {
      issuer: base,
      authorizationEndpoint: `${base}/services/oauth2/authorize`,
      tokenEndpoint: `${base}/services/oauth2/token`,
      revocationEndpoint: `${base}/services/oauth2/revoke`,
    };
  }
  // Okta's org authorization server (/oauth2/v1), the only one that issues tokens with Okta API
  // scopes; custom authorization servers (/oauth2/default) cannot.
  return {
    issuer: base,
    authorizationEndpoint: `${base}/oauth2/v1/authorize`,
    tokenEndpoint: `${base}/oauth2/v1/token`,
    revocationEndpoint: `${base}/oauth2/v1/revoke`,
    userinfoEndpoint: `${base}/oauth2/v1/userinfo`,
  };
}

/**
 * Salesforce: `api` for the Metadata/REST checks, `refresh_token` to stay signed in, `id` for the identity
 * URL. No `openid`: an id_token would need issuer metadata we do not fetch, and we do not need one.
 * Okta: read-only API scopes for app and System Log checks, `offline_access` for a refresh token.
 */
export function defaultScopes(provider: ProviderId): string {
  return provider === 'salesforce'
    ? 'api refresh_token id'
    : 'openid profile offline_access okta.apps.read okta.logs.read';
}

export function providerLabel(provider: ProviderId): string {
  return provider === 'salesforce' ? 'Salesforce' : 'Okta';
}
