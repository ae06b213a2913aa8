/**
 * Sign-ins waiting for the browser, keyed by `state`. A redirect is honoured only when its state
 * names a pending sign-in that has not expired and has not been used (single use), which defeats
 * CSRF and replay (RFC 6749 §10.12, RFC 8252 §8.9). The code verifier stays inside this module in a
 * private field and is handed out only to the token-exchange callback.
 */
import { PilotError } from '../errors';
import type { ProviderId } from '../model';
import { providerLabel } from './providers';

export interface PendingSignInInput {
  readonly alias: string;
  readonly provider: ProviderId;
  readonly state: string;
  readonly verifier: string;
  readonly redirectUri: string;
}

/** One pending sign-in, as handed to whoever takes it by state. */
export class PendingSignIn<T> {
  readonly alias: string;
  readonly provider: ProviderId;
  readonly state: string;
  readonly redirectUri: string;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly #verifier: string;
  readonly #settle: { resolve(v: T): void; reject(e: unknown): void };

  /** @internal created by PendingSignIns only. */
  constructor(
    input: PendingSignInInput,
    createdAt: number,
    expiresAt: number,
    settle: { resolve(v: T): void; reject(e: unknown): void },
  ) {
    this.alias = input.alias;
    this.provider = input.provider;
    this.state = input.state;
    this.redirectUri = input.redirectUri;
    this.createdAt = createdAt;
    this.expiresAt = expiresAt;
    this.#verifier = input.verifier;
    this.#settle = settle;
  }

  /** Runs the token exchange with the verifier; the verifier goes nowhere else. */
  withVerifier<R>(exchange: (verifier: string) => Promise<R>): Promise<R> {
    return exchange(this.#verifier);
  }

  resolve(result: T): void {
    this.#settle.resolve(result);
  }

  reject(error: unknown): void {
    this.#settle.reject(error);
  }

  toJSON(): Record<string, unknown> {
    return {
      alias: this.alias,
      provider: this.provider,
      redirectUri: this.redirectUri,
      expiresAt: this.expiresAt,
    };
  }

  toString(): string {
    return `PendingSignIn(${this.alias}, ${this.provider})`;
  }
}

interface Entry<T> {
  readonly signIn: PendingSignIn<T>;
  readonly timer: ReturnType<typeof setTimeout>;
}

export interface PendingSignInsOptions {
  /** How long the admin has to finish in the browser (default 10 minutes). */
  readonly ttlMs?: number;
  readonly now?: () => number;
}

const RECENTLY_EXPIRED_LIMIT = 64;

export class PendingSignIns<T = unknown> {
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #byState = new Map<string, Entry<T>>();
  /** States that timed out, so a late redirect gets "timed out" rather than "not recognised". */
  readonly #expired = new Set<string>();

  constructor({ ttlMs = 600_000, now = Date.now }: PendingSignInsOptions = {}) {
    this.#ttlMs = ttlMs;
    this.#now = now;
  }

  /**
   * Registers a sign-in and returns the promise its caller awaits. Throws 'signin-pending' when one is
   * already waiting for the same org and provider (cancel it first).
   */
  add(input: PendingSignInInput): Promise<T> {
    const existing = this.find(input.alias, input.provider);
    if (existing) {
      throw new PilotError(
        'signin-pending',
        `A ${providerLabel(input.provider)} sign-in for ${input.alias} is already waiting for the browser.`,
        'Finish it in the browser, or cancel it and start again.',
      );
    }
    if (this.#byState.has(input.state)) {
      throw new PilotError(
        'internal',
        'Two sign-ins received the same state value.',
        'Start the sign-in again.',
      );
    }
    let settle!: { resolve(v: T): void; reject(e: unknown): void };
    const promise = new Promise<T>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Callers may drop the promise (e.g. the CLI exits); never let that crash the process.
    promise.catch(() => undefined);
    const createdAt = this.#now();
    const signIn = new PendingSignIn<T>(input, createdAt, createdAt + this.#ttlMs, settle);
    const timer = setTimeout(() => this.#expire(input.state), this.#ttlMs);
    timer.unref?.();
    this.#byState.set(input.state, { signIn, timer });
    return promise;
  }

  /**
   * Removes and returns the sign-in for `state` (single use). Unknown or reused state →
   * 'state-mismatch'; expired → 'signin-timeout'.
   */
  take(state: string): PendingSignIn<T> {
    const entry = this.#byState.get(state);
    if (!entry) {
      if (this.#expired.has(state)) throw timeoutError(this.#ttlMs);
      throw new PilotError(
        'state-mismatch',
        'This sign-in response does not match a sign-in PKCE Pilot started (it may be old, reused or forged).',
        'Start the sign-in again from PKCE Pilot and finish it in the browser tab it opens.',
      );
    }
    this.#byState.delete(state);
    clearTimeout(entry.timer);
    if (this.#now() >= entry.signIn.expiresAt) {
      this.#rememberExpired(state);
      const err = timeoutError(this.#ttlMs);
      entry.signIn.reject(err);
      throw err;
    }
    return entry.signIn;
  }

  find(alias: string, provider: ProviderId): PendingSignIn<T> | undefined {
    for (const { signIn } of this.#byState.values()) {
      if (signIn.alias === alias && signIn.provider === provider) return signIn;
    }
    return undefined;
  }

  /** Cancels the waiting sign-in for this org and provider; returns whether there was one. */
  cancel(alias: string, provider: ProviderId): boolean {
    const signIn = this.find(alias, provider);
    if (!signIn) return false;
    const entry = this.#byState.get(signIn.state);
    this.#byState.delete(signIn.state);
    if (entry) clearTimeout(entry.timer);
    signIn.reject(
      new PilotError(
        'signin-cancelled',
        `The ${providerLabel(provider)} sign-in for ${alias} was cancelled.`,
        'Start it again when you are ready.',
      ),
    );
    return true;
  }

  /** Cancels everything (app quit). */
  cancelAll(): void {
    for (const { signIn } of [...this.#byState.values()]) this.cancel(signIn.alias, signIn.provider);
  }

  get size(): number {
    return this.#byState.size;
  }

  #expire(state: string): void {
    const entry = this.#byState.get(state);
    if (!entry) return;
    this.#byState.delete(state);
    this.#rememberExpired(state);
    entry.signIn.reject(timeoutError(this.#ttlMs));
  }

  #rememberExpired(state: string): void {
    this.#expired.add(state);
    if (this.#expired.size > RECENTLY_EXPIRED_LIMIT) {
      const oldest = this.#expired.values().next().value;
      if (oldest !== undefined) this.#expired.delete(oldest);
    }
  }
}

function timeoutError(ttlMs: number): PilotError {
  const minutes = Math.max(1, Math.round(ttlMs / 60_000));
  return new PilotError(
    'signin-timeout',
    'The sign-in took too long and has expired.',
    `Start the sign-in again and finish it in the browser within ${minutes} minute${minutes === 1 ? '' : 's'}.`,
  );
}
