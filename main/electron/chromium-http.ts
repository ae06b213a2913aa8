/**
 * The core's HttpClient on top of Chromium's network stack (Electron's `net.fetch`), which follows
 * the system proxy settings and PAC files and trusts the OS certificate store — unlike Node's fetch.
 * Pure (the fetch function is passed in) so timeouts and error wording are unit-tested under Node.
 */
import { PilotError } from '../core/errors';
import { createTimedClient, type HttpClient } from '../core/http';

type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

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

/** Wraps `fetchImpl` with a per-call timeout and PilotError mapping, like the CLI's client. */
export function createChromiumHttpClient(fetchImpl: FetchLike, timeoutMs = 15_000): HttpClient {
  return createTimedClient((url, init) => fetchImpl(url.toString(), init), timeoutMs, chromiumNetworkError);
}
