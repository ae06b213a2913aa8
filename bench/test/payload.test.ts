import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { firstLoadAssets, gzipSize, measureRendererPayload } from '../payload';

const VITE_INDEX = `<!doctype html><html><head>
<script type="module" crossorigin src="./assets/index-AbC.js"></script>
<link rel="modulepreload" crossorigin href="/assets/vendor-X1.js">
<link rel="stylesheet" crossorigin href="./assets/index-Q.css">
<link rel="icon" href="./favicon.svg">
<link rel="stylesheet" href="https://fonts.example.com/a.css">
<script src="data:text/javascript,0"></script>
</head><body><div id="root"></div></body></html>`;

describe('firstLoadAssets', () => {
  it('lists the module script, modulepreloads and stylesheets, not icons or remote/data URLs', () => {
    expect(firstLoadAssets(VITE_INDEX)).toEqual([
      'assets/index-AbC.js',
      'assets/vendor-X1.js',
      'assets/index-Q.css',
    ]);
  });
  it('lists a file once even when referenced twice', () => {
    expect(firstLoadAssets('<script src="./a.js"></script><link rel="modulepreload" href="a.js">')).toEqual([
      'a.js',
    ]);
  });
});

describe('measureRendererPayload', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('sums the gzip sizes of what index.html loads, plus fetched JS/CSS the HTML did not name', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bench-payload-'));
    await mkdir(path.join(dir, 'assets'));
    await writeFile(
      path.join(dir, 'index.html'),
      VITE_INDEX.replace(/<link rel="stylesheet" href="https[^>]*>/, ''),
    );
    const js = Buffer.from('export const x = 1;\n'.repeat(500));
    await writeFile(path.join(dir, 'assets/index-AbC.js'), js);
    await writeFile(path.join(dir, 'assets/vendor-X1.js'), 'v');
    await writeFile(path.join(dir, 'assets/index-Q.css'), 'body{margin:0}');
    await writeFile(path.join(dir, 'assets/lazy.js'), 'lazy');
    await writeFile(path.join(dir, 'assets/logo.png'), 'png');

    const payload = await measureRendererPayload(dir, [
      'assets/lazy.js',
      'assets/logo.png',
      'assets/index-AbC.js',
    ]);
    expect(payload.files.map((f) => f.file)).toEqual([
      'assets/index-AbC.js',
      'assets/vendor-X1.js',
      'assets/index-Q.css',
      'assets/lazy.js',
    ]);
    expect(payload.totalBytes).toBe(js.length + 1 + 14 + 4);
    expect(payload.totalGzipBytes).toBe(payload.files.reduce((n, f) => n + f.gzipBytes, 0));
    // Repetitive source compresses well below its raw size.
    expect(payload.files[0]?.gzipBytes ?? Infinity).toBeLessThan(js.length / 10);
  });

  it('fails loudly when a file index.html names is missing', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'bench-payload-'));
    await writeFile(path.join(dir, 'index.html'), '<script type="module" src="./assets/gone.js"></script>');
    await expect(measureRendererPayload(dir)).rejects.toThrow(/ENOENT/);
  });
});

describe('gzipSize', () => {
  it('is the length of a real gzip stream of the content', () => {
    const content = Buffer.from('hello '.repeat(100));
    expect(gzipSize(content)).toBeLessThan(content.length);
    expect(gunzipSync(gzipSync(content, { level: 9 })).equals(content)).toBe(true);
    expect(gzipSize(content)).toBe(gzipSync(content, { level: 9 }).length);
  });
});
