/**
 * Token endpoint calls for a public native client (RFC 8252 §8.4: no secret), made through oauth4webapi:
 * authorization code exchange with the PKCE verifier (RFC 7636 §4.5), refresh (RFC 6749 §6, no verifier)
 * and revocation (RFC 7009). Optional DPoP (RFC 9449) for Okta apps that demand it.
 */
import * as oauth from 'oauth4webapi';
import { PilotError, toPilotError } from '../errors';
import type { HttpClient } from '../http';
import { isLoopbackHost, isSalesforceHost } from './login-url';
import type { ProviderId, TokenSet } from '../model';
import { explainOAuthError, type OAuthPhase } from './oauth-errors';
import type { ProviderEndpoints } from './providers';

export interface TokenClientContext {
  readonly provider: ProviderId;
  readonly endpoints: ProviderEndpoints;
  readonly clientId: string;
  readonly http: HttpClient;
  /** Start with a DPoP proof (otherwise DPoP is switched on only when the server asks for it). */
  readonly dpop?: boolean;
  readonly now?: () => number;
}

export interface ExchangeCodeInput extends TokenClientContext {
  readonly redirectUri: string;
  readonly code: string;
  readonly verifier: string;
}

export interface RefreshInput extends TokenClientContext {
  /** The stored set; its refresh token is used and kept when the server does not rotate it. */
  readonly tokens: TokenSet;
}

export interface RevokeInput extends TokenClientContext {
  readonly token: string;
  readonly tokenTypeHint?: 'refresh_token' | 'access_token';
}

type Json = Record<string, unknown>;

function authServer(ctx: TokenClientContext): oauth.AuthorizationServer {
  return {
    issuer: ctx.endpoints.issuer,
    authorization_endpoint: ctx.endpoints.authorizationEndpoint,
    token_endpoint: ctx.endpoints.tokenEndpoint,
    revocation_endpoint: ctx.endpoints.revocationEndpoint,
  };
}

function client(ctx: TokenClientContext): oauth.Client {
  return { client_id: ctx.clientId, token_endpoint_auth_method: 'none' };
}

/** Plain http is allowed only towards loopback test servers; everything real is https. */
function isLoopbackHttp(url: string): boolean {
  const u = new URL(url);
  return u.protocol === 'http:' && isLoopbackHost(u.hostname);
}

/**
 * oauth4webapi requires `application/json`; Salesforce error bodies sometimes arrive without a
 * Content-Type. The body is read here (so a stalled body becomes a timeout, not "invalid JSON"), a JSON
 * body is re-labelled, and HTML, garbage or a bare non-OAuth status (5xx, 429, 3xx, empty 4xx) becomes a
 * PilotError that names the host and the cause but never repeats the body.
 */
function tokenFetch(
  http: HttpClient,
): (url: string, init: oauth.CustomFetchOptions<'POST', URLSearchParams>) => Promise<Response> {
  return async (url, init) => {
    const res = await http(url, init as unknown as RequestInit);
    const host = new URL(url).host;
    const text = await readBody(res, host);
    let json: unknown;
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        throw new PilotError(
          'bad-response',
          `${host} answered the token request with ${/^\s*</.test(text) ? 'a web page' : /^\s*[{[]/.test(text) ? 'incomplete (cut-off) JSON' : 'something other than JSON'} (HTTP ${res.status}).`,
          'Check the login URL (production, sandbox or My Domain) and any proxy in between, then try again.',
          { host, status: res.status },
        );
      }
    }
    // RFC 6749 §5.2: a failed token request carries a JSON `error`; anything else is explained by its status.
    const isOAuthError =
      typeof json === 'object' && json !== null && typeof (json as Json)['error'] === 'string';
    // A bare 401 with a WWW-Authenticate challenge is explained by oauth4webapi (RFC 6750 §3).
    const isChallenge = res.status === 401 && res.headers.has('www-authenticate');
    if (res.status !== 200 && !isOAuthError && !isChallenge) throw tokenStatusError(res, host);
    const headers = new Headers(res.headers);
    headers.set('content-type', 'application/json');
    return new Response(json === undefined ? null : JSON.stringify(json), {
      status: res.status,
      statusText: res.statusText,
      headers,
    });
  };
}

async function readBody(res: Response, host: string): Promise<string> {
  try {
    return await res.text();
  } catch (e) {
    const timedOut = (e as { name?: unknown } | null)?.name === 'TimeoutError';
    throw timedOut
      ? new PilotError(
          'timeout',
          `${host} stopped sending its answer to the token request before the time limit.`,
          'Check your network connection (and proxy, if you use one), then try again.',
          { host },
          { cause: e },
        )
      : new PilotError(
          'network',
          `The answer from ${host} to the token request was cut off.`,
          'Try again; if it keeps happening, a proxy or firewall may be interfering.',
          { host },
          { cause: e },
        );
  }
}

/** A token endpoint status without an OAuth error body, in plain words. */
function tokenStatusError(res: Response, host: string): PilotError {
  const details = { host, status: res.status };
  if (res.status === 429) {
    const retryAfter = Number(res.headers.get('retry-after'));
    const wait =
      Number.isFinite(retryAfter) && retryAfter > 0 ? `about ${Math.ceil(retryAfter)} seconds` : 'a minute';
    return new PilotError(
      'rate-limited',
      `${host} is limiting sign-in requests right now (HTTP 429, too many requests).`,
      `Wait ${wait}, then try again.`,
      details,
    );
  }
  if (res.status >= 500) {
    return new PilotError(
      'bad-response',
      `${host} had a server error while handling the token request (HTTP ${res.status}).`,
      "Wait a few minutes and try again; check the provider's status page if it persists.",
      details,
    );
  }
  if (res.status >= 300 && res.status < 400) {
    return new PilotError(
      'bad-response',
      `${host} redirected the token request (HTTP ${res.status}) instead of answering it.`,
      'Check the login URL (production, sandbox or My Domain) and any proxy or single sign-on page in between, then try again.',
      details,
    );
  }
  return new PilotError(
    'bad-response',
    `${host} refused the token request with HTTP ${res.status} and no explanation.`,
    "Check the login URL and the app's client id, then try again; if it persists, report it.",
    details,
  );
}

function requestOptions(
  ctx: TokenClientContext,
  url: string,
  dpop?: oauth.DPoPHandle,
): oauth.TokenEndpointRequestOptions {
  return {
    [oauth.customFetch]: tokenFetch(ctx.http),
    ...(isLoopbackHttp(url) ? { [oauth.allowInsecureRequests]: true } : {}),
    ...(dpop ? { DPoP: dpop } : {}),
  };
}

/** Converts anything oauth4webapi or the network threw into guidance for the admin. */
function toTokenError(e: unknown, ctx: TokenClientContext, phase: OAuthPhase): PilotError {
  if (e instanceof PilotError) return e;
  if (e instanceof oauth.ResponseBodyError) {
    const err = explainOAuthError({
      error: e.error,
      errorDescription: e.error_description,
      provider: ctx.provider,
      phase,
    });
    return new PilotError(
      err.code,
      err.message,
      err.hint,
      { ...err.details, status: e.status },
      { cause: e },
    );
  }
  if (e instanceof oauth.WWWAuthenticateChallengeError) {
    const challenge = e.cause[0];
    const error = challenge?.parameters.error ?? 'invalid_client';
    return explainOAuthError({
      error,
      errorDescription: challenge?.parameters.error_description,
      provider: ctx.provider,
      phase,
    });
  }
  if (e instanceof oauth.OperationProcessingError) {
    const host = new URL(ctx.endpoints.tokenEndpoint).host;
    return new PilotError(
      'bad-response',
      `The answer from ${host} was not a valid OAuth token response.`,
      'Check the login URL and try again; if it persists, report it.',
      { host, reason: e.code ?? 'invalid' },
      { cause: e },
    );
  }
  return toPilotError(e);
}

// ---- DPoP (RFC 9449) ----------------------------------------------------------------------------

const DPOP_ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;

async function newDpopKey(): Promise<{ pair: CryptoKeyPair; jwk: NonNullable<TokenSet['dpopKey']> }> {
  const pair = await oauth.generateKeyPair('ES256', { extractable: true });
  const [privateJwk, publicJwk] = await Promise.all([
    crypto.subtle.exportKey('jwk', pair.privateKey),
    crypto.subtle.exportKey('jwk', pair.publicKey),
  ]);
  return { pair, jwk: { privateJwk, publicJwk } };
}

async function importDpopKey(jwk: NonNullable<TokenSet['dpopKey']>): Promise<CryptoKeyPair> {
  const [privateKey, publicKey] = await Promise.all([
    crypto.subtle.importKey('jwk', jwk.privateJwk, DPOP_ALG, false, ['sign']),
    crypto.subtle.importKey('jwk', jwk.publicJwk, DPOP_ALG, true, ['verify']),
  ]);
  return { privateKey, publicKey };
}

/** A DPoP handle for API calls with DPoP-bound tokens (Okta), or undefined for Bearer tokens. */
export async function dpopHandleFor(tokens: TokenSet): Promise<oauth.DPoPHandle | undefined> {
  if (!tokens.dpopKey) return undefined;
  return oauth.DPoP({}, await importDpopKey(tokens.dpopKey));
}

interface DpopState {
  handle?: oauth.DPoPHandle;
  jwk?: NonNullable<TokenSet['dpopKey']>;
}

/**
 * Runs one token endpoint call, adding DPoP when the server asks: `invalid_dpop_proof` without a proof
 * means the app requires DPoP (switch it on), `use_dpop_nonce` means retry once with the server's nonce
 * (RFC 9449 §8). The failed attempts are rejected before the code is consumed, so retrying is safe.
 */
async function withDpop<T>(
  ctx: TokenClientContext,
  state: DpopState,
  call: (dpop?: oauth.DPoPHandle) => Promise<T>,
): Promise<T> {
  let nonceRetried = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await call(state.handle);
    } catch (e) {
      if (e instanceof oauth.ResponseBodyError && e.error === 'invalid_dpop_proof' && !state.handle) {
        const key = await newDpopKey();
        state.handle = oauth.DPoP(client(ctx), key.pair);
        state.jwk = key.jwk;
        continue;
      }
      if (state.handle && !nonceRetried && oauth.isDPoPNonceError(e)) {
        nonceRetried = true;
        continue;
      }
      throw e;
    }
  }
  return call(state.handle);
}

// ---- Token responses -> TokenSet --------------------------------------------------------------------

function stringField(json: Json, name: string): string | undefined {
  const v = json[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Salesforce's instance_url and id decide where the access token goes next (API calls, identity), so
 * they must be https on the login host or a Salesforce domain; plain http to loopback only when the
 * login URL itself is a loopback test server. Anything else is refused before a token is sent there.
 */
export function trustedUrl(value: string | undefined, issuer: string, field: string): string | undefined {
  if (value === undefined) return undefined;
  const loginHost = new URL(issuer).hostname;
  const host = new URL(issuer).host;
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    !url.username &&
    !url.password &&
    ((url.protocol === 'https:' && (url.hostname === loginHost || isSalesforceHost(url.hostname))) ||
      (url.protocol === 'http:' && isLoopbackHost(url.hostname) && isLoopbackHost(loginHost)));
  if (ok && url) return field === 'instance_url' ? url.origin : url.href;
  throw new PilotError(
    'bad-response',
    `${host} returned a ${field} outside Salesforce (${url?.host || 'unreadable'}), so PKCE Pilot did not use it.`,
    'Check the login URL: it must be your Salesforce login page or My Domain. If it is, report this.',
    { host, field },
  );
}

function toTokenSet(
  json: oauth.TokenEndpointResponse,
  ctx: TokenClientContext,
  previous: TokenSet | undefined,
  dpopKey: TokenSet['dpopKey'],
): TokenSet {
  const now = (ctx.now ?? Date.now)();
  const body = json as unknown as Json;
  const host = new URL(ctx.endpoints.tokenEndpoint).host;
  let instanceUrl: string;
  let identityUrl: string | undefined;
  let issuedAt = now;
  if (ctx.provider === 'salesforce') {
    instanceUrl =
      trustedUrl(stringField(body, 'instance_url'), ctx.endpoints.issuer, 'instance_url') ??
      previous?.instanceUrl ??
      '';
    identityUrl = trustedUrl(stringField(body, 'id'), ctx.endpoints.issuer, 'id') ?? previous?.identityUrl;
    if (!instanceUrl) {
      throw new PilotError(
        'bad-response',
        `${host} did not say which Salesforce instance to use (no instance_url).`,
        'Check the login URL and try again.',
        { host },
      );
    }
    // Salesforce sends issued_at as epoch milliseconds in a string.
    const issued = Number(stringField(body, 'issued_at'));
    if (Number.isFinite(issued) && issued > 0) issuedAt = issued;
  } else {
    instanceUrl = ctx.endpoints.issuer;
  }
  const expiresAt = typeof json.expires_in === 'number' ? now + json.expires_in * 1000 : undefined;
  const refreshToken = json.refresh_token ?? previous?.refreshToken;
  const scope = json.scope ?? previous?.scope;
  const key = dpopKey ?? previous?.dpopKey;
  return {
    accessToken: json.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    tokenType: json.token_type === 'dpop' ? 'DPoP' : 'Bearer',
    instanceUrl,
    ...(identityUrl ? { identityUrl } : {}),
    issuedAt,
    ...(expiresAt !== undefined ? { expiresAt } : {}),
    ...(scope ? { scope } : {}),
    pkce: 'S256',
    ...(previous?.username ? { username: previous.username } : {}),
    ...(previous?.userId ? { userId: previous.userId } : {}),
    ...(previous?.orgId ? { orgId: previous.orgId } : {}),
    ...(previous?.boundTo ? { boundTo: previous.boundTo } : {}),
    ...(json.token_type === 'dpop' && key ? { dpopKey: key } : {}),
  };
}

// ---- The three calls -------------------------------------------------------------------------------

/** RFC 6749 §4.1.3 + RFC 7636 §4.5: code + redirect_uri + client_id + code_verifier, no secret. */
export async function exchangeCode(input: ExchangeCodeInput): Promise<TokenSet> {
  const as = authServer(input);
  const cl = client(input);
  const state: DpopState = {};
  try {
    if (input.dpop) {
      const key = await newDpopKey();
      state.handle = oauth.DPoP(cl, key.pair);
      state.jwk = key.jwk;
    }
    // oauth4webapi takes the code only from validated callback parameters; state and iss were
    // already checked by the caller (pending-signins / sign-in), so only the code is passed on.
    const params = oauth.validateAuthResponse(
      as,
      cl,
      new URLSearchParams({ code: input.code }),
      oauth.expectNoState,
    );
    const json = await withDpop(input, state, async (dpop) => {
      const res = await oauth.authorizationCodeGrantRequest(
        as,
        cl,
        oauth.None(),
        params,
        input.redirectUri,
        input.verifier,
        requestOptions(input, input.endpoints.tokenEndpoint, dpop),
      );
      return oauth.processAuthorizationCodeResponse(as, cl, res);
    });
    return toTokenSet(json, input, undefined, state.jwk);
  } catch (e) {
    throw toTokenError(e, input, 'token');
  }
}

/** RFC 6749 §6: refresh_token + client_id only — a verifier here makes Salesforce answer "unexpected code verifier". */
export async function refreshTokens(input: RefreshInput): Promise<TokenSet> {
  const refreshToken = input.tokens.refreshToken;
  if (!refreshToken) {
    throw new PilotError('not-signed-in', 'There is no refresh token for this sign-in.', 'Sign in again.');
  }
  const as = authServer(input);
  const cl = client(input);
  try {
    const state: DpopState = input.tokens.dpopKey
      ? { handle: oauth.DPoP(cl, await importDpopKey(input.tokens.dpopKey)), jwk: input.tokens.dpopKey }
      : {};
    const json = await withDpop(input, state, async (dpop) => {
      const res = await oauth.refreshTokenGrantRequest(
        as,
        cl,
        oauth.None(),
        refreshToken,
        requestOptions(input, input.endpoints.tokenEndpoint, dpop),
      );
      return oauth.processRefreshTokenResponse(as, cl, res);
    });
    return toTokenSet(json, input, input.tokens, state.jwk);
  } catch (e) {
    throw toTokenError(e, input, 'refresh');
  }
}

/** RFC 7009 §2.1, with client_id in the body (Okta requires it for public clients). */
export async function revokeToken(input: RevokeInput): Promise<void> {
  const as = authServer(input);
  const cl = client(input);
  try {
    const res = await oauth.revocationRequest(as, cl, oauth.None(), input.token, {
      ...requestOptions(input, input.endpoints.revocationEndpoint),
      ...(input.tokenTypeHint ? { additionalParameters: { token_type_hint: input.tokenTypeHint } } : {}),
    });
    await oauth.processRevocationResponse(res);
  } catch (e) {
    throw toTokenError(e, input, 'revoke');
  }
}
