/**
 * The core's fetch: per-call timeout, the environment's proxy settings, and every failure turned into a
 * PilotError that names the host (never the full URL, never a body). The Electron shell may pass
 * `net.fetch` instead (it follows the system proxy and PAC files); the CLI uses this one.
 */
import type { Dispatcher } from 'undici';
import { PilotError } from './errors';
import { nodeFetch, nodePlainRequest } from './node-fetch';
import type { PlainAnswer, PlainRequest } from './plain-answer';

/**
 * The subset of fetch the core uses; `plain`, where the transport has one, answers the same requests
 * without a Response (plain-answer.ts) for verify's many API reads.
 */
export type HttpClient = ((input: string | URL, init?: RequestInit) => Promise<Response>) & {
  readonly plain?: PlainRequest;
};

export interface HttpClientOptions {
  readonly timeoutMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  return env[name] ?? env[name.toLowerCase()] ?? undefined;
}

type FetchWithDispatcher = (url: URL, init: Record<string, unknown>) => Promise<Response>;

/**
 * With a proxy configured: undici's own fetch with an EnvHttpProxyAgent (its dispatcher type must match,
 * and Node 20's built-in fetch bundles an older undici). Without one: ./node-fetch.ts over node:http(s).
 * undici is loaded only when a proxy is set — it costs ~60 ms of start-up that every CLI sign-in would pay.
 */
async function proxiedFetch(
  env: Readonly<Record<string, string | undefined>>,
): Promise<{ fetch: FetchWithDispatcher; dispatcher: Dispatcher } | undefined> {
  const httpsProxy = envValue(env, 'HTTPS_PROXY');
  const httpProxy = envValue(env, 'HTTP_PROXY');
  if (!httpsProxy && !httpProxy) return undefined;
  const noProxy = envValue(env, 'NO_PROXY');
  const undici = await import('undici');
  const dispatcher = new undici.EnvHttpProxyAgent({
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : { httpsProxy: httpProxy }),
    ...(noProxy !== undefined ? { noProxy } : {}),
  });
  return { fetch: undici.fetch as unknown as FetchWithDispatcher, dispatcher };
}

export function createHttpClient({
  timeoutMs = 15_000,
  env = process.env,
}: HttpClientOptions = {}): HttpClient {
  const viaProxy = Boolean(envValue(env, 'HTTPS_PROXY') || envValue(env, 'HTTP_PROXY'));
  const failure = (url: URL, e: unknown) => networkError(url, e, viaProxy);
  let proxy: ReturnType<typeof proxiedFetch> | undefined;
  const timed = createTimedClient(
    async (url, init) => {
      proxy ??= proxiedFetch(env);
      const viaAgent = await proxy;
      return viaAgent
        ? viaAgent.fetch(url, { ...(init as Record<string, unknown>), dispatcher: viaAgent.dispatcher })
        : nodeFetch(url, init);
    },
    timeoutMs,
    failure,
  );
  const client = async (input: string | URL, init?: RequestInit) => {
    const res = await timed(input, init);
    if (res.status === 407) {
      await res.body?.cancel();
      throw proxyAuthError(new URL(String(input)));
    }
    return res;
  };
  // Behind a proxy, undici's fetch carries everything (its Response read whole where a plain answer is asked).
  if (viaProxy) return client;
  const plain: PlainRequest = async (input, init = {}) => {
    const url = new URL(input);
    // One timer for the whole exchange, body included, cleared when it ends: cheaper than the
    // AbortSignal.timeout + AbortSignal.any pair a streaming Response needs, and gone with the request.
    const stop = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop.abort(new DOMException(`${url.host} did not answer in time.`, 'TimeoutError'));
    }, timeoutMs);
    const caller = init.signal ?? undefined;
    const callerStopped = () => stop.abort(caller?.reason);
    if (caller?.aborted) callerStopped();
    else caller?.addEventListener('abort', callerStopped, { once: true });
    let answerStarted = false;
    try {
      const answer = await nodePlainRequest(url, { ...init, signal: stop.signal }, () => {
        answerStarted = true;
      });
      if (answer.status === 407) throw proxyAuthError(url);
      return answer;
    } catch (e) {
      if (e instanceof PilotError && !timedOut && !caller?.aborted) throw e;
      throw requestFailure(e, url, { timedOut, timeoutMs, caller, networkFailure: failure, answerStarted });
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', callerStopped);
    }
  };
  return Object.assign(client, { plain });
}

interface FailureContext {
  readonly timedOut: boolean;
  readonly timeoutMs: number;
  readonly caller: AbortSignal | undefined;
  readonly networkFailure: (url: URL, e: unknown) => PilotError;
  /** The answer's status and headers had arrived when the time ran out (only its body was missing). */
  readonly answerStarted?: boolean;
}

/** "15 seconds", "1 second", "0.6 seconds": a short test limit must not read as "1 seconds". */
export function secondsText(ms: number): string {
  const s = ms >= 1000 ? Math.round(ms / 1000) : Math.round(ms / 100) / 10;
  return `${s} second${s === 1 ? '' : 's'}`;
}

/** Why a request failed, as a PilotError naming the host: our time limit, the caller's cancel, or the network. */
function requestFailure(e: unknown, url: URL, ctx: FailureContext): PilotError {
  if (ctx.timedOut) {
    const limit = secondsText(ctx.timeoutMs);
    return new PilotError(
      'timeout',
      ctx.answerStarted
        ? `${url.host} stopped sending its answer before the time limit (${limit}).`
        : `${url.host} did not answer within ${limit}.`,
      'Check your network connection (and proxy, if you use one), then try again.',
      { host: url.host },
      { cause: e },
    );
  }
  if (ctx.caller?.aborted) {
    const reason: unknown = ctx.caller.reason;
    if (reason instanceof PilotError) return reason;
    return new PilotError(
      'signin-cancelled',
      `The request to ${url.host} was cancelled.`,
      'Try again when you are ready.',
      { host: url.host },
      { cause: e },
    );
  }
  return ctx.networkFailure(url, e);
}

/**
 * A fetch with a per-call time limit (combined with the caller's signal) whose failures become
 * PilotErrors naming the host. Shared by the CLI's client and the Electron shell's net.fetch client;
 * only how a request is sent and how a network failure reads differ.
 */
export function createTimedClient(
  /** `timeout` is this call's time limit alone (the caller's signal excluded), for body handling. */
  send: (url: URL, init: RequestInit, timeout: AbortSignal) => Promise<Response>,
  timeoutMs: number,
  networkFailure: (url: URL, e: unknown) => PilotError,
): HttpClient {
  return async (input, init = {}) => {
    const url = new URL(String(input));
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    try {
      return await send(url, { ...init, signal }, timeout);
    } catch (e) {
      throw requestFailure(e, url, {
        timedOut: timeout.aborted,
        timeoutMs,
        caller: init.signal ?? undefined,
        networkFailure,
      });
    }
  };
}

function errorCodes(e: unknown): { codes: string[]; messages: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 6; depth++) {
    if (typeof cur === 'object') {
      const rec = cur as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
      if (typeof rec.code === 'string') codes.push(rec.code);
      if (typeof rec.message === 'string') messages.push(rec.message);
      if (Array.isArray(rec.errors)) {
        for (const inner of rec.errors as unknown[]) {
          const c = (inner as { code?: unknown } | null)?.code;
          if (typeof c === 'string') codes.push(c);
        }
      }
      cur = rec.cause;
    } else break;
  }
  return { codes, messages };
}

const CERT_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

function proxyAuthError(url: URL): PilotError {
  return new PilotError(
    'network',
    `The proxy refused to connect to ${url.host} without authentication (HTTP 407).`,
    'Put your proxy credentials in HTTPS_PROXY (http://user:password@proxy:port), or ask IT to allow this host, then try again.',
    { host: url.host },
  );
}

/** Maps connection failures to one plain sentence; only the host is named. */
export function networkError(url: URL, e: unknown, viaProxy = false): PilotError {
  const { codes, messages } = errorCodes(e);
  const host = url.host;
  const details = { host };
  const proxyStatus = messages.map((m) => /Proxy response \((\d{3})\)/.exec(m)?.[1]).find(Boolean);
  if (proxyStatus === '407') return proxyAuthError(url);
  if (proxyStatus) {
    return new PilotError(
      'network',
      `The proxy refused the connection to ${host} (HTTP ${proxyStatus}).`,
      'Ask IT to allow this host through the proxy, or set NO_PROXY for it, then try again.',
      details,
      { cause: e },
    );
  }
  const has = (c: string): boolean => codes.includes(c);
  if (has('ENOTFOUND') || has('EAI_AGAIN')) {
    return new PilotError(
      'network',
      `The host ${host} could not be found (DNS).`,
      'Check the URL for typos and your network or VPN connection, then try again.',
      details,
      { cause: e },
    );
  }
  if (has('ECONNREFUSED')) {
    return new PilotError(
      'network',
      `${viaProxy ? 'The proxy for' : 'The server'} ${host} refused the connection.`,
      viaProxy
        ? 'Check HTTPS_PROXY / HTTP_PROXY (address and port), then try again.'
        : 'Check the URL and that the server is reachable from this network, then try again.',
      details,
      { cause: e },
    );
  }
  if (has('ECONNRESET') || has('UND_ERR_SOCKET') || has('EPIPE')) {
    return new PilotError(
      'network',
      `The connection to ${host} was closed unexpectedly.`,
      'Try again; if it keeps happening, a proxy or firewall may be interfering.',
      details,
      { cause: e },
    );
  }
  if (codes.some((c) => CERT_CODES.has(c)) || messages.some((m) => /certificate/i.test(m))) {
    return new PilotError(
      'network',
      `The certificate presented for ${host} is not trusted.`,
      'If your company inspects TLS traffic, point NODE_EXTRA_CA_CERTS at the corporate CA certificate (PEM) and restart PKCE Pilot.',
      details,
      { cause: e },
    );
  }
  // undici: "redirect count exceeded" (follow) or "unexpected redirect" (redirect: 'error').
  if (messages.some((m) => /redirect count exceeded|unexpected redirect/i.test(m))) {
    return new PilotError(
      'network',
      `${host} kept redirecting instead of answering (a redirect loop).`,
      'Check the URL and any proxy or single sign-on page in between, then try again.',
      details,
      { cause: e },
    );
  }
  if (has('ETIMEDOUT') || has('UND_ERR_CONNECT_TIMEOUT')) {
    return new PilotError(
      'timeout',
      `Connecting to ${host} timed out.`,
      'Check your network, VPN or proxy, then try again.',
      details,
      { cause: e },
    );
  }
  return new PilotError(
    'network',
    `PKCE Pilot could not reach ${host}.`,
    'Check your network connection (and proxy, if you use one), then try again.',
    details,
    { cause: e },
  );
}

/**
 * Reads a JSON object body defensively. Servers answer with HTML login/error pages, a wrong or missing
 * Content-Type, or a cut-off body; each becomes 'bad-response' naming the host. The body is never
 * echoed: it might hold a token.
 */
export async function readJsonResponse(res: Response, what: string): Promise<Record<string, unknown>> {
  const host = hostOf(res.url);
  const where = host ? ` from ${host}` : '';
  const details = { host: host ?? '', status: res.status };
  let text: string;
  try {
    text = await res.text();
  } catch (e) {
    if ((e as { name?: unknown } | null)?.name === 'TimeoutError') {
      throw new PilotError(
        'timeout',
        `The ${what}${where} did not arrive in time (the server stopped sending it).`,
        'Check your network connection (and proxy, if you use one), then try again.',
        details,
        { cause: e },
      );
    }
    throw new PilotError(
      'bad-response',
      `The ${what}${where} was cut off.`,
      'Try again; if it persists, check your network or proxy.',
      details,
      { cause: e },
    );
  }
  return jsonObjectFrom(text, res.headers.get('content-type') ?? '', res.status, what, details);
}

/** readJsonResponse for a plain answer (plain-answer.ts): the body is already read, so only the checks remain. */
export function readJsonAnswer(answer: PlainAnswer, what: string): Record<string, unknown> {
  const host = hostOf(answer.url);
  return jsonObjectFrom(answer.text, answer.headers['content-type'] ?? '', answer.status, what, {
    host: host ?? '',
    status: answer.status,
  });
}

/** A JSON object from a body's text; an HTML page, broken JSON or another shape becomes 'bad-response'. */
function jsonObjectFrom(
  text: string,
  contentType: string,
  status: number,
  what: string,
  details: { readonly host: string; readonly status: number },
): Record<string, unknown> {
  const where = details.host ? ` from ${details.host}` : '';
  const trimmed = text.trimStart();
  if (/html/i.test(contentType) || trimmed.startsWith('<')) {
    throw new PilotError(
      'bad-response',
      `The ${what}${where} was a web page instead of data (HTTP ${status}).`,
      'Check the URL (a proxy or captive portal may be answering instead of the server), then try again.',
      details,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PilotError(
      'bad-response',
      `The ${what}${where} was incomplete or not valid JSON (HTTP ${status}).`,
      'Try again; if it persists, check your network or proxy.',
      details,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PilotError(
      'bad-response',
      `The ${what}${where} did not have the expected shape.`,
      'Try again; if it persists, report it.',
      details,
    );
  }
  return parsed as Record<string, unknown>;
}

function hostOf(url: string): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}
