/**
 * Sign-in orchestration: authorization request with PKCE (RFC 7636 §4.3), the browser hand-off, the
 * redirect (loopback listener or OS custom-scheme hand-off), token exchange, identity lookup and
 * keychain storage; plus cancel, sign-out (RFC 7009 revocation) and status.
 */
import { PilotError, isPilotError, toPilotError } from '../errors';
import type { HttpClient } from '../http';
import { fetchOktaIdentity, fetchSalesforceIdentity, type Identity } from './identity';
import {
  createNonce,
  startLinkFor,
  startLoopbackListener,
  type CallbackOutcome,
  type LoopbackListener,
} from './loopback-listener';
import type {
  OrgSettings,
  ProviderId,
  ProviderSettings,
  RedirectKind,
  SignInStatus,
  TokenBinding,
  TokenSet,
} from '../model';
import { explainOAuthError } from './oauth-errors';
import { PendingSignIns, type PendingSignIn } from './pending-signins';
import { codeChallengeS256, createCodeVerifier, createState } from './pkce';
import { defaultScopes, endpointsFor, providerLabel, type ProviderEndpoints } from './providers';
import {
  callbackPath,
  DEFAULT_SCHEME,
  isErrorCallback,
  parseSchemeRedirect,
  redirectUriFor,
  type CallbackParams,
} from './redirect';
import { bindingFor, boundEndpoints, unboundTokensError } from './token-binding';
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
  /**
   * When the browser cannot be opened: 'throw' (default) ends the sign-in with an error; 'report' keeps
   * it waiting and returns the error as `openError`, so the caller can show the link instead (CLI).
   */
  readonly onOpenFailure?: 'throw' | 'report';
}

export interface StartedSignIn {
  /** The full authorization URL (state, challenge): for --no-open and the admin's own screen only. */
  readonly authorizationUrl: string;
  /**
   * What is handed to the browser opener: a one-time loopback link without state or challenge
   * (another process's argv is readable by every local user), redirecting to authorizationUrl.
   */
  readonly startUrl: string;
  /** The redirect URI this sign-in uses, as it must be registered on the app. */
  readonly redirectUri: string;
  /** Set when the browser could not be opened and onOpenFailure was 'report'. */
  readonly openError?: PilotError;
  /** Settles when the browser comes back (or on cancel / expiry). */
  readonly done: Promise<SignInStatus>;
}

export interface SignOutResult {
  readonly status: SignInStatus;
  /** False when nothing was stored: nothing was revoked or deleted. */
  readonly wasSignedIn: boolean;
  /** Set when the server could not be told to revoke; the local copy is deleted regardless. */
  readonly revokeError?: PilotError;
}

/**
 * Node loads its bundled fetch classes (Headers, Response) on first use, ~40 ms in Node 20; the token
 * exchange needs them (oauth4webapi builds Headers and checks for a Response), so a sign-in touches them
 * while the admin is still in the browser instead of after they come back.
 */
function warmUpFetchClasses(): void {
  void new Headers();
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
  /** Per pending state: the server and client the sign-in started with (the code goes back only there). */
  readonly #servers = new Map<string, { endpoints: ProviderEndpoints; binding: TokenBinding }>();

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
    // Fixed now: the code goes back to this server and client, whatever orgs.json says later.
    const endpoints = endpointsFor(provider, settings.baseUrl);
    const binding = bindingFor(provider, settings);
    const redirectUri = redirectUriFor(settings, this.#scheme, alias, provider);
    // A keychain that cannot take the tokens would waste the whole browser round trip: ask it first.
    if (this.#secrets.assertWritable) await this.#secrets.assertWritable();
    const verifier = createCodeVerifier();
    const state = createState();

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

    const done = this.#pending.add({ alias, provider, state, verifier, redirectUri });
    this.#servers.set(state, { endpoints, binding });
    const nonce = createNonce();
    const start = {
      nonce,
      location: authorizationUrl,
      onReused: () => {
        this.#pending.cancel(alias, provider);
      },
    };
    let listener: LoopbackListener;
    try {
      // The loopback redirect and the start link share one listener; a custom-scheme sign-in gets a
      // listener on a free port that only serves the start link.
      listener =
        settings.redirect === 'loopback'
          ? await startLoopbackListener({
              port: settings.port,
              path: callbackPath(alias, provider),
              start,
              onCallback: (params, requestPath) =>
                this.#loopbackCallback(params, `http://127.0.0.1:${settings.port}${requestPath}`),
            })
          : await startLoopbackListener({ port: 0, start });
    } catch (e) {
      this.#servers.delete(state);
      this.#pending.cancel(alias, provider);
      throw toPilotError(e);
    }
    const settle = () => {
      this.#servers.delete(state);
      void listener.close();
    };
    void done.then(settle, settle);
    const startUrl = startLinkFor(listener.port, nonce);

    this.#emit({
      alias,
      provider,
      phase: 'waiting-for-browser',
      message: `Finish signing in to ${providerLabel(provider)} in your browser.`,
    });
    let openError: PilotError | undefined;
    if (options.openBrowser !== false) {
      try {
        await this.#openBrowser(startUrl);
      } catch (e) {
        openError = new PilotError(
          'internal',
          isPilotError(e) ? e.message : 'PKCE Pilot could not open your browser.',
          'Copy the sign-in link from PKCE Pilot into your browser instead.',
          { alias, provider },
          { cause: e },
        );
        if (options.onOpenFailure !== 'report') {
          this.#pending.cancel(alias, provider);
          throw openError;
        }
      }
    }
    // The admin is in the browser now: load what the token exchange needs while they are there.
    setImmediate(warmUpFetchClasses);
    done.then(
      () => undefined,
      (e: unknown) => {
        if (isPilotError(e) && e.code === 'signin-cancelled')
          this.#emit({ alias, provider, phase: 'cancelled', message: e.message });
        else if (isPilotError(e) && e.code === 'signin-timeout')
          this.#emit({ alias, provider, phase: 'error', message: e.message });
      },
    );
    // A sign-in is finished once the browser has its page and the listener is closed (settle closes it),
    // not when the tokens are stored: resolving earlier let the CLI print its result while the listener
    // (and the browser's connection) still held the process open. Failures settle at once, as before.
    const finished = done.then(async (status) => {
      await listener.closed;
      return status;
    });
    // Callers that only start a sign-in (the app, which follows it through events) may never await
    // `done`: its failure is reported through events, so it must not surface as an unhandled rejection.
    finished.catch(() => undefined);
    return { authorizationUrl, startUrl, redirectUri, done: finished, ...(openError ? { openError } : {}) };
  }

  /** Entry point for custom-scheme redirects handed over by the OS (open-url, second-instance argv). */
  async handleOsRedirect(url: string): Promise<SignInStatus> {
    const { redirectUri, ...params } = parseSchemeRedirect(url, this.#scheme);
    return this.#complete(params, (uri) => uri === redirectUri);
  }

  cancel(alias: string, provider: ProviderId): boolean {
    return this.#pending.cancel(alias, provider);
  }

  async status(alias: string, provider: ProviderId): Promise<SignInStatus> {
    const tokens = await this.#secrets.get(alias, provider);
    return statusFrom(alias, provider, tokens ?? undefined);
  }

  /**
   * Revokes the refresh token (which also kills its access tokens) best effort — at the server that
   * issued it, named in the keychain record, never at whatever the org's settings say now — then
   * forgets the set.
   */
  async signOut(alias: string, provider: ProviderId): Promise<SignOutResult> {
    const tokens = await this.#secrets.get(alias, provider);
    if (!tokens) return { status: statusFrom(alias, provider, undefined), wasSignedIn: false };
    let revokeError: PilotError | undefined;
    if (!tokens.boundTo) {
      revokeError = new PilotError(
        'not-signed-in',
        `The saved sign-in did not record which server issued it (saved by an older PKCE Pilot), so it was not sent anywhere to be revoked.`,
        `Revoke it in ${providerLabel(provider)} if needed (Salesforce: Setup → Connected Apps OAuth Usage; Okta: the user's active tokens).`,
        { alias, provider },
        { cause: unboundTokensError(alias, provider) },
      );
    } else {
      try {
        await this.#revoke(provider, tokens.boundTo, tokens);
      } catch (e) {
        revokeError = toPilotError(e);
      }
    }
    await this.#secrets.delete(alias, provider);
    return {
      status: statusFrom(alias, provider, undefined),
      wasSignedIn: true,
      ...(revokeError ? { revokeError } : {}),
    };
  }

  async #revoke(provider: ProviderId, binding: TokenBinding, tokens: TokenSet): Promise<void> {
    await revokeToken({
      provider,
      endpoints: boundEndpoints(provider, binding),
      clientId: binding.clientId,
      http: this.#http,
      token: tokens.refreshToken ?? tokens.accessToken,
      tokenTypeHint: tokens.refreshToken ? 'refresh_token' : 'access_token',
    });
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

  /** `arrivedAt`: the loopback URL the response came to — this sign-in's, or another org's (mix-up). */
  async #loopbackCallback(params: CallbackParams, arrivedAt: string): Promise<CallbackOutcome> {
    try {
      const status = await this.#complete(params, (uri) => uri === arrivedAt);
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
    const server = this.#servers.get(params.state);
    this.#servers.delete(params.state);
    try {
      if (!redirectMatches(signIn.redirectUri)) {
        // RFC 9700 §4.4.2: each org has its own redirect URI, so a response for this sign-in arriving
        // on another org's callback means the authorization server we asked sent the browser elsewhere.
        throw new PilotError(
          'redirect-invalid',
          `The sign-in response arrived on another org's callback URL than the one this ${providerLabel(provider)} sign-in for ${alias} asked for, so it was refused and nothing was sent to any server.`,
          `Check ${alias}'s login URL: a server that forwards the sign-in to a different org is not trustworthy. Then start the sign-in again.`,
          { alias, provider },
        );
      }
      if (!server)
        throw new PilotError('internal', 'The sign-in lost track of its server.', 'Start the sign-in again.');
      const { endpoints, binding } = server;
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
          clientId: binding.clientId,
          http: this.#http,
          redirectUri: signIn.redirectUri,
          code: params.code,
          verifier,
          dpop: provider === 'okta' && this.#oktaDpop,
        }),
      );
      const identity = await this.#identity(provider, binding.issuer, tokens);
      const stored: TokenSet = { ...tokens, ...identityFields(identity), boundTo: binding };
      try {
        await this.#secrets.set(alias, provider, stored);
      } catch (e) {
        // Tokens that cannot be kept must not stay alive at the server either.
        await this.#revoke(provider, binding, stored).catch(() => undefined);
        throw e;
      }
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
  async #identity(provider: ProviderId, issuer: string, tokens: TokenSet): Promise<Identity | undefined> {
    try {
      return provider === 'salesforce'
        ? await fetchSalesforceIdentity(this.#http, tokens)
        : await fetchOktaIdentity(this.#http, issuer, tokens);
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
 * RFC 9207 §2.4 mix-up defence: when the server names itself, the name must equal — simple string
 * comparison, no domain family — the issuer identifier of the server this sign-in started with.
 * That is the login URL's origin: Salesforce's discovery documents publish `issuer` as the host they
 * are served from (https://login.salesforce.com; a My Domain host names itself), Okta's org
 * authorization server as the org URL. Salesforce sends no `iss` today; Okta does.
 */
function checkIssuer(params: CallbackParams, provider: ProviderId, endpoints: ProviderEndpoints): void {
  if (params.iss === undefined || params.iss === endpoints.issuer) return;
  throw new PilotError(
    'redirect-invalid',
    `The sign-in response came from a different server than the ${providerLabel(provider)} server this sign-in started with (it names ${safeHost(params.iss) || 'an unknown server'}, expected ${safeHost(endpoints.issuer)}).`,
    'Start the sign-in again; if it repeats, check the login URL configured for this org.',
  );
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
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
