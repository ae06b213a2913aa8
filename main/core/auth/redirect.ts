/**
 * Redirect URIs PKCE Pilot registers, and strict parsing of the authorization response that comes back
 * (RFC 6749 §4.1.2). The callback URL is hostile input: any app can claim a scheme and any local page
 * can hit a loopback port, so only exactly what we register is accepted.
 */
import { PilotError } from '../errors';
import { hasSpaceOrControl } from './login-url';
import type { ProviderId, ProviderSettings } from '../model';

/** RFC 8252 §7.1: private-use schemes are reverse domain names. */
export const DEFAULT_SCHEME = 'com.pkcepilot.app';
/** Development builds use their own scheme so they never receive a production callback. */
export const DEV_SCHEME = 'com.pkcepilot.app.dev';
/**
 * Prefix of every callback path. Each org and provider gets its own path below it
 * (`/oauth/callback/<alias>/<provider>`): distinct redirect URIs per authorization server are the
 * mix-up defence of RFC 9700 §4.4.2 — a code delivered to one org's redirect URI can never be
 * redeemed for another org's sign-in. Earlier versions shared this bare path for every org.
 */
export const CALLBACK_PATH = '/oauth/callback';
/** The shared callback of older versions; a response arriving there gets a message saying what changed. */
export const LEGACY_CALLBACK_PATH = CALLBACK_PATH;
/** Authorization responses are short; anything longer is not one of ours. */
export const MAX_REDIRECT_LENGTH = 8 * 1024;

export interface CodeCallback {
  readonly state: string;
  readonly code: string;
  /** RFC 9207 issuer, when the server sends it. */
  readonly iss?: string;
}
export interface ErrorCallback {
  readonly state: string;
  readonly error: string;
  readonly errorDescription?: string;
  readonly iss?: string;
}
export type CallbackParams = CodeCallback | ErrorCallback;

export function isErrorCallback(p: CallbackParams): p is ErrorCallback {
  return 'error' in p;
}

/** `/oauth/callback/<alias>/<provider>`; aliases are [A-Za-z0-9._-], safe in a path as they are. */
export function callbackPath(alias: string, provider: ProviderId): string {
  return `${CALLBACK_PATH}/${alias}/${provider}`;
}

/** `scheme:/oauth/callback/<alias>/<provider>` — RFC 8252 §7.1 form with a single slash, no authority. */
export function schemeRedirectUri(scheme: string, alias: string, provider: ProviderId): string {
  return `${scheme}:${callbackPath(alias, provider)}`;
}

/** RFC 8252 §7.3 / §8.3: the IP literal, not `localhost`. */
export function loopbackRedirectUri(port: number, alias: string, provider: ProviderId): string {
  return `http://127.0.0.1:${port}${callbackPath(alias, provider)}`;
}

export function redirectUriFor(
  settings: ProviderSettings,
  scheme: string,
  alias: string,
  provider: ProviderId,
): string {
  return settings.redirect === 'loopback'
    ? loopbackRedirectUri(settings.port, alias, provider)
    : schemeRedirectUri(scheme, alias, provider);
}

const CALLBACK_SEGMENTS = /^\/oauth\/callback\/[A-Za-z0-9][A-Za-z0-9._-]{0,63}\/(salesforce|okta)$/;

/** True for a path of the form callbackPath() builds (the org may or may not exist). */
export function isCallbackPath(path: string): boolean {
  return CALLBACK_SEGMENTS.test(path);
}

/** The message for a response on the shared callback of older versions, or on an unknown path. */
export function legacyCallbackError(): PilotError {
  return new PilotError(
    'redirect-invalid',
    'The sign-in response came back to the old shared callback URL (…/oauth/callback). PKCE Pilot now uses a separate callback URL for each org.',
    'Run `pkce-pilot org list --json` (or open the org in the app) to see the exact callback URLs, register them on the app in Salesforce / Okta, and sign in again.',
    { reason: 'legacy-callback' },
  );
}

function invalid(problem: string): PilotError {
  return new PilotError(
    'redirect-invalid',
    `The sign-in response was not accepted: ${problem}.`,
    'Start the sign-in again from PKCE Pilot; if this keeps happening, check the callback URL registered for the app.',
  );
}

const ALLOWED = new Set(['state', 'code', 'error', 'error_description', 'error_uri', 'iss']);

/**
 * Reads an authorization response query (RFC 6749 §4.1.2 / §4.1.2.1). Parameters must not repeat
 * (§3.1), `state` is required (we always send one), and it is either a code or an error.
 */
export function parseCallbackQuery(query: URLSearchParams | string): CallbackParams {
  const params = typeof query === 'string' ? new URLSearchParams(query) : query;
  const seen = new Set<string>();
  for (const key of params.keys()) {
    if (seen.has(key))
      throw invalid(`the parameter "${ALLOWED.has(key) ? key : 'unknown'}" appears more than once`);
    seen.add(key);
  }
  const get = (name: string): string | undefined => {
    const v = params.get(name);
    return v === null || v === '' ? undefined : v;
  };
  const state = get('state');
  if (!state) throw invalid('it has no state');
  const iss = get('iss');
  const error = get('error');
  if (error) {
    const errorDescription = get('error_description');
    return {
      state,
      error,
      ...(errorDescription ? { errorDescription } : {}),
      ...(iss ? { iss } : {}),
    };
  }
  const code = get('code');
  if (!code) throw invalid('it has neither a code nor an error');
  return { state, code, ...(iss ? { iss } : {}) };
}

/** A custom-scheme redirect: its parameters and the redirect URI (scheme + path) it was addressed to. */
export type SchemeRedirect = CallbackParams & { readonly redirectUri: string };

/**
 * Parses a custom-scheme redirect handed over by the OS (macOS open-url, Windows/Linux argv).
 * Accepts only `scheme:/oauth/callback/<alias>/<provider>?…` — the form we register: the scheme
 * compares case-insensitively (RFC 3986 §3.1), the path exactly, and no authority, userinfo or
 * fragment. The old shared path gets its own message; which org the path names is judged by the caller.
 */
export function parseSchemeRedirect(url: string, scheme: string): SchemeRedirect {
  if (url.length > MAX_REDIRECT_LENGTH) throw invalid('it is too long');
  if (hasSpaceOrControl(url)) throw invalid('it contains spaces or control characters');
  const prefix = `${scheme.toLowerCase()}:`;
  if (url.slice(0, prefix.length).toLowerCase() !== prefix)
    throw invalid('it is not addressed to PKCE Pilot');
  const rest = url.slice(prefix.length);
  if (rest.startsWith('//')) throw invalid('it has an unexpected host part');
  if (rest.includes('#')) throw invalid('it has an unexpected fragment');
  const q = rest.indexOf('?');
  const path = q === -1 ? rest : rest.slice(0, q);
  if (path === LEGACY_CALLBACK_PATH) throw legacyCallbackError();
  if (!isCallbackPath(path)) throw invalid('it has an unexpected path');
  if (q === -1) throw invalid('it carries no parameters');
  return { ...parseCallbackQuery(rest.slice(q + 1)), redirectUri: `${scheme}:${path}` };
}

/**
 * On Windows and Linux the OS passes the redirect as a command-line argument of a second instance.
 * Accept it only when exactly one argument is a well-formed redirect for our scheme, so stray or
 * crafted extra arguments are never mistaken for a sign-in response.
 */
export function findRedirectInArgv(argv: readonly string[], scheme: string): string | undefined {
  const prefix = `${scheme.toLowerCase()}:`;
  const candidates = argv.filter((a) => a.slice(0, prefix.length).toLowerCase() === prefix);
  if (candidates.length !== 1) return undefined;
  const [only] = candidates;
  if (only === undefined) return undefined;
  try {
    parseSchemeRedirect(only, scheme);
    return only;
  } catch (e) {
    // The old shared callback is handed on, so the admin hears what changed instead of nothing.
    return e instanceof PilotError && e.details['reason'] === 'legacy-callback' ? only : undefined;
  }
}
