/**
 * Keeps a sign-in usable: reads tokens from the keychain, refreshes them once per org and provider at a
 * time, and persists a rotated refresh token before anyone may use it — with rotation on, reusing the old
 * one revokes the whole token family (Salesforce help 005316711; RFC 9700 §4.14.2).
 */
import { PilotError, isPilotError } from '../errors';
import type { ProviderId, TokenSet } from '../model';
import { providerLabel } from './providers';

/** The keychain seam (secret-store.ts implements it with keytar). */
export interface TokenVault {
  get(alias: string, provider: ProviderId): Promise<TokenSet | undefined | null>;
  set(alias: string, provider: ProviderId, tokens: TokenSet): Promise<void>;
  delete(alias: string, provider: ProviderId): Promise<unknown>;
  /** Throws keychain-unavailable unless a write would succeed now (checked before a sign-in). */
  assertWritable?(): Promise<void>;
}

export type RefreshFn = (alias: string, provider: ProviderId, tokens: TokenSet) => Promise<TokenSet>;

export interface TokenServiceOptions {
  readonly secretStore: TokenVault;
  readonly refresh: RefreshFn;
  /** Throws when stored tokens must not be used now (e.g. the org was re-targeted since sign-in). */
  readonly assertUsable?: (alias: string, provider: ProviderId, tokens: TokenSet) => Promise<void>;
  /**
   * Cross-process lock around one refresh (the CLI and the app, or two CLI runs, may refresh at once):
   * with rotation, two processes redeeming the same refresh token revoke the whole family.
   */
  readonly lock?: <R>(key: string, task: () => Promise<R>) => Promise<R>;
}

export function notSignedIn(alias: string, provider: ProviderId, expired = false): PilotError {
  const who = `${providerLabel(provider)} for ${alias}`;
  return new PilotError(
    'not-signed-in',
    expired ? `The ${who} sign-in has expired or was revoked.` : `PKCE Pilot is not signed in to ${who}.`,
    `Sign in to ${providerLabel(provider)} again for ${alias}.`,
    { alias, provider },
  );
}

/** True for failures that mean "this access token is no longer accepted". */
export function isUnauthorized(e: unknown): boolean {
  if (isPilotError(e)) return e.code === 'not-signed-in' || e.details.status === 401;
  return typeof e === 'object' && e !== null && (e as { status?: unknown }).status === 401;
}

export class TokenService {
  readonly #store: TokenVault;
  readonly #refresh: RefreshFn;
  readonly #assertUsable: NonNullable<TokenServiceOptions['assertUsable']>;
  readonly #lock: NonNullable<TokenServiceOptions['lock']>;
  readonly #inFlight = new Map<string, Promise<TokenSet>>();

  constructor({ secretStore, refresh, assertUsable, lock }: TokenServiceOptions) {
    this.#store = secretStore;
    this.#refresh = refresh;
    this.#assertUsable = assertUsable ?? (async () => undefined);
    this.#lock = lock ?? ((_key, task) => task());
  }

  async getTokens(alias: string, provider: ProviderId): Promise<TokenSet> {
    const tokens = await this.#store.get(alias, provider);
    if (!tokens) throw notSignedIn(alias, provider);
    await this.#assertUsable(alias, provider, tokens);
    return tokens;
  }

  /**
   * Refreshes once for all concurrent callers. When `staleAccessToken` is given and the stored set already
   * holds a different access token, someone else refreshed meanwhile: that set is returned without a call.
   */
  refresh(alias: string, provider: ProviderId, staleAccessToken?: string): Promise<TokenSet> {
    const key = `${alias}\u0000${provider}`;
    const running = this.#inFlight.get(key);
    if (running) return running;
    // Inside the lock the keychain is read again: another process may have rotated the token meanwhile.
    const run = this.#lock(`${alias}.${provider}`, () =>
      this.#refreshOnce(alias, provider, staleAccessToken),
    ).finally(() => {
      this.#inFlight.delete(key);
    });
    this.#inFlight.set(key, run);
    return run;
  }

  async #refreshOnce(alias: string, provider: ProviderId, staleAccessToken?: string): Promise<TokenSet> {
    const current = await this.getTokens(alias, provider);
    if (staleAccessToken !== undefined && current.accessToken !== staleAccessToken) return current;
    if (!current.refreshToken) throw notSignedIn(alias, provider, true);
    let next: TokenSet;
    try {
      next = await this.#refresh(alias, provider, current);
    } catch (e) {
      if (isPilotError(e) && e.code === 'oauth-error' && e.details.error === 'invalid_grant') {
        // The refresh token is dead (expired, revoked, or reused after rotation): forget it.
        await this.#store.delete(alias, provider);
        throw new PilotError(
          'not-signed-in',
          notSignedIn(alias, provider, true).message,
          notSignedIn(alias, provider).hint,
          { alias, provider },
          { cause: e },
        );
      }
      throw e;
    }
    // Persist before resolving: a rotated refresh token that only lived in memory would be lost on a crash.
    await this.#store.set(alias, provider, next);
    return next;
  }

  /** Calls `fn` with the current tokens; on a 401-type failure refreshes once and retries once. */
  async withAccessToken<R>(
    alias: string,
    provider: ProviderId,
    fn: (tokens: TokenSet) => Promise<R>,
  ): Promise<R> {
    const tokens = await this.getTokens(alias, provider);
    try {
      return await fn(tokens);
    } catch (e) {
      if (!isUnauthorized(e) || !tokens.refreshToken) throw e;
      const fresh = await this.refresh(alias, provider, tokens.accessToken);
      return fn(fresh);
    }
  }
}
