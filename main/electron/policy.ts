/**
 * Pure security decisions of the Electron shell. No `electron` import, so every rule here is
 * unit-tested under plain Node (CI has no Electron binary). The shell files only wire these in.
 */

/** The renderer is served from this privileged scheme, never from file:// or a remote origin. */
export const APP_PROTOCOL = 'app';
export const APP_HOST = 'pkce-pilot';
export const APP_ORIGIN = `${APP_PROTOCOL}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * Content-Security-Policy for everything the app protocol serves. All network calls live in main,
 * so the renderer needs nothing remote: no connect-src beyond 'self', no remote fonts or images.
 * 'unsafe-inline' for styles only: React's style={…} props set inline styles.
 */
export function buildCsp(): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const LOOPBACK_HOSTNAMES = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Parses without throwing; `undefined` for anything that is not an absolute URL. */
function parseUrl(raw: string): URL | undefined {
  try {
    return new URL(raw);
  } catch {
    return undefined;
  }
}

/**
 * The renderer dev server (`electron-vite dev` sets ELECTRON_RENDERER_URL) when this run may use it:
 * unpackaged only, and only an http(s) loopback origin — a packaged app never loads a URL from its
 * environment, and a development run never trusts a remote one.
 */
export function devRendererUrl(
  env: Readonly<Record<string, string | undefined>>,
  isPackaged: boolean,
): string | undefined {
  const raw = env['ELECTRON_RENDERER_URL'];
  if (isPackaged || !raw) return undefined;
  const parsed = parseUrl(raw);
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return undefined;
  if (!LOOPBACK_HOSTNAMES.has(parsed.hostname) || parsed.username !== '' || parsed.password !== '') {
    return undefined;
  }
  return parsed.toString();
}

/** Set once at start-up in development runs on the dev server (see devRendererUrl); else none. */
let devOrigin: string | undefined;

/** Development only: the dev server's origin counts as the app's own (IPC, events, permissions). */
export function trustDevRendererOrigin(url: string | undefined): void {
  devOrigin = url === undefined ? undefined : parseUrl(url)?.origin;
}

/** True when `url` belongs to the app's own origin (the only origin allowed to call IPC). */
export function isAppOrigin(url: string): boolean {
  const parsed = parseUrl(url);
  if (parsed === undefined) return false;
  if (devOrigin !== undefined && parsed.origin === devOrigin) return true;
  return parsed.protocol === `${APP_PROTOCOL}:` && parsed.host === APP_HOST;
}

/**
 * Whether an IPC message may reach a handler: only the app's own top-level document may call the
 * API; a subframe (even same-origin) or a frame already gone (null URL) may not.
 */
export function isTrustedIpcSender(sender: {
  readonly url: string | undefined;
  readonly isTopFrame: boolean;
}): boolean {
  return sender.isTopFrame && sender.url !== undefined && isAppOrigin(sender.url);
}

/**
 * Whether shell.openExternal may open `url` in the system browser: https only, no credentials in
 * the URL, and the host exactly one of `allowedHosts` (case-insensitive, no wildcard or suffix
 * matching, so evil-login.salesforce.com.example.net cannot slip through).
 */
export function isAllowedExternalUrl(url: string, allowedHosts: Iterable<string>): boolean {
  const parsed = parseUrl(url);
  if (parsed === undefined || parsed.protocol !== 'https:') return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  // An explicit non-default port is not the admin host the allow-list names.
  if (parsed.port !== '') return false;
  const host = parsed.hostname.toLowerCase();
  for (const allowed of allowedHosts) {
    if (allowed.toLowerCase() === host) return true;
  }
  return false;
}

/**
 * Chromium permission requests (camera, notifications, geolocation, …). The app needs none except
 * writing to the clipboard (the "copy redirect URL" buttons), and only from its own origin.
 */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined): boolean {
  if (requestingUrl === undefined || !isAppOrigin(requestingUrl)) return false;
  return permission === 'clipboard-sanitized-write';
}

/**
 * Whether the system browser may be sent to `url` to sign in: its origin (scheme, host and port)
 * must be exactly one of the configured authorization servers. http is accepted only for loopback
 * origins, which the org settings allow for local test servers (login-url.ts).
 */
export function isAllowedSignInUrl(url: string, allowedOrigins: Iterable<string>): boolean {
  const parsed = parseUrl(url);
  if (parsed === undefined) return false;
  if (parsed.username !== '' || parsed.password !== '') return false;
  const secure =
    parsed.protocol === 'https:' || (parsed.protocol === 'http:' && LOOPBACK_HOSTNAMES.has(parsed.hostname));
  if (!secure) return false;
  for (const allowed of allowedOrigins) {
    const origin = parseUrl(allowed)?.origin;
    if (origin !== undefined && origin === parsed.origin) return true;
  }
  return false;
}
