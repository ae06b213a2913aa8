/**
 * The app:// handler attaches the CSP (and nosniff, COOP) to every response — files, 404s, 405s and a
 * file that cannot be read — run under Node with Electron's `protocol` replaced by a recorder.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

const handlers = new Map<string, (request: Request) => Promise<Response>>();
vi.mock('electron', () => ({
  protocol: {
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
      handlers.set(scheme, handler),
    registerSchemesAsPrivileged: () => undefined,
  },
}));

const { serveRendererFolder } = await import('../../main/electron/app-protocol');
const { APP_PROTOCOL, buildCsp } = await import('../../main/electron/policy');

const dir = mkdtempSync(path.join(tmpdir(), 'pkce-app-protocol-'));
writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
mkdirSync(path.join(dir, 'unreadable.js')); // a folder where a file is expected: readFile fails
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('app:// protocol handler', () => {
  serveRendererFolder(dir);
  const handler = handlers.get(APP_PROTOCOL);
  const base = `${APP_PROTOCOL}://pkce-pilot`;

  it.each([
    ['a file', 'GET', '/index.html', 200],
    ['a missing file', 'GET', '/nope.js', 404],
    ['a path escaping the folder', 'GET', '/..%2f..%2fetc%2fpasswd', 404],
    ['a file that cannot be read', 'GET', '/unreadable.js', 404],
    ['a POST', 'POST', '/index.html', 405],
  ])('sends the CSP with %s', async (_name, method, pathname, status) => {
    expect(handler).toBeDefined();
    const res = await (handler as (r: Request) => Promise<Response>)(
      new Request(`${base}${pathname}`, { method }),
    );
    expect(res.status).toBe(status);
    expect(res.headers.get('content-security-policy')).toBe(buildCsp());
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });
});
