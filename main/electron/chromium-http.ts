/**
 * The core's HttpClient on top of Chromium's network stack (Electron's `net.fetch`), which follows
 * the system proxy settings and PAC files and trusts the OS certificate store — unlike Node's fetch.
 * Pure (the fetch function is passed in) so timeouts, redirects, cookies and error wording are
 * unit-tested under Node against a local server.
 *
 * Where net.fetch is not Node's fetch (Electron's lib/browser/api/net-fetch.ts and
 * net-client-request.ts, read for Electron 45):
 * - it takes `credentials` and `cache` from the Request: by default it would send and store the
 *   session's cookies and use the HTTP cache. A token request must do neither, so every request
 *   here says `credentials: 'omit'`, `cache: 'no-store'`;
 * - `redirect: 'manual'` makes a 3xx an error ("Redirect was cancelled") instead of returning it:
 *   ./chromium-fetch.ts answers those requests through net.request's 'redirect' event;
 * - `Response.url` stays empty (it passes a non-standard `urlList`), so the request URL is set;
 * - a body cut short by our time limit errors as an AbortError: turned into a TimeoutError, which
 *   the core reads as "the server stopped sending" (readJsonResponse, the token client).
 */
import { PilotError } from '../core/errors';
import { createTimedClient, type HttpClient } from '../core/http';

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** Chromium reports failures as "net::ERR_…" in the message; no Node-style `code`. */
function chromiumErrorName(e: unknown): string | undefined {
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  return /net::(ERR_[A-Z0-9_]+)/.exec(message)?.[1];
}

/** One plain sentence per Chromium failure; only the host is named, never the URL or a body. */
export function chromiumNetworkError(url: URL, e: unknown): PilotError {
  const host = url.host;
  const details = { host };
  const name = chromiumErrorName(e) ?? '';
  const err = (code: 'network' | 'timeout', message: string, hint: string) =>
    new PilotError(code, message, hint, details, { cause: e });
  if (name === 'ERR_NAME_NOT_RESOLVED' || name === 'ERR_NAME_RESOLUTION_FAILED') {
    return err(
      'network',
      `The host ${host} could not be found (DNS).`,
      'Check the URL for typos and your network or VPN connection, then try again.',
    );
  }
  if (name === 'ERR_INTERNET_DISCONNECTED' || name === 'ERR_NETWORK_CHANGED') {
    return err(
      'network',
      'This computer is not connected to a network.',
      'Connect to your network or VPN, then try again.',
    );
  }
  if (name.startsWith('ERR_PROXY') || name === 'ERR_TUNNEL_CONNECTION_FAILED') {
    return err(
      'network',
      `The proxy would not connect PKCE Pilot to ${host}.`,
      "Check your system's proxy settings, or ask IT to allow this host, then try again.",
    );
  }
  if (
    name.startsWith('ERR_CERT_') ||
    name === 'ERR_SSL_PROTOCOL_ERROR' ||
    name === 'ERR_BAD_SSL_CLIENT_AUTH_CERT'
  ) {
    return err(
      'network',
      `The certificate presented for ${host} is not trusted.`,
      "If your company inspects TLS traffic, install its CA certificate in the system's certificate store, then restart PKCE Pilot.",
    );
  }
  if (name === 'ERR_CONNECTION_REFUSED') {
    return err(
      'network',
      `The server ${host} refused the connection.`,
      'Check the URL and that the server is reachable from this network, then try again.',
    );
  }
  if (name === 'ERR_CONNECTION_RESET' || name === 'ERR_CONNECTION_CLOSED' || name === 'ERR_EMPTY_RESPONSE') {
    return err(
      'network',
      `The connection to ${host} was closed unexpectedly.`,
      'Try again; if it keeps happening, a proxy or firewall may be interfering.',
    );
  }
  // net.request's own wording for a redirect the request did not allow (redirect: 'error').
  if (
    name === 'ERR_TOO_MANY_REDIRECTS' ||
    /redirect policy was 'error'|Redirect was cancelled/.test(String(e))
  ) {
    return err(
      'network',
      `${host} redirected the request elsewhere instead of answering it.`,
      'Check the URL and any proxy or single sign-on page in between, then try again.',
    );
  }
  if (name === 'ERR_TIMED_OUT' || name === 'ERR_CONNECTION_TIMED_OUT') {
    return err(
      'timeout',
      `Connecting to ${host} timed out.`,
      'Check your network, VPN or proxy, then try again.',
    );
  }
  return err(
    'network',
    `PKCE Pilot could not reach ${host}.`,
    'Check your network connection (and proxy, if you use one), then try again.',
  );
}

/** What every request sends: no cookies either way, no HTTP cache; redirects as the caller asked. */
export function chromiumRequestInit(init: RequestInit): RequestInit {
  return { ...init, credentials: 'omit', cache: 'no-store', redirect: init.redirect ?? 'follow' };
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * The response as the core expects it from Node's fetch: `url` set (net.fetch leaves it empty) and
 * a body whose read fails with a TimeoutError when our time limit cut it short.
 */
export function settleResponse(res: Response, requestUrl: URL, timeout: AbortSignal): Response {
  const url = res.url || requestUrl.toString();
  let out = res;
  if (res.body && !NULL_BODY_STATUSES.has(res.status)) {
    const reader = res.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const chunk = await reader.read();
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (e) {
          controller.error(
            timeout.aborted
              ? new DOMException(`${requestUrl.host} stopped sending before the time limit.`, 'TimeoutError')
              : e,
          );
        }
      },
      cancel: (reason) => reader.cancel(reason),
    });
    out = new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  }
  if (out.url !== url) Object.defineProperty(out, 'url', { value: url });
  return out;
}

/** Wraps `fetchImpl` with a per-call timeout and PilotError mapping, like the CLI's client. */
export function createChromiumHttpClient(fetchImpl: FetchLike, timeoutMs = 15_000): HttpClient {
  return createTimedClient(
    async (url, init, timeout) =>
      settleResponse(await fetchImpl(url.toString(), chromiumRequestInit(init)), url, timeout),
    timeoutMs,
    chromiumNetworkError,
  );
}
