/**
 * The "secrets never leak" scanner: looks for every token, refresh token and authorization code a test
 * server issued in everything PKCE Pilot wrote or showed (files, output, reports, IPC answers, the DOM,
 * browser storage, request URLs). A hit never prints the secret itself — only where it was and a short
 * fingerprint — so a failing leak test does not become a leak of its own.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from '@playwright/test';

export interface Haystack {
  /** Where the text came from, e.g. a file path relative to the data folder or "cli:stdout". */
  readonly label: string;
  readonly text: string;
}

export interface LeakHit {
  readonly label: string;
  /** Which encoding of the secret was found (raw, url-encoded, base64…). */
  readonly form: string;
  /** sha256 prefix of the secret: enough to tell secrets apart, useless to an attacker. */
  readonly fingerprint: string;
}

/**
 * Below this length a "secret" could match by chance (and no issued token is this short): such values
 * make a scan meaningless, so they are refused rather than silently skipped.
 */
export const MIN_SECRET_LENGTH = 16;

export function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** The ways a secret may show up once copied somewhere: as is, percent-encoded, or base64-wrapped. */
function encodingsOf(secret: string): { form: string; value: string }[] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  const forms = [
    { form: 'raw', value: secret },
    { form: 'url-encoded', value: encodeURIComponent(secret) },
    { form: 'base64', value: b64 },
    { form: 'base64url', value: Buffer.from(secret, 'utf8').toString('base64url') },
    // base64 without padding, as it appears inside a longer encoded value
    { form: 'base64-unpadded', value: b64.replace(/=+$/, '') },
  ];
  const seen = new Set<string>();
  return forms.filter((f) => (seen.has(f.value) ? false : (seen.add(f.value), true)));
}

/** Every (haystack, secret) pair where the secret, in any of its encodings, occurs in the text. */
export function scanForSecrets(haystacks: readonly Haystack[], secrets: readonly string[]): LeakHit[] {
  const unique = [...new Set(secrets)];
  for (const s of unique) {
    if (s.length < MIN_SECRET_LENGTH)
      throw new Error(
        `leak scan: refusing a ${s.length}-character secret (fingerprint ${fingerprint(s)}); it would match by chance`,
      );
  }
  const needles = unique.flatMap((s) => encodingsOf(s).map((e) => ({ ...e, fingerprint: fingerprint(s) })));
  const hits: LeakHit[] = [];
  for (const h of haystacks) {
    for (const n of needles) {
      if (h.text.includes(n.value)) hits.push({ label: h.label, form: n.form, fingerprint: n.fingerprint });
    }
  }
  return hits;
}

/**
 * Every file under `dir` (recursively, dot files and quarantined "corrupt" copies included) as a
 * haystack labelled with its relative path; file and folder names are haystacks too.
 */
export async function scanFolder(dir: string): Promise<Haystack[]> {
  const out: Haystack[] = [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  for (const entry of entries) {
    const full = path.join(entry.parentPath, entry.name);
    const relative = path.relative(dir, full);
    out.push({ label: `name:${relative}`, text: relative });
    if (!entry.isFile()) continue;
    const bytes = await readFile(full);
    out.push({ label: relative, text: bytes.toString('utf8') });
    // A UTF-16 file would hide an ASCII token from the UTF-8 view.
    if (bytes.includes(0)) out.push({ label: `${relative} (utf16le)`, text: bytes.toString('utf16le') });
  }
  return out;
}

/** Lists the files scanFolder saw (for asserting the scan really covered what the test created). */
export function filesIn(haystacks: readonly Haystack[]): string[] {
  return haystacks
    .filter((h) => !h.label.startsWith('name:') && !h.label.endsWith('(utf16le)'))
    .map((h) => h.label);
}

/** What a test server remembers of each request URL: path and query, one haystack per request. */
export function requestUrlHaystacks(
  serverName: string,
  requests: readonly { method: string; path: string; query: string }[],
): Haystack[] {
  return requests.map((r, i) => ({
    label: `${serverName} request #${i} ${r.method} ${r.path}`,
    text: `${r.path}?${r.query}`,
  }));
}

/** A readable assertion message: where each hit was, never the secret. */
export function describeHits(hits: readonly LeakHit[]): string {
  return hits.map((h) => `${h.label}: secret ${h.fingerprint} (${h.form})`).join('\n');
}

/**
 * The renderer's visible and stored state: the DOM, localStorage, sessionStorage, IndexedDB database
 * names and cookies of the page's context.
 */
export async function pageHaystacks(page: Page, prefix = 'renderer'): Promise<Haystack[]> {
  const storage = await page.evaluate(async () => {
    const dump = (s: Storage) => {
      const o: Record<string, string> = {};
      for (let i = 0; i < s.length; i += 1) {
        const k = s.key(i);
        if (k !== null) o[k] = s.getItem(k) ?? '';
      }
      return JSON.stringify(o);
    };
    const dbs = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
    return {
      local: dump(localStorage),
      session: dump(sessionStorage),
      indexedDb: JSON.stringify(dbs.map((d) => d.name ?? '')),
      documentCookie: document.cookie,
      location: location.href,
    };
  });
  const cookies = await page.context().cookies();
  return [
    { label: `${prefix}:dom`, text: await page.content() },
    { label: `${prefix}:localStorage`, text: storage.local },
    { label: `${prefix}:sessionStorage`, text: storage.session },
    { label: `${prefix}:indexedDB names`, text: storage.indexedDb },
    { label: `${prefix}:document.cookie`, text: storage.documentCookie },
    { label: `${prefix}:cookies`, text: JSON.stringify(cookies) },
    { label: `${prefix}:location`, text: storage.location },
  ];
}
