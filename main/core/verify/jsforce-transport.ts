/**
 * A jsforce transport over the core's HttpClient, so the Salesforce reads of `verify` travel the same
 * road as sign-in: in the desktop app Chromium's stack (system proxy, PAC, OS certificate store),
 * in the CLI Node's fetch with HTTPS_PROXY / NO_PROXY — with our time limit and our plain-words
 * network errors in both. jsforce's own transport (jsforce 3.10 lib/request.js: node-fetch over
 * Node's https, https-proxy-agent for HTTPS_PROXY only) ignores all of that.
 *
 * The shape is what jsforce's HttpApi calls (lib/http-api.js): `httpRequest(request, options)`
 * returning a promise of `{ statusCode, headers, body }` that also has a `stream()` method.
 * Redirects are not followed: jsforce would repeat the request, Authorization header included, to
 * whatever host the Location names — a token goes only to the server that issued it.
 */
import { PassThrough } from 'node:stream';
import { PilotError } from '../errors';
import { plainRequestOf, type PlainRequest } from '../plain-answer';
import type { FetchFn } from './types';

export interface JsforceRequest {
  readonly method?: string;
  readonly url?: string;
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly body?: unknown;
}

export interface JsforceResponse {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

export type JsforceResponsePromise = Promise<JsforceResponse> & { stream(): PassThrough };

/** Headers the fetch implementation computes itself (net.request refuses some of them). */
const COMPUTED_HEADERS = new Set(['content-length', 'host', 'connection', 'transfer-encoding']);

function requestHeaders(headers: JsforceRequest['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && !COMPUTED_HEADERS.has(name.toLowerCase())) out[name] = value;
  }
  return out;
}

function requestBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return body;
  if (Buffer.isBuffer(body)) return body.toString('utf8');
  throw new TypeError('Unsupported jsforce request body (only text bodies are sent by verify).');
}

export interface HttpClientTransportOptions {
  /** Per-request time limit on top of the client's own. */
  readonly timeoutMs?: number;
  /** Every answer, for content-type checks (see salesforce-connection.ts). */
  readonly onResponse?: (url: string, response: JsforceResponse) => void;
}

export class HttpClientTransport {
  private readonly request: PlainRequest;

  constructor(
    http: FetchFn,
    private readonly options: HttpClientTransportOptions = {},
  ) {
    this.request = plainRequestOf(http);
  }

  httpRequest(request: JsforceRequest): JsforceResponsePromise {
    const pending = this.send(request);
    // HttpApi pipes this stream only for streaming APIs (bulk, CSV), which verify does not use.
    return Object.assign(pending, { stream: () => new PassThrough() });
  }

  private async send(request: JsforceRequest): Promise<JsforceResponse> {
    const url = new URL(String(request.url));
    const body = requestBody(request.body);
    const limit = this.options.timeoutMs;
    // Aborted with a PilotError reason, so the client reports a timeout rather than a cancellation.
    const controller = new AbortController();
    const timer = limit
      ? setTimeout(
          () =>
            controller.abort(
              new PilotError(
                'timeout',
                `${url.host} did not answer the Salesforce API request within ${Math.round(limit / 1000)} seconds.`,
                'Check your network connection (and proxy, if you use one), then verify again.',
                { host: url.host },
              ),
            ),
          limit,
        )
      : undefined;
    try {
      return await this.exchange(url, request, body, controller.signal);
    } finally {
      clearTimeout(timer);
    }
  }

  private async exchange(
    url: URL,
    request: JsforceRequest,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<JsforceResponse> {
    const res = await this.request(url.toString(), {
      method: request.method ?? 'GET',
      headers: requestHeaders(request.headers),
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
      signal,
    });
    if (res.status >= 300 && res.status < 400) {
      throw new PilotError(
        'bad-response',
        `${url.host} redirected the Salesforce API request (HTTP ${res.status}) instead of answering it.`,
        'Check the instance URL (My Domain changes move it) and any proxy or single sign-on page in between, then sign in again.',
        { host: url.host, status: res.status },
      );
    }
    const response: JsforceResponse = { statusCode: res.status, headers: { ...res.headers }, body: res.text };
    this.options.onResponse?.(url.toString(), response);
    return response;
  }
}
