/**
 * CONTRIBUTOR TOOL, never part of the packaged app (electron-builder ships only out/**, and nothing the
 * app or the CLI builds imports main/dev). Serves the built renderer (out/renderer) to a plain browser
 * and stands in for the Electron preload: an injected script implements window.pkcePilot over
 * XMLHttpRequest POSTs to /__bridge/<method> and an EventSource. Behind it run the REAL createAppApi, real stores in
 * PKCE_PILOT_HOME, the real keychain and the real SignInService. Requests are validated with the same
 * contract. Two users: the Playwright `web` project (test/e2e/web-bridge/server.ts, which captures the
 * "system browser" so a second page can play it) and `npm run preview` (scripts/preview.ts, which opens
 * the real one and requires a one-time token).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createAppApi, signInEventToAppEvent } from '../core/app-api';
import { PilotError, toPilotError } from '../core/errors';
import { createHttpClient } from '../core/http';
import type { VerificationResult } from '../core/verify/types';
import { createCoreServices } from '../core/services';
import { VERIFY_CONCURRENCY } from '../core/verify/concurrency';
import {
  API_METHODS,
  apiContract,
  appEventSchema,
  type ApiMethod,
  type AppEvent,
} from '../../preload/contract';

export const DEFAULT_RENDERER_DIR = path.resolve(__dirname, '../../out/renderer');
const MAX_BODY = 64 * 1024;

export interface BridgeServerOptions {
  /** Data folder (PKCE_PILOT_HOME) for the stores. */
  readonly home: string;
  readonly rendererDir?: string;
  readonly now?: () => Date;
  /** The verification runner, when a spec wires one (the app shell passes main/core/verify's). */
  readonly verify?: (alias: string) => Promise<VerificationResult>;
  /** Opens sign-in pages; default: only recorded (browserOpens), for a test page to play the browser. */
  readonly openBrowser?: (url: string) => Promise<void>;
  /** Opens deep links; default: only recorded (externalOpens). */
  readonly openExternal?: (url: string) => Promise<void>;
  /** Environment for the core's HTTP client (proxy variables); default none. */
  readonly env?: NodeJS.ProcessEnv;
  readonly appVersion?: string;
  /**
   * When set, the page must first be opened as `/?token=<accessToken>`: that request (once) sets an
   * HttpOnly session cookie and redirects to `/`; every request without the cookie is refused. Keeps
   * other local users and web pages out of the real core behind the preview.
   */
  readonly accessToken?: string;
}

export interface BridgeServer {
  /** Where to open the app (with the one-time token when the server requires one). */
  readonly url: string;
  /** URLs the app asked the system browser to open, oldest first. */
  readonly browserOpens: string[];
  /** Deep links the app asked to open externally. */
  readonly externalOpens: string[];
  /** Resolves with the next URL the app opens in the "system browser". */
  nextBrowserOpen(): Promise<string>;
  /** Plays the OS handing a custom-scheme redirect to the app (Electron: open-url / second-instance). */
  handOffRedirect(url: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The page-side stand-in for preload/index.ts. Plain ES5-ish script, no secrets pass through it.
 * XMLHttpRequest rather than fetch: a fresh page's first fetch() took ~17 ms longer to answer (median
 * of 12 loads here), a cost of this stand-in (in Electron the preload calls main over IPC) that the
 * app's first request (app.start) would carry into every timed load.
 */
function bridgeScript(methods: readonly string[]): string {
  return `(() => {
  const methods = ${JSON.stringify(methods)};
  const listeners = new Set();
  let source;
  const api = {};
  const unanswered = () => ({ ok: false, error: { code: 'network', message: 'The app did not answer.', hint: 'Reload the page.' } });
  for (const m of methods) {
    api[m] = (input) => new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/__bridge/' + m);
      xhr.setRequestHeader('content-type', 'application/json');
      xhr.responseType = 'json';
      xhr.onload = () => resolve(xhr.response && typeof xhr.response === 'object' ? xhr.response : unanswered());
      xhr.onerror = xhr.onabort = xhr.ontimeout = () => resolve(unanswered());
      xhr.send(JSON.stringify(input ?? {}));
    });
  }
  api.onEvent = (fn) => {
    listeners.add(fn);
    if (!source) {
      source = new EventSource('/__bridge/events');
      source.onmessage = (ev) => { const e = JSON.parse(ev.data); for (const l of listeners) l(e); };
    }
    return () => listeners.delete(fn);
  };
  window.pkcePilot = Object.freeze(api);
})();`;
}

/**
 * The page with the bridge inlined right after its CSP, allowed by that policy through the script's hash
 * only (script-src stays 'self' plus one hash: never 'unsafe-inline'). The bridge stands in for Electron's
 * preload, which runs before the page without a request of its own; served as a file it was a blocking
 * request before the app's first script, ~60-80 ms of a cold page load here.
 */
export function withInlineBridge(indexHtml: string, script: string): string {
  if (script.includes('</')) throw new Error('The bridge script cannot be inlined: it contains "</".');
  const hash = `'sha256-${createHash('sha256').update(script, 'utf8').digest('base64')}'`;
  const csp = /<meta\s+http-equiv="Content-Security-Policy"[^>]*>/i.exec(indexHtml);
  if (!csp || !csp[0].includes("script-src 'self'"))
    throw new Error("The renderer's index.html has no CSP meta with script-src 'self' to add the bridge to.");
  const meta = csp[0].replace("script-src 'self'", `script-src 'self' ${hash}`);
  const at = csp.index + csp[0].length;
  return `${indexHtml.slice(0, csp.index)}${meta}<script>${script}</script>${indexHtml.slice(at)}`;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY)
      throw new PilotError('invalid-input', 'The request is too large.', 'Send less data.');
    chunks.push(c as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return text ? JSON.parse(text) : {};
  } catch {
    throw new PilotError('invalid-input', 'The request was not valid JSON.', 'Reload the page.');
  }
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(body);
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.html': 'text/html; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

const SESSION_COOKIE = 'pkce_pilot_preview';

/** Only the loopback names of this very server. */
function allowedHost(host: string | undefined, port: number): boolean {
  return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Constant-time comparison of two secrets. */
function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBridgeServer(options: BridgeServerOptions): Promise<BridgeServer> {
  const rendererDir = options.rendererDir ?? DEFAULT_RENDERER_DIR;
  const indexHtml = await readFile(path.join(rendererDir, 'index.html'), 'utf8').catch(() => {
    throw new Error(`No built renderer in ${rendererDir}: run \`npx electron-vite build\` first.`);
  });
  const page = withInlineBridge(indexHtml, bridgeScript(API_METHODS));

  const clients = new Set<ServerResponse>();
  const emit = (event: AppEvent) => {
    const valid = appEventSchema.parse(event);
    for (const c of clients) c.write(`data: ${JSON.stringify(valid)}\n\n`);
  };
  const browserOpens: string[] = [];
  const externalOpens: string[] = [];
  let waiters: ((url: string) => void)[] = [];

  const now = options.now ?? (() => new Date());
  // The same composition root as the CLI and the Electron shell; only the browser opener differs.
  const core = await createCoreServices({
    dataFolder: options.home,
    http: createHttpClient({ env: options.env ?? {} }),
    openBrowser: async (url) => {
      browserOpens.push(url);
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve(url);
      await options.openBrowser?.(url);
    },
    onSignInEvent: (e) => emit(signInEventToAppEvent(e)),
    appVersion: options.appVersion ?? '0.1.0-web-bridge',
    now,
  });
  const handlers = createAppApi({
    orgs: core.orgs,
    progress: core.progress,
    signIn: core.signIn,
    removeOrg: core.removeOrg,
    updateOrg: core.updateOrg,
    verify: options.verify ?? core.verifyOne,
    latestVerification: (alias) => core.verifications.latest(alias),
    latestVerifications: () => core.verifications.latestAll(),
    verifyConcurrency: VERIFY_CONCURRENCY,
    dataNotices: core.dataNotices,
    openExternal: async (url) => {
      externalOpens.push(url);
      await options.openExternal?.(url);
    },
    emit,
    info: {
      name: 'PKCE Pilot',
      version: options.appVersion ?? '0.1.0-web-bridge',
      platform: process.platform,
      dataFolder: options.home,
    },
    // Real report renderers; the file goes to <home>/reports (the app shell asks with a save dialog instead).
    exportReport: async (alias, format) => {
      if (format === 'pdf')
        throw new PilotError(
          'internal',
          'PDF export needs the desktop app.',
          'Export HTML and print it to PDF.',
        );
      const dir = path.join(options.home, 'reports');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${alias}-pkce-report.${format}`);
      await writeFile(file, await core.report(alias, format), { encoding: 'utf8', mode: 0o600 });
      return { path: file };
    },
    reportFormats: ['md', 'html', 'json'],
    exportFleetReport: async (format) => {
      const dir = path.join(options.home, 'reports');
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `fleet-pkce-report.${format}`);
      await writeFile(file, await core.fleetReport(format), { encoding: 'utf8', mode: 0o600 });
      return { path: file };
    },
    now,
  });

  async function callMethod(method: ApiMethod, raw: unknown) {
    // Same steps as the Electron IPC dispatcher: validate input, call, validate (strip) output.
    const input = apiContract[method].input.safeParse(raw);
    if (!input.success)
      throw new PilotError(
        'invalid-input',
        'The request the window sent was not valid.',
        'Check the values you entered and try again.',
      );
    const value = await (handlers[method] as (i: unknown) => Promise<unknown>)(input.data);
    const output = apiContract[method].output.safeParse(value);
    if (!output.success)
      throw new PilotError('internal', 'The app produced an answer it could not show.', 'Try again.');
    return output.data;
  }

  const session = randomBytes(32).toString('base64url');
  let tokenUsed = false;
  let port = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      // DNS rebinding: a page on another site that resolves its name to 127.0.0.1 sends its own Host.
      if (!allowedHost(req.headers.host, port))
        return send(
          res,
          421,
          'text/plain; charset=utf-8',
          'Wrong Host: open the address the server printed.',
        );
      if (options.accessToken !== undefined) {
        const token = url.searchParams.get('token');
        if (token !== null && (url.pathname === '/' || url.pathname === '/index.html')) {
          if (tokenUsed || !sameSecret(token, options.accessToken))
            return send(
              res,
              403,
              'text/plain; charset=utf-8',
              'This link has been used or is not valid: start the preview again for a new one.',
            );
          tokenUsed = true;
          res.writeHead(303, {
            location: '/',
            'set-cookie': `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`,
            'cache-control': 'no-store',
          });
          return res.end();
        }
        if (!sameSecret(cookieValue(req.headers.cookie, SESSION_COOKIE) ?? '', session))
          return send(
            res,
            403,
            'text/plain; charset=utf-8',
            'Open the preview with the link it printed (it carries a one-time token).',
          );
      }
      if (url.pathname === '/' || url.pathname === '/index.html')
        return send(res, 200, 'text/html; charset=utf-8', page);
      if (url.pathname === '/__bridge/events') {
        res.writeHead(200, {
          'content-type': 'text/event-stream',
          'cache-control': 'no-store',
          connection: 'keep-alive',
        });
        res.write(': connected\n\n');
        clients.add(res);
        req.on('close', () => clients.delete(res));
        return;
      }
      if (url.pathname.startsWith('/__bridge/') && req.method === 'POST') {
        const method = url.pathname.slice('/__bridge/'.length);
        if (!(API_METHODS as string[]).includes(method))
          return send(
            res,
            404,
            'application/json',
            JSON.stringify({
              ok: false,
              error: { code: 'invalid-input', message: 'Unknown action.', hint: '' },
            }),
          );
        try {
          const value = await callMethod(method as ApiMethod, await readBody(req));
          return send(res, 200, 'application/json', JSON.stringify({ ok: true, value }));
        } catch (e) {
          const err = toPilotError(e);
          return send(
            res,
            200,
            'application/json',
            JSON.stringify({ ok: false, error: { code: err.code, message: err.message, hint: err.hint } }),
          );
        }
      }
      if (url.pathname.startsWith('/assets/') && !url.pathname.includes('..')) {
        const file = path.join(rendererDir, url.pathname);
        try {
          return send(
            res,
            200,
            TYPES[path.extname(file)] ?? 'application/octet-stream',
            await readFile(file),
          );
        } catch {
          return send(res, 404, 'text/plain', 'not found');
        }
      }
      send(res, 404, 'text/plain', 'not found');
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}/`;

  return {
    url:
      options.accessToken === undefined ? base : `${base}?token=${encodeURIComponent(options.accessToken)}`,
    browserOpens,
    externalOpens,
    nextBrowserOpen: () => new Promise<string>((resolve) => waiters.push(resolve)),
    // The core's OS-handoff entry point, as main/electron/os-handoff.ts calls it; failures reach the
    // window as sign-in events, exactly as in the app.
    handOffRedirect: (url) =>
      core.signIn.handleOsRedirect(url).then(
        () => undefined,
        () => undefined,
      ),
    async close() {
      for (const c of clients) c.end();
      clients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
