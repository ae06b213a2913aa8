/**
 * Serves the built renderer from the privileged `app://pkce-pilot/` scheme (instead of file://, so
 * the page gets a real origin for CSP and for the IPC sender check), with the CSP header set here.
 */
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { APP_PROTOCOL, buildCsp } from './policy';
import { contentTypeFor, resolveRendererFile } from './renderer-files';

/** Must run before `app` is ready: privileges are fixed at start-up. */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_PROTOCOL, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

const SECURITY_HEADERS = {
  // electron-security-exception CSP_GLOBAL_CHECK sha256=63d1edb24312: the CSP is sent as a response header by this protocol handler, which the linter cannot see
  'content-security-policy': buildCsp(),
  'x-content-type-options': 'nosniff',
  'cross-origin-opener-policy': 'same-origin',
} as const;

/** Registers the handler on the default session; call once after `ready`. */
export function serveRendererFolder(rendererDir: string): void {
  protocol.handle(APP_PROTOCOL, async (request) => {
    if (request.method !== 'GET') return new Response(null, { status: 405, headers: SECURITY_HEADERS });
    const file = resolveRendererFile(rendererDir, request.url);
    if (file === undefined) return new Response(null, { status: 404, headers: SECURITY_HEADERS });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { ...SECURITY_HEADERS, 'content-type': contentTypeFor(file) } });
    } catch {
      return new Response(null, { status: 404, headers: SECURITY_HEADERS });
    }
  });
}
