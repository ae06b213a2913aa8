/**
 * Sign-in orchestration: authorization request with PKCE (RFC 7636 §4.3), the browser hand-off, the
 * redirect (loopback listener or OS custom-scheme hand-off), token exchange, identity lookup and
 * keychain storage; plus cancel, sign-out (RFC 7009 revocation) and status.
 */
import { PilotError, isPilotError, toPilotError } from '../errors';
import type { HttpClient } from '../http';
import { fetchOktaIdentity, fetchSalesforceIdentity, type Identity } from './identity';
import { startLoopbackListener, type CallbackOutcome, type LoopbackListener } from './loopback-listener';
import type {
  OrgSettings,
  ProviderId,
  ProviderSettings,
  RedirectKind,
  SignInStatus,
  TokenSet,
} from '../model';
import { explainOAuthError } from './oauth-errors';
import { PendingSignIns, type PendingSignIn } from './pending-signins';
import { codeChallengeS256, createCodeVerifier, createState } from './pkce';
import { defaultScopes, endpointsFor, providerLabel, type ProviderEndpoints } from './providers';
import {
  DEFAULT_SCHEME,
  isErrorCallback,
  parseSchemeRedirect,
  redirectUriFor,
  schemeRedirectUri,
  type CallbackParams,
} from './redirect';
import { exchangeCode, revokeToken } from './token-client';
import type { TokenVault } from './token-service';
import { statusFrom } from './sign-in-status';

// Kept importable from here; it lives on its own so `pkce-pilot status` can load it without the engine.
export { statusFrom };

export type SignInPhase = 'waiting-for-browser' | 'exchanging' | 'signed-in' | 'error' | 'cancelled';

export interface SignInEvent {
  readonly alias: string;
  readonly provider: ProviderId;
  readonly phase: SignInPhase;
  /** Plain text for the UI; never contains a token, code or verifier. */
  readonly message?: string;
}

export interface SignInServiceOptions {
  readonly orgs: { get(alias: string): Promise<OrgSettings> };
  readonly secrets: TokenVault;
  readonly http: HttpClient;
  readonly openBrowser: (url: string) => Promise<void>;
  readonly scheme?: string;
  readonly pending?: PendingSignIns<SignInStatus>;
  readonly onEvent?: (e: SignInEvent) => void;
  /** Ask for DPoP-bound Okta tokens from the first request (otherwise only when Okta demands it). */
  readonly oktaDpop?: boolean;
}

export interface StartOptions {
  readonly prompt?: 'login' | 'consent';
  /** false: only build the URL (the caller shows or opens it). */
  readonly openBrowser?: boolean;
  /**
   * Overrides the org's redirect kind. The CLI always uses the loopback redirect: the OS hands
   * custom-scheme redirects to the desktop app, never to a terminal.
   */
  readonly redirect?: RedirectKind;
}

export interface StartedSignIn {
  readonly authorizationUrl: string;
  /** Settles when the browser comes back (or on cancel / expiry). */
  readonly done: Promise<SignInStatus>;
}

export interface SignOutResult {
  readonly status: SignInStatus;
  /** Set when the server could not be told to revoke; the local copy is deleted regardless. */
  readonly revokeError?: PilotError;
}

export class SignInService {
  readonly #orgs: SignInServiceOptions['orgs'];
  readonly #secrets: TokenVault;
  readonly #http: HttpClient;
  readonly #openBrowser: (url: string) => Promise<void>;
  readonly #scheme: string;
  readonly #pending: PendingSignIns<SignInStatus>;
  readonly #onEvent: (e: SignInEvent) => void;
  readonly #oktaDpop: boolean;

  constructor(options: SignInServiceOptions) {
    this.#orgs = options.orgs;
    this.#secrets = options.secrets;
    this.#http = options.http;
    this.#openBrowser = options.openBrowser;
    this.#scheme = options.scheme ?? DEFAULT_SCHEME;
    this.#pending = options.pending ?? new PendingSignIns<SignInStatus>();
    this.#onEvent = options.onEvent ?? (() => undefined);
    this.#oktaDpop = options.oktaDpop ?? false;
  }

  async start(alias: string, provider: ProviderId, options: StartOptions = {}): Promise<StartedSignIn> {
    const configured = await this.#settings(alias, provider);
    const settings = options.redirect ? { ...configured, redirect: options.redirect } : configured;
    const endpoints = endpointsFor(provider, settings.baseUrl);
    const redirectUri = redirectUriFor(settings, this.#scheme);
    const verifier = createCodeVerifier();
    const state = createState();
    const done = this.#pending.add({ alias, provider, state, verifier, redirectUri });

    let listener: LoopbackListener | undefined;
    if (settings.redirect === 'loopback') {
      try {
        listener = await startLoopbackListener({
          port: settings.port,
          onCallback: (params) => this.#loopbackCallback(params, redirectUri),
        });
      } catch (e) {
        this.#pending.cancel(alias, provider);
        throw toPilotError(e);
      }
      void done.then(
        () => listener?.close(),
        () => listener?.close(),
      );
    }

    // RFC 6749 §4.1.1 + RFC 7636 §4.3; the method is sent explicitly (Salesforce needs it).
    const url = new URL(endpoints.authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', settings.clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    url.searchParams.set('scope', defaultScopes(provider));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', codeChallengeS256(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    if (options.prompt) url.searchParams.set('prompt', options.prompt);
    const authorizationUrl = url.href;

    this.#emit({
      alias,
      provider,
      phase: 'waiting-for-browser',
      message: `Finish signing in to ${providerLabel(provider)} in your browser.`,
    });
    if (options.openBrowser !== false) {
      try {
        await this.#openBrowser(authorizationUrl);
      } catch (e) {
        this.#pending.cancel(alias, provider);
        throw new PilotError(
          'internal',
          'PKCE Pilot could not open your browser.',
          'Copy the sign-in link from PKCE Pilot into your browser instead.',
          {},
          { cause: e },
        );
      }
    }
    done.then(
      () => undefined,
      (e: unknown) => {
        if (isPilotError(e) && e.code === 'signin-cancelled')
          this.#emit({ alias, provider, phase: 'cancelled', message: e.message });
        else if (isPilotError(e) && e.code === 'signin-timeout')
          this.#emit({ alias, provider, phase: 'error', message: e.message });
      },
    );
    // A loopback sign-in is finished once the browser has its page and the listener is closed, not when
    // the tokens are stored: resolving earlier let the CLI print its result while the listener (and the
    // browser's connection) still held the process open. Failures settle at once, as before.
    const closed = listener?.closed;
    const finished = closed
      ? done.then(async (status) => {
          await closed;
          return status;
        })
      : done;
    return { authorizationUrl, done: finished };
  }

  /** Entry point for custom-scheme redirects handed over by the OS (open-url, second-instance argv). */
  async handleOsRedirect(url: string): Promise<SignInStatus> {
    const params = parseSchemeRedirect(url, this.#scheme);
    const expected = schemeRedirectUri(this.#scheme);
    return this.#complete(params, (uri) => uri === expected);
  }

  cancel(alias: string, provider: ProviderId): boolean {
    return this.#pending.cancel(alias, provider);
  }

  async status(alias: string, provider: ProviderId): Promise<SignInStatus> {
    const tokens = await this.#secrets.get(alias, provider);
    return statusFrom(alias, provider, tokens ?? undefined);
  }

  /** Revokes the refresh token (which also kills its access tokens) best effort, then forgets the set. */
  async signOut(alias: string, provider: ProviderId): Promise<SignOutResult> {
    const tokens = await this.#secrets.get(alias, provider);
    let revokeError: PilotError | undefined;
    if (tokens) {
      try {
        const settings = await this.#settings(alias, provider);
        const token = tokens.refreshToken ?? tokens.accessToken;
        await revokeToken({
          provider,
          endpoints: endpointsFor(provider, settings.baseUrl),
          clientId: settings.clientId,
          http: this.#http,
          token,
          tokenTypeHint: tokens.refreshToken ? 'refresh_token' : 'access_token',
        });
      } catch (e) {
        revokeError = toPilotError(e);
      }
    }
    await this.#secrets.delete(alias, provider);
    return { status: statusFrom(alias, provider, undefined), ...(revokeError ? { revokeError } : {}) };
  }

  async #settings(alias: string, provider: ProviderId): Promise<ProviderSettings> {
    const org = await this.#orgs.get(alias);
    const settings = provider === 'salesforce' ? org.salesforce : org.okta;
    if (!settings) {
      throw new PilotError(
        'not-found',
        `Okta is not set up for ${alias}.`,
        `Add the Okta org URL and client id to ${alias} first.`,
        { alias },
      );
    }
    return settings;
  }

  async #loopbackCallback(params: CallbackParams, redirectUri: string): Promise<CallbackOutcome> {
    try {
      const status = await this.#complete(params, (uri) => uri === redirectUri);
      const who = status.username ? ` as ${status.username}` : '';
      return {
        ok: true,
        title: 'Signed in',
        message: `PKCE Pilot is signed in to ${providerLabel(status.provider)}${who}.`,
      };
    } catch (e) {
      const err = toPilotError(e);
      // An unknown state may be a forged request racing the real redirect: answer it, keep waiting.
      const final = err.code !== 'state-mismatch';
      return { ok: false, final, title: 'Sign-in not completed', message: `${err.message} ${err.hint}` };
    }
  }

  /**
   * Completes a sign-in from an authorization response. The state is checked (and consumed) first:
   * no token request is ever made for a response that does not match a pending sign-in.
   */
  async #complete(
    params: CallbackParams,
    redirectMatches: (redirectUri: string) => boolean,
  ): Promise<SignInStatus> {
    const signIn = this.#pending.take(params.state);
    const { alias, provider } = signIn;
    try {
      if (!redirectMatches(signIn.redirectUri)) {
        throw new PilotError(
          'redirect-invalid',
          'The sign-in response arrived through a different callback than the one requested.',
          'Start the sign-in again.',
        );
      }
      const settings = await this.#settings(alias, provider);
      const endpoints = endpointsFor(provider, settings.baseUrl);
      checkIssuer(params, provider, endpoints);
      if (isErrorCallback(params)) {
        throw explainOAuthError({
          error: params.error,
          errorDescription: params.errorDescription,
          provider,
          phase: 'authorize',
        });
      }
      this.#emit({
        alias,
        provider,
        phase: 'exchanging',
        message: `Completing the ${providerLabel(provider)} sign-in…`,
      });
      const tokens = await signIn.withVerifier((verifier) =>
        exchangeCode({
          provider,
          endpoints,
          clientId: settings.clientId,
          http: this.#http,
          redirectUri: signIn.redirectUri,
          code: params.code,
          verifier,
          dpop: provider === 'okta' && this.#oktaDpop,
        }),
      );
      const identity = await this.#identity(provider, settings, tokens);
      const stored: TokenSet = { ...tokens, ...identityFields(identity) };
      await this.#secrets.set(alias, provider, stored);
      const status = statusFrom(alias, provider, stored);
      signIn.resolve(status);
      this.#emit({
        alias,
        provider,
        phase: 'signed-in',
        message: `Signed in to ${providerLabel(provider)}${status.username ? ` as ${status.username}` : ''}.`,
      });
      return status;
    } catch (e) {
      const err = toPilotError(e);
      this.#fail(signIn, err);
      throw err;
    }
  }

  /** Who signed in; a failure here does not undo a successful sign-in, the status just lacks a name. */
  async #identity(
    provider: ProviderId,
    settings: ProviderSettings,
    tokens: TokenSet,
  ): Promise<Identity | undefined> {
    try {
      return provider === 'salesforce'
        ? await fetchSalesforceIdentity(this.#http, tokens)
        : await fetchOktaIdentity(this.#http, settings.baseUrl, tokens);
    } catch {
      return undefined;
    }
  }

  #fail(signIn: PendingSignIn<SignInStatus>, err: PilotError): void {
    signIn.reject(err);
    this.#emit({
      alias: signIn.alias,
      provider: signIn.provider,
      phase: 'error',
      message: err.toDisplayString(),
    });
  }

  #emit(e: SignInEvent): void {
    try {
      this.#onEvent(e);
    } catch {
      // A broken listener must not break the sign-in.
    }
  }
}

/**
 * RFC 9207 mix-up defence: when the server names itself, it must be the server we asked. Okta's org
 * issuer equals its base URL. Salesforce may name a My Domain although we asked login.salesforce.com,
 * so there only a different https origin outside salesforce.com domains is refused.
 */
function checkIssuer(params: CallbackParams, provider: ProviderId, endpoints: ProviderEndpoints): void {
  if (!params.iss) return;
  const sameOrigin = safeOrigin(params.iss) === safeOrigin(endpoints.issuer);
  const salesforceFamily =
    provider === 'salesforce' &&
    /\.(salesforce\.com|salesforce\.mil|force\.com|site\.com)$/i.test(safeHost(params.iss));
  if (sameOrigin || salesforceFamily) return;
  throw new PilotError(
    'redirect-invalid',
    `The sign-in response came from a different server than ${providerLabel(provider)} (${safeHost(params.iss) || 'unknown'}).`,
    'Start the sign-in again; if it repeats, check the login URL configured for this org.',
  );
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function identityFields(identity: Identity | undefined): Partial<TokenSet> {
  if (!identity) return {};
  return {
    username: identity.username,
    userId: identity.userId,
    ...(identity.orgId ? { orgId: identity.orgId } : {}),
  };
}
