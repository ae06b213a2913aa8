/**
 * Read-only calls to Okta's Management API for verification: auth header from the keychain's tokens,
 * Link-header paging (RFC 8288), 429 back-off until X-Rate-Limit-Reset, one refresh on 401, and 403 →
 * which scope or role is missing. Never throws: every outcome is a ReadResult.
 */
import { isPilotError } from '../errors';
import { isLoopbackHost } from '../auth/login-url';
import type { TokenSet } from '../model';
import { answerFromResponse, headerOf, isOk, plainRequestOf, type PlainAnswer } from '../plain-answer';
import { oktaPrincipal, type SharedReads } from './okta-shared-reads';
import { maskSecrets } from './read-failure';
import { signInAgain } from './sign-in-again';
import { readFailed, readOk, type FetchFn, type ReadResult, type TokenSource } from './types';

export interface OktaApiOptions {
  readonly alias: string;
  readonly tokenService: TokenSource;
  readonly fetch: FetchFn;
  /** Injectable for tests (no real waiting). */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly nowMs?: () => number;
  /** Longest wait for a rate-limit reset before giving up (default 60 s). */
  readonly maxRateLimitWaitMs?: number;
  readonly timeoutMs?: number;
  readonly maxPages?: number;
  /** Reads shared with the other orgs of the run that use the same Okta admin (okta-shared-reads.ts). */
  readonly shared?: SharedReads<unknown[]>;
}

const RATE_LIMIT_RETRIES = 3;

/** Parses `Link: <url>; rel="next", <url>; rel="self"` and returns the next URL, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;(.*)$/.exec(part.trim());
    if (m && /\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(m[2] ?? '')) return m[1];
  }
  return undefined;
}

/** Milliseconds to wait for a 429: X-Rate-Limit-Reset is epoch seconds (Okta rate-limit docs). */
export function rateLimitWaitMs(resetHeader: string | null, nowMs: number): number {
  const reset = Number(resetHeader);
  if (!resetHeader || !Number.isFinite(reset)) return 1_000;
  return Math.max(0, reset * 1000 - nowMs) + 250;
}

function isDpopBound(tokens: TokenSet): boolean {
  return tokens.tokenType.toLowerCase() === 'dpop';
}

export class OktaApi {
  private tokens: TokenSet | undefined;
  /** oauth4webapi's DPoP handle (keeps the server's DPoP-Nonce between calls, RFC 9449 §8). */
  private dpop: unknown;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly nowMs: () => number;

  constructor(private readonly opts: OktaApiOptions) {
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.nowMs = opts.nowMs ?? Date.now;
  }

  /** Loads the Okta tokens; a reason when not signed in or the tokens cannot be used here. */
  async signIn(): Promise<ReadResult<TokenSet>> {
    try {
      this.tokens = await this.opts.tokenService.getTokens(this.opts.alias, 'okta');
    } catch (e) {
      if (isPilotError(e) && e.code === 'keychain-unavailable')
        return readFailed(
          `Could not check: the system keychain that holds the Okta sign-in is not reachable (${e.message}) — ${e.hint} Then run \`pkce-pilot status ${this.opts.alias}\`.`,
        );
      return readFailed(
        `Could not check: Okta not configured or not signed in${isPilotError(e) ? ` (${e.message})` : ''} — ${signInAgain(this.opts.alias, 'okta')}.`,
      );
    }
    if (isDpopBound(this.tokens) && !this.tokens.dpopKey) {
      return readFailed(
        `Could not check: the Okta sign-in is DPoP-bound but its key is missing — ${signInAgain(this.opts.alias, 'okta')}.`,
      );
    }
    return readOk(this.tokens);
  }

  private secrets(): string[] {
    return [this.tokens?.accessToken, this.tokens?.refreshToken].filter((s): s is string => !!s);
  }

  /** GETs path (relative to the org URL) and every `next` page; `scope` names the API scope it needs. */
  async getAll(pathAndQuery: string, scope: string): Promise<ReadResult<unknown[]>> {
    const signedIn = this.tokens ? readOk(this.tokens) : await this.signIn();
    if (!signedIn.ok) return signedIn;
    const read = () => this.readAll(signedIn.value, pathAndQuery, scope);
    const shared = this.opts.shared;
    return shared ? shared.read(oktaPrincipal(signedIn.value), pathAndQuery, read) : read();
  }

  private async readAll(
    tokens: TokenSet,
    pathAndQuery: string,
    scope: string,
  ): Promise<ReadResult<unknown[]>> {
    const base = new URL(tokens.instanceUrl);
    let url: string | undefined = new URL(pathAndQuery, base).toString();
    const items: unknown[] = [];
    for (let page = 0; url && page < (this.opts.maxPages ?? 50); page++) {
      const res = await this.getOnce(url, scope);
      if (!res.ok) return res;
      items.push(...res.value.items);
      url = res.value.next;
      // Only follow links back to the same org: the bearer token must never go elsewhere.
      if (url && new URL(url, base).origin !== base.origin)
        return readFailed(
          'Could not check: Okta returned a paging link to another host, so reading stopped; to allow the check, check the Okta org URL and any proxy in between, then try again.',
        );
      if (url) url = new URL(url, base).toString();
    }
    return readOk(items);
  }

  private async getOnce(
    url: string,
    scope: string,
  ): Promise<ReadResult<{ items: unknown[]; next?: string }>> {
    let tokens = this.tokens;
    if (!tokens) return readFailed('Okta not signed in.');
    let refreshed = false;
    let rateLimited = 0;
    for (;;) {
      let res: PlainAnswer;
      try {
        res = await this.send(url, tokens);
      } catch (e) {
        const timedOut =
          (e as { name?: string } | undefined)?.name === 'TimeoutError' ||
          (isPilotError(e) && e.code === 'timeout');
        return readFailed(
          timedOut
            ? 'Could not check: Okta did not answer in time; try again later.'
            : 'Could not check: could not reach Okta (network error); check the connection or proxy and try again.',
        );
      }
      if (res.status === 429 && rateLimited < RATE_LIMIT_RETRIES) {
        const wait = rateLimitWaitMs(headerOf(res, 'x-rate-limit-reset'), this.nowMs());
        if (wait > (this.opts.maxRateLimitWaitMs ?? 60_000)) {
          return readFailed(
            `Could not check: Okta's rate limit is exhausted for about ${Math.ceil(wait / 1000)} s; verify again later.`,
          );
        }
        rateLimited++;
        await this.sleep(wait);
        continue;
      }
      if (res.status === 401 && !refreshed) {
        refreshed = true;
        try {
          tokens = await this.opts.tokenService.refresh(this.opts.alias, 'okta', tokens.accessToken);
          this.tokens = tokens;
          this.dpop = undefined;
        } catch (e) {
          return readFailed(
            `Could not check: Okta no longer accepts PKCE Pilot's sign-in and it could not be refreshed${isPilotError(e) ? ` (${e.message})` : ''} — ${signInAgain(this.opts.alias, 'okta')}.`,
          );
        }
        continue;
      }
      return this.interpret(res, scope);
    }
  }

  /** One GET: `Authorization: Bearer`, or for DPoP-bound tokens `DPoP <token>` plus a proof with `ath` (RFC 9449 §7.1). */
  private async send(url: string, tokens: TokenSet): Promise<PlainAnswer> {
    const signal = AbortSignal.timeout(this.opts.timeoutMs ?? 30_000);
    if (!isDpopBound(tokens)) {
      return plainRequestOf(this.opts.fetch)(url, {
        method: 'GET',
        headers: { Accept: 'application/json', Authorization: `Bearer ${tokens.accessToken}` },
        signal,
      });
    }
    // Lazy: oauth4webapi and the key import are only needed for DPoP-bound Okta apps.
    const oauth = await import('oauth4webapi');
    const { dpopHandleFor } = await import('../auth/token-client');
    this.dpop ??= await dpopHandleFor(tokens);
    const target = new URL(url);
    // Plain http only towards a loopback test server, as in token-client.ts.
    const insecure = target.protocol === 'http:' && isLoopbackHost(target.hostname);
    const request = () =>
      oauth.protectedResourceRequest(
        tokens.accessToken,
        'GET',
        target,
        new Headers({ Accept: 'application/json' }),
        null,
        {
          DPoP: this.dpop as Awaited<ReturnType<typeof dpopHandleFor>>,
          ...(insecure ? { [oauth.allowInsecureRequests]: true } : {}),
          [oauth.customFetch]: (u, init) => this.opts.fetch(String(u), init as RequestInit),
          signal,
        },
      );
    for (let attempt = 0; ; attempt++) {
      try {
        return await answerFromResponse(await request(), signal);
      } catch (e) {
        // First proof without the server's nonce: the handle has stored it now, so retry once.
        if (attempt === 0 && oauth.isDPoPNonceError(e)) continue;
        // Other challenges (401 invalid_token, 403 insufficient_scope) are ordinary answers to interpret.
        if (e instanceof oauth.WWWAuthenticateChallengeError) return answerFromResponse(e.response, signal);
        throw e;
      }
    }
  }

  private async interpret(
    res: PlainAnswer,
    scope: string,
  ): Promise<ReadResult<{ items: unknown[]; next?: string }>> {
    const text = res.text;
    if (res.status === 429)
      return readFailed(
        'Could not check: Okta kept answering "too many requests"; verify again in a minute.',
      );
    if (res.status === 401)
      return readFailed(
        `Could not check: Okta rejected the sign-in even after a refresh — ${signInAgain(this.opts.alias, 'okta')}.`,
      );
    if (res.status === 403) {
      const challenge = headerOf(res, 'www-authenticate') ?? '';
      const scopeProblem = /insufficient_scope/i.test(challenge);
      return readFailed(
        scopeProblem
          ? `Could not check: Okta refused because the sign-in lacks the ${scope} scope; to allow the check, grant ${scope} on PKCE Pilot's app (Okta API Scopes tab), then ${signInAgain(this.opts.alias, 'okta')}.`
          : `Could not check: Okta refused (403); to allow the check, the signed-in admin needs the ${scope} scope granted and an admin role that can read it (App Admin, Read-only Admin or Super Admin).`,
        scope,
      );
    }
    if (!isOk(res)) {
      const summary = safeErrorSummary(text, this.secrets());
      return readFailed(
        `Could not check: Okta answered HTTP ${res.status}${summary ? ` (${summary})` : ''}; try again later.`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return readFailed(
        'Could not check: Okta answered with something other than JSON (a proxy or login page?); to allow the check, check the Okta org URL.',
      );
    }
    if (!Array.isArray(body))
      return readFailed(
        'Could not check: Okta answered with an unexpected shape (expected a list); to allow the check, check the Okta org URL, then try again.',
      );
    const next = nextLink(headerOf(res, 'link'));
    return readOk(next ? { items: body, next } : { items: body });
  }
}

function safeErrorSummary(text: string, secrets: readonly string[]): string {
  try {
    const parsed = JSON.parse(text) as { errorSummary?: unknown };
    if (typeof parsed.errorSummary === 'string')
      return maskSecrets(parsed.errorSummary, secrets).slice(0, 160);
  } catch {
    /* not JSON: say nothing about the body */
  }
  return '';
}
