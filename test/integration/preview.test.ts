/**
 * `npm run preview` (scripts/preview.ts): the built renderer and the real core on 127.0.0.1 behind a
 * random one-time token and a Host check, printing the URL alone on stdout, honouring PKCE_PILOT_HOME —
 * and never part of the packaged app. Needs the renderer built (`npx electron-vite build`; npm test builds first).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../main/cli/run';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP request (fetch cannot send another Host header). */
function get(
  url: string,
  headers: Record<string, string> = {},
  method = 'GET',
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

let home: string;
let child: ReturnType<typeof spawn>;
const output = { stdout: '', stderr: '' };
let exited: Promise<number | null>;
let url: URL;

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'pkce-preview-'));
  // An org added by the CLI in the same data folder: the preview must show it.
  const io = { out: () => undefined, err: () => undefined, env: { PKCE_PILOT_HOME: home } };
  expect(
    await runCli(['org', 'add', 'acme', '--login-url', 'production', '--client-id', '3MVG9preview'], io),
  ).toBe(0);
  child = spawn(TSX, [path.join(ROOT, 'scripts/preview.ts'), '--no-open'], {
    env: { ...process.env, PKCE_PILOT_HOME: home },
    stdio: 'pipe',
  });
  child.stdout?.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output.stderr += d.toString()));
  exited = new Promise((resolve) => child.on('close', resolve));
  const deadline = Date.now() + 25_000;
  while (!output.stdout.includes('\n') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  url = new URL(output.stdout.trim());
}, 30_000);

afterAll(async () => {
  child?.kill('SIGTERM');
  await exited;
  rmSync(home, { recursive: true, force: true });
});

describe('npm run preview', () => {
  it('prints only the URL on stdout: loopback, a random port, a long random token; says it is a contributor preview', () => {
    expect(output.stdout).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}\n$/);
    expect(Number(url.port)).toBeGreaterThan(1023);
    expect(output.stderr).toContain('contributor preview');
    expect(output.stderr).toMatch(/Not the product/);
    expect(output.stderr).toContain(`Data folder: ${home}`);
  });

  it('refuses requests without the token, with a wrong token and with a wrong Host', async () => {
    const base = `${url.origin}/`;
    expect((await get(base)).status).toBe(403);
    expect((await get(`${base}?token=${'A'.repeat(32)}`)).status).toBe(403);
    expect((await get(`${base}__bridge/events`)).status).toBe(403);
    expect(
      (await get(`${base}__bridge/orgs.list`, { 'content-type': 'application/json' }, 'POST', '{}')).status,
    ).toBe(403);
    // DNS rebinding: the right token but another site's Host.
    const rebound = await get(url.href, { host: `evil.example:${url.port}` });
    expect(rebound.status).toBe(421);
  });

  it('serves the app and the real core once opened with the token, which then cannot be used again', async () => {
    const opened = await get(url.href);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const setCookie = String(opened.headers['set-cookie'] ?? '');
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await get(`${url.origin}/`, { cookie });
    expect(page.status).toBe(200);
    // The bridge is inlined and allowed by its hash alone: the CSP never gains 'unsafe-inline'.
    expect(page.body).toMatch(/script-src 'self' 'sha256-[A-Za-z0-9+/]+={0,2}'/);
    expect(page.body).not.toContain('unsafe-inline');
    expect(page.body).toContain('window.pkcePilot = Object.freeze(api);');
    const orgs = await get(
      `${url.origin}/__bridge/orgs.list`,
      { cookie, 'content-type': 'application/json' },
      'POST',
      '{}',
    );
    // The org the CLI added in PKCE_PILOT_HOME: the preview runs on the same data folder.
    expect(JSON.parse(orgs.body)).toMatchObject({ ok: true, value: { orgs: [{ alias: 'acme' }] } });
    expect((await get(url.href)).status).toBe(403);
    expect((await get(`${url.origin}/`, { cookie: 'pkce_pilot_preview=guess' })).status).toBe(403);
  });

  it('is never part of the packaged app', () => {
    const builder = readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8');
    const files = /\nfiles:\n((?:\s+- .*\n)+)/.exec(builder)?.[1] ?? '';
    const included = files
      .split('\n')
      .map((l) => l.trim().replace(/^- /, '').replace(/'/g, ''))
      .filter((l) => l && !l.startsWith('!'));
    expect(included).toEqual(['out/**', 'package.json']);
    // Nothing electron-vite builds into out/ contains the bridge (its session cookie name is unique to it).
    const outMain = path.join(ROOT, 'out/main');
    expect(existsSync(outMain)).toBe(true);
    for (const f of readdirSync(outMain).filter((n) => n.endsWith('.js')))
      expect(readFileSync(path.join(outMain, f), 'utf8'), f).not.toContain('pkce_pilot_preview');
  });

  it('stops on SIGTERM', async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
