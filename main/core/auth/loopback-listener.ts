/**
 * The loopback redirect receiver (RFC 8252 §7.3): a tiny HTTP server on 127.0.0.1 that waits for the
 * browser to come back with the authorization response. Stray requests (favicon, other paths, other
 * methods) get 404/405 and never abort the sign-in — unlike the Salesforce CLI's server.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PilotError, toPilotError } from '../errors';
import {
  LEGACY_CALLBACK_PATH,
  isCallbackPath,
  legacyCallbackError,
  parseCallbackQuery,
  type CallbackParams,
} from './redirect';

export interface CallbackOutcome {
  readonly ok: boolean;
  readonly title: string;
  readonly message: string;
  /**
   * Whether this response ends the sign-in (default true). A request with an unknown state is answered
   * but must not end it: it may be a forged request racing the real redirect.
   */
  readonly final?: boolean;
}

/**
 * The secret-free start link (RFC 8252 leaves the opener to the OS, and the opener's argv is readable by
 * every local user): the browser is sent to `/start/<nonce>`, which sets an HttpOnly cookie and redirects
 * to the authorization URL. Once the start link was used, the callback is accepted only with that cookie.
 */
export interface StartLink {
  /** 256-bit random value, single use; it is all another local user can read from the opener's argv. */
  readonly nonce: string;
  /** Where /start redirects: the authorization URL (carries state and the challenge). */
  readonly location: string;
  /** The start link was opened a second time: someone else may have read it; end the sign-in. */
  readonly onReused: () => void;
}

export interface LoopbackListenerOptions {
  /** 1024–65535 in the app; 0 picks a free port (tests). */
  readonly port: number;
  /** The callback path of this sign-in; absent for a listener that only serves the start link. */
  readonly path?: string;
  /**
   * Called for a response on this sign-in's path, and on another org's callback path (`requestPath`
   * tells which) so the sign-in can refuse a mix-up with a clear message before any token request.
   */
  readonly onCallback?: (params: CallbackParams, requestPath: string) => Promise<CallbackOutcome>;
  readonly start?: StartLink;
  readonly signal?: AbortSignal;
  /** Close on its own after this long (the pending sign-in has its own expiry). */
  readonly timeoutMs?: number;
}

export interface LoopbackListener {
  readonly port: number;
  close(): Promise<void>;
  /** Resolves when the listener has closed, for whatever reason. */
  readonly closed: Promise<void>;
}

const HOST = '127.0.0.1';
/** A browser opens a handful of connections; more than this is not a browser coming back. */
export const MAX_CONNECTIONS = 16;
export const START_PREFIX = '/start/';

export function startLinkFor(port: number, nonce: string): string {
  return `http://${HOST}:${port}${START_PREFIX}${nonce}`;
}

export function createNonce(): string {
  return randomBytes(32).toString('base64url');
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// No remote assets and no script: the page must render offline and leak nothing (no Referer either).
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
};

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** A self-contained page telling the admin what happened and that the tab may be closed. */
export function renderPage(ok: boolean, title: string, message: string): string {
  const accent = ok ? '#1a7f37' : '#b42318';
  const mark = ok ? '&#10003;' : '!';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>PKCE Pilot — ${escapeHtml(title)}</title>
<style>
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f6f7f9;color:#1f2328;display:flex;min-height:100vh;align-items:center;justify-content:center}
main{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:32px 40px;max-width:520px}
.mark{width:40px;height:40px;border-radius:50%;background:${accent};color:#fff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:22px}
h1{font-size:20px;margin:16px 0 8px}p{margin:0 0 12px}.close{color:#57606a;font-size:14px}
@media (prefers-color-scheme: dark){body{background:#0d1117;color:#e6edf3}main{background:#161b22}.close{color:#8b949e}}
</style></head>
<body><main><div class="mark" aria-hidden="true">${mark}</div><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>
<p class="close">You may close this tab and return to PKCE Pilot.</p></main></body></html>`;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body?: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(body);
}

function sendPage(
  res: ServerResponse,
  status: number,
  ok: boolean,
  title: string,
  message: string,
  extra: Record<string, string> = {},
): void {
  send(res, status, { 'Content-Type': 'text/html; charset=utf-8', ...extra }, renderPage(ok, title, message));
}

export function portBusyError(port: number, code: string | undefined, cause: unknown): PilotError {
  const reason =
    code === 'EACCES'
      ? 'the system does not allow PKCE Pilot to use it (it may be reserved, e.g. a Windows excluded port range)'
      : 'another program or another sign-in is listening there';
  return new PilotError(
    'port-busy',
    `Port ${port} on 127.0.0.1 is ${code === 'EACCES' ? 'not available' : 'already in use'} (${reason}).`,
    `Close the program using port ${port}, or choose another port with \`pkce-pilot org update <alias> --port <n>\` (or in the org's settings) and register the matching callback URL it prints on the app.`,
    { port, reason: code ?? 'unknown' },
    { cause },
  );
}

export function startLoopbackListener(options: LoopbackListenerOptions): Promise<LoopbackListener> {
  const path = options.path;
  const sockets = new Set<Socket>();
  let finished = false;
  let busy = false;
  let port = options.port;
  // Set when the start link was used: from then on the callback must carry this cookie.
  let startCookie: string | undefined;
  const cookieName = (): string => `pkce_pilot_${port}`;

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.maxConnections = MAX_CONNECTIONS;
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  let resolveClosed!: () => void;
  const closed = new Promise<void>((r) => (resolveClosed = r));
  server.on('close', () => resolveClosed());

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    finished = true;
    closing ??= new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      // Browsers keep connections alive; end idle ones so close() finishes promptly.
      server.closeIdleConnections();
      setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 1000).unref();
    });
    return closing;
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://${HOST}`);
    } catch {
      return send(res, 400, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Bad request');
    }
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host; only ours is served.
    if (req.headers.host !== `${HOST}:${port}`) {
      return send(res, 421, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Misdirected request');
    }
    const isOurCallback = path !== undefined && url.pathname === path;
    // Private Network Access preflight (Chrome): allow the public AS page to redirect to the callback only.
    if (
      isOurCallback &&
      req.method === 'OPTIONS' &&
      req.headers['access-control-request-private-network'] !== undefined
    ) {
      const origin = req.headers.origin;
      return send(res, 204, {
        'Access-Control-Allow-Private-Network': 'true',
        'Access-Control-Allow-Methods': 'GET',
        ...(typeof origin === 'string' ? { 'Access-Control-Allow-Origin': origin, Vary: 'Origin' } : {}),
      });
    }
    if (options.start && url.pathname.startsWith(START_PREFIX) && req.method === 'GET') {
      return handleStart(url.pathname.slice(START_PREFIX.length), res, options.start);
    }
    const isLegacy = path !== undefined && url.pathname === LEGACY_CALLBACK_PATH;
    const isOtherCallback = path !== undefined && !isOurCallback && isCallbackPath(url.pathname);
    if (!isOurCallback && !isLegacy && !isOtherCallback) {
      return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found');
    }
    if (req.method !== 'GET') {
      return send(
        res,
        405,
        { 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET' },
        'Method not allowed',
      );
    }
    if (finished || busy) {
      return sendPage(
        res,
        409,
        false,
        'Sign-in already handled',
        'This sign-in has already been completed or cancelled in PKCE Pilot.',
      );
    }
    if (isLegacy) {
      // Not final: nobody sends this sign-in there, so it is a stale tab or a probe, never our response.
      const err = legacyCallbackError();
      return sendPage(res, 400, false, 'Sign-in response not accepted', `${err.message} ${err.hint}`);
    }
    if (isOurCallback && startCookie !== undefined) {
      const presented = cookieValue(req.headers.cookie, cookieName());
      if (presented === undefined || !sameSecret(presented, startCookie)) {
        // Not final: another local user who learned the state must not be able to end the real sign-in.
        return sendPage(
          res,
          400,
          false,
          'Sign-in response not accepted',
          'This response did not come from the browser that started the sign-in. Finish the sign-in in the browser tab PKCE Pilot opened.',
        );
      }
    }
    let params: CallbackParams;
    try {
      params = parseCallbackQuery(url.searchParams);
    } catch (e) {
      const err = toPilotError(e);
      return sendPage(res, 400, false, 'Sign-in response not accepted', `${err.message} ${err.hint}`);
    }
    if (!options.onCallback) {
      return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found');
    }
    busy = true;
    let outcome: CallbackOutcome;
    try {
      outcome = await options.onCallback(params, url.pathname);
    } catch (e) {
      const err = toPilotError(e);
      outcome = { ok: false, title: 'Sign-in failed', message: `${err.message} ${err.hint}` };
    }
    busy = false;
    const final = outcome.final ?? true;
    if (final) {
      finished = true;
      // 'close' fires once the page is flushed, or when the browser went away first.
      res.once('close', () => void close());
    }
    sendPage(
      res,
      outcome.ok ? 200 : 400,
      outcome.ok,
      outcome.title,
      outcome.message,
      final ? { Connection: 'close' } : {},
    );
  }

  function handleStart(nonce: string, res: ServerResponse, start: StartLink): void {
    if (!sameSecret(nonce, start.nonce)) {
      return send(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, 'Not found');
    }
    if (startCookie !== undefined || finished) {
      // The link is single use. A second visit means someone else had it (argv is readable by other
      // local users): end the sign-in rather than race them.
      if (!finished) start.onReused();
      return sendPage(
        res,
        410,
        false,
        'Sign-in link already used',
        'This sign-in link was already opened once, so PKCE Pilot stopped the sign-in to be safe. Start the sign-in again.',
      );
    }
    startCookie = createNonce();
    // HttpOnly: no script reads it. SameSite=Lax: sent on the top-level redirect back from the server,
    // never on a cross-site subrequest. Path: only this sign-in's callback sees it.
    const attributes = `HttpOnly; SameSite=Lax; Path=${path ?? '/'}`;
    return send(res, 302, {
      Location: start.location,
      'Set-Cookie': `${cookieName()}=${startCookie}; ${attributes}`,
      'Content-Type': 'text/plain; charset=utf-8',
    });
  }

  return new Promise<LoopbackListener>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(
        new PilotError(
          'signin-cancelled',
          'The sign-in was cancelled.',
          'Start it again when you are ready.',
        ),
      );
      return;
    }
    const onListenError = (e: NodeJS.ErrnoException): void => {
      reject(portBusyError(options.port, e.code, e));
    };
    server.once('error', onListenError);
    server.listen({ port: options.port, host: HOST, exclusive: true }, () => {
      server.off('error', onListenError);
      server.on('error', () => void close());
      port = (server.address() as AddressInfo).port;
      options.signal?.addEventListener('abort', () => void close(), { once: true });
      if (options.timeoutMs !== undefined) {
        const t = setTimeout(() => void close(), options.timeoutMs);
        t.unref();
        void closed.then(() => clearTimeout(t));
      }
      resolve({ port, close, closed });
    });
  });
}
