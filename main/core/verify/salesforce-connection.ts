/**
 * Builds a jsforce Connection from the keychain's TokenSet. jsforce is loaded lazily (it is heavy and
 * start-up time matters). Its refresh goes through our TokenService, not jsforce's own OAuth2 client:
 * jsforce drops rotated refresh tokens (shared notes, jsforce.md) and we want one single-flight
 * refresh per org across the app.
 */
import type { Connection } from 'jsforce';
import type { TokenSet } from '../model';
import { HttpClientTransport } from './jsforce-transport';
import type { FetchFn, TokenSource } from './types';

/** Metadata API 59.0 is the first to expose OauthOidcSettings.isPkceRequired. */
export const SALESFORCE_API_VERSION = '60.0';

export interface SalesforceSession {
  readonly conn: Connection;
  /** The tokens in use now (updated after a refresh), for masking secrets in messages. */
  secrets(): string[];
  /**
   * Returns (and forgets) the latest answer that was not the expected XML/JSON — jsforce quietly turns
   * an HTML page (proxy, captive portal, maintenance) into an empty result, which must not read as "none".
   */
  takeUnexpectedAnswer(): string | undefined;
}

interface TransportResponse {
  readonly statusCode?: number;
  readonly headers?: Readonly<Record<string, string | undefined>>;
}
interface TransportLike {
  httpRequest(req: { url?: string }, options?: Record<string, unknown>): Promise<TransportResponse>;
}

/** The content type an API path must answer with; undefined for paths we do not judge. */
function expectedType(url: string | undefined): RegExp | undefined {
  if (!url) return undefined;
  if (url.includes('/services/Soap/')) return /xml/i;
  if (url.includes('/services/data/')) return /json/i;
  return undefined;
}

let jsforceModule: Promise<typeof import('jsforce')> | undefined;

/**
 * jsforce, loaded on first use. Built as CommonJS the import is a lazy require() (electron.vite.config.ts:
 * dynamicImportInCjs) wrapped in an interop copy of the module's exports: made once, not once per org.
 */
function loadJsforce(): Promise<typeof import('jsforce')> {
  jsforceModule ??= import('jsforce').catch((e: unknown) => {
    jsforceModule = undefined; // a later verify tries again
    throw e;
  });
  return jsforceModule;
}

/**
 * Replaces jsforce's transport (a private field, so guarded) with one over the core's HttpClient
 * (./jsforce-transport.ts): the same network road as sign-in, with our time limit, and answers of
 * the wrong content type reported.
 */
function useHttpClient(
  conn: Connection,
  http: FetchFn,
  requestTimeoutMs: number,
  onUnexpected: (what: string) => void,
): void {
  const holder = conn as unknown as { _transport?: unknown };
  if (!('_transport' in holder)) return;
  holder._transport = new HttpClientTransport(http, {
    timeoutMs: requestTimeoutMs,
    onResponse: (url, res) => {
      const expected = expectedType(url);
      const type = res.headers['content-type'] ?? '';
      if (expected && !expected.test(type))
        onUnexpected(
          type
            ? `HTTP ${res.statusCode} ${type.split(';')[0]}`
            : `HTTP ${res.statusCode} without a content type`,
        );
    },
  });
}

/**
 * Without an HttpClient (callers that pass none): instruments jsforce's own transport — each request gets our timeout —
 * jsforce's default is 30 minutes, which would keep the CLI alive long after we gave up — and answers
 * of the wrong content type are reported. The promise jsforce gets back is otherwise untouched.
 */
function instrumentTransport(
  conn: Connection,
  requestTimeoutMs: number,
  onUnexpected: (what: string) => void,
): void {
  const transport = (conn as unknown as { _transport?: TransportLike })._transport;
  if (!transport || typeof transport.httpRequest !== 'function') return;
  const original = transport.httpRequest.bind(transport);
  transport.httpRequest = (req, options) => {
    const pending = original(req, { ...(options ?? {}), timeout: requestTimeoutMs });
    const expected = expectedType(req.url);
    if (expected) {
      pending.then(
        (res) => {
          const type = res?.headers?.['content-type'] ?? '';
          if (!expected.test(type))
            onUnexpected(
              type
                ? `HTTP ${res?.statusCode ?? '?'} ${type.split(';')[0]}`
                : `HTTP ${res?.statusCode ?? '?'} without a content type`,
            );
        },
        () => undefined,
      );
    }
    return pending;
  };
}

/** Per-HTTP-request limit handed to jsforce (the reads add their own overall limit). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export async function openSalesforceConnection(
  alias: string,
  tokens: TokenSet,
  tokenService: TokenSource,
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS,
  /** The core's HttpClient (net.fetch in the app, proxy-aware fetch in the CLI). */
  http?: FetchFn,
): Promise<SalesforceSession> {
  const { Connection: JsforceConnection } = await loadJsforce();
  const seen = new Set<string>([tokens.accessToken, ...(tokens.refreshToken ? [tokens.refreshToken] : [])]);
  const conn = new JsforceConnection({
    instanceUrl: tokens.instanceUrl,
    accessToken: tokens.accessToken,
    version: SALESFORCE_API_VERSION,
    // jsforce calls this when a request comes back INVALID_SESSION_ID; we never hand it a refresh token.
    refreshFn: (stale, callback) => {
      tokenService.refresh(alias, 'salesforce', stale.accessToken ?? undefined).then(
        (fresh) => {
          seen.add(fresh.accessToken);
          if (fresh.refreshToken) seen.add(fresh.refreshToken);
          callback(null, fresh.accessToken);
        },
        (err: unknown) => callback(err instanceof Error ? err : new Error('refresh failed')),
      );
    },
  });
  let unexpected: string | undefined;
  const onUnexpected = (what: string) => (unexpected = what);
  if (http) useHttpClient(conn, http, requestTimeoutMs, onUnexpected);
  else instrumentTransport(conn, requestTimeoutMs, onUnexpected);
  return {
    conn,
    secrets: () => [...seen],
    takeUnexpectedAnswer: () => {
      const what = unexpected;
      unexpected = undefined;
      return what;
    },
  };
}
