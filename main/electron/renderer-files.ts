/**
 * Maps an app-protocol request URL to a file inside the built renderer folder. Pure (node:path
 * only) so the traversal rules are unit-tested without Electron.
 */
import path from 'node:path';
import { APP_HOST, APP_PROTOCOL } from './policy';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Absolute path of the file `requestUrl` names under `rootDir`, or undefined when the request is
 * not for the app's host, is malformed, or would escape `rootDir` (`..`, encoded `%2e%2e`,
 * backslashes, NUL bytes, absolute paths). `/` serves index.html.
 */
export function resolveRendererFile(rootDir: string, requestUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return undefined;
  }
  if (url.protocol !== `${APP_PROTOCOL}:` || url.host !== APP_HOST) return undefined;

  let relative: string;
  try {
    relative = decodeURIComponent(url.pathname);
  } catch {
    return undefined; // malformed percent-encoding
  }
  // Backslashes would be separators on Windows; NUL truncates paths in native code.
  if (relative.includes('\\') || relative.includes('\0')) return undefined;
  const segments = relative.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  if (segments.length === 0) segments.push('index.html');

  const root = path.resolve(rootDir);
  const resolved = path.resolve(root, ...segments);
  // Defence in depth: whatever the checks above missed, the result must stay under root.
  if (!resolved.startsWith(root + path.sep)) return undefined;
  return resolved;
}

/** Content-Type for a served file; unknown extensions are sent as opaque bytes. */
export function contentTypeFor(filePath: string): string {
  return CONTENT_TYPES[path.extname(filePath).toLowerCase()] ?? 'application/octet-stream';
}
