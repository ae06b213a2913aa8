import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveRendererFile } from '../../main/electron/renderer-files';

const root = path.resolve('/srv/app/out/renderer');

describe('resolveRendererFile', () => {
  it('serves index.html for the root and maps paths under the renderer folder', () => {
    expect(resolveRendererFile(root, 'app://pkce-pilot/')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://pkce-pilot/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveRendererFile(root, 'app://pkce-pilot/assets/index-abc.js?v=1#x')).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
    expect(resolveRendererFile(root, 'app://pkce-pilot/assets/my%20font.woff2')).toBe(
      path.join(root, 'assets', 'my font.woff2'),
    );
  });

  it('keeps dot-dot segments (plain or %2e-encoded) clamped inside the root, as URL parsing does', () => {
    expect(resolveRendererFile(root, 'app://pkce-pilot/../../etc/passwd')).toBe(
      path.join(root, 'etc', 'passwd'),
    );
    expect(resolveRendererFile(root, 'app://pkce-pilot/%2e%2e/%2E%2e/etc/passwd')).toBe(
      path.join(root, 'etc', 'passwd'),
    );
  });

  it.each([
    ['encoded slash dot-dot', 'app://pkce-pilot/assets%2f..%2f..%2fsecret'],
    ['backslash', 'app://pkce-pilot/..%5c..%5csecret'],
    ['NUL byte', 'app://pkce-pilot/index.html%00.png'],
    ['bad percent-encoding', 'app://pkce-pilot/%E0%A4%A'],
    ['other host', 'app://evil/index.html'],
    ['other scheme', 'file:///srv/app/out/renderer/index.html'],
    ['not a URL', '::::'],
  ])('refuses %s', (_label, url) => {
    expect(resolveRendererFile(root, url)).toBeUndefined();
  });

  it('never resolves outside the root, whatever the path', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.constantFrom('..', '.', '%2e%2e', '%2E.', 'a', 'assets', '%2f', '%5c', '', '%00', 'x.js'),
          {
            maxLength: 8,
          },
        ),
        (parts) => {
          const resolved = resolveRendererFile(root, `app://pkce-pilot/${parts.join('/')}`);
          if (resolved !== undefined) expect(resolved.startsWith(root + path.sep)).toBe(true);
        },
      ),
    );
  });
});

describe('contentTypeFor', () => {
  it('names the types the renderer build produces', () => {
    expect(contentTypeFor('/x/index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('/x/a.JS')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('/x/a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('/x/a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('/x/a.unknown')).toBe('application/octet-stream');
  });
});
