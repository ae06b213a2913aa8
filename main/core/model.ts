/**
 * Shared value types of the core. Plain data only (JSON-serialisable), so the same shapes travel
 * through the stores, the CLI's --json output and IPC.
 */

/** The two authorization servers PKCE Pilot signs in to for an org. */
export type ProviderId = 'salesforce' | 'okta';

/** How the authorization server hands the code back. */
export type RedirectKind = 'loopback' | 'scheme';

export interface ProviderSettings {
  /** Normalised origin, e.g. https://login.salesforce.com or https://acme.okta.com (no trailing slash). */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly redirect: RedirectKind;
  /** Loopback port (used when redirect === 'loopback'). */
  readonly port: number;
}

/** One org as the admin configured it. Alias: [A-Za-z0-9][A-Za-z0-9._-]{0,63}. */
export interface OrgSettings {
  readonly alias: string;
  readonly salesforce: ProviderSettings;
  readonly okta?: ProviderSettings;
  readonly createdAt: string; // ISO 8601
  readonly updatedAt: string; // ISO 8601
}

/**
 * The server a token set came from. Stored with the tokens so they are only ever sent back there
 * (refresh, revoke): a later change of the org's URL or client id, or an edited orgs.json, cannot
 * re-target them (RFC 9700 §4.4, "a token goes only to the server that issued it").
 */
export interface TokenBinding {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  readonly revocationEndpoint: string;
  readonly clientId: string;
}

/**
 * What the keychain holds for one org and provider. Never leaves the main process / CLI process,
 * never written to a file, log, URL or argv.
 */
export interface TokenSet {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly tokenType: string; // 'Bearer' or 'DPoP'
  /** Salesforce: instance_url. Okta: the org URL. */
  readonly instanceUrl: string;
  /** Salesforce identity URL (https://login…/id/<orgId>/<userId>); absent for Okta. */
  readonly identityUrl?: string;
  /** Epoch milliseconds when issued (Salesforce's issued_at, else local clock). */
  readonly issuedAt: number;
  /** Epoch milliseconds when the access token expires, when the server said (Okta); Salesforce does not. */
  readonly expiresAt?: number;
  readonly scope?: string;
  /** True when the sign-in that produced this set used PKCE S256 (always, for PKCE Pilot). */
  readonly pkce: 'S256';
  /** Who signed in (from the identity URL / userinfo), for status display. Not secret. */
  readonly username?: string;
  readonly userId?: string;
  readonly orgId?: string;
  /** Where these tokens may be sent; absent only in records written by earlier versions (then: sign in again). */
  readonly boundTo?: TokenBinding;
  /** DPoP private key (JWK) when tokens are DPoP-bound (Okta); stays in the keychain with the tokens. */
  readonly dpopKey?: { readonly privateJwk: JsonWebKey; readonly publicJwk: JsonWebKey };
}

/** What may be shown about a sign-in: no secrets. */
export interface SignInStatus {
  readonly alias: string;
  readonly provider: ProviderId;
  readonly signedIn: boolean;
  readonly username?: string;
  readonly userId?: string;
  readonly orgId?: string;
  readonly instanceUrl?: string;
  readonly since?: string; // ISO 8601
}
