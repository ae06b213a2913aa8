/**
 * Renderer payload on first load: the JS and CSS that index.html pulls in (module script, stylesheets,
 * modulepreloads), each gzipped at level 9 as a static host would precompress them. Lazy chunks are not
 * first-load bytes and are left out; the Chromium run reports which assets it actually fetched so the
 * two lists can be compared.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync, constants } from 'node:zlib';

export interface PayloadFile {
  /** Path relative to the renderer folder, e.g. "assets/index-abc.js". */
  readonly file: string;
  readonly bytes: number;
  readonly gzipBytes: number;
}

export interface Payload {
  readonly files: readonly PayloadFile[];
  readonly totalGzipBytes: number;
  readonly totalBytes: number;
}

const ATTR = (name: string) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i');

/** Local JS/CSS URLs that index.html loads on its own: <script src>, <link rel=stylesheet|modulepreload href>. */
export function firstLoadAssets(indexHtml: string): string[] {
  const found: string[] = [];
  for (const tag of indexHtml.match(/<(script|link)\b[^>]*>/gi) ?? []) {
    const isScript = /^<script/i.test(tag);
    const rel = ATTR('rel').exec(tag)?.[1]?.toLowerCase() ?? '';
    const url = isScript
      ? ATTR('src').exec(tag)?.[1]
      : /\b(stylesheet|modulepreload)\b/.test(rel)
        ? ATTR('href').exec(tag)?.[1]
        : undefined;
    if (!url || /^[a-z]+:|^\/\//i.test(url)) continue; // remote or data: URLs are not part of the bundle
    const normalized = path.posix.normalize(url.replace(/^\.?\//, ''));
    if (!found.includes(normalized)) found.push(normalized);
  }
  return found;
}

export function gzipSize(content: Buffer): number {
  return gzipSync(content, { level: constants.Z_BEST_COMPRESSION }).length;
}

/** Sizes of the given files (relative to rendererDir). */
export async function measureFiles(rendererDir: string, files: readonly string[]): Promise<Payload> {
  const measured: PayloadFile[] = [];
  for (const file of files) {
    const content = await readFile(path.join(rendererDir, file));
    measured.push({ file, bytes: content.length, gzipBytes: gzipSize(content) });
  }
  return {
    files: measured,
    totalGzipBytes: measured.reduce((n, f) => n + f.gzipBytes, 0),
    totalBytes: measured.reduce((n, f) => n + f.bytes, 0),
  };
}

/** The first-load payload of a built renderer folder, plus any extra files the browser was seen fetching. */
export async function measureRendererPayload(
  rendererDir: string,
  alsoFetched: readonly string[] = [],
): Promise<Payload> {
  const html = await readFile(path.join(rendererDir, 'index.html'), 'utf8');
  const files = [...firstLoadAssets(html)];
  for (const f of alsoFetched) if (!files.includes(f) && /\.(m?js|css)$/.test(f)) files.push(f);
  return measureFiles(rendererDir, files);
}
