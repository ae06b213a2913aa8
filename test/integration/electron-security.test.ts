/**
 * The electronegativity gate (scripts/check-electron-security.mjs), run for real: over the app's
 * own main/ and preload/, and over small fixtures proving it fails on unsafe code and honours only
 * well-formed exception comments.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/check-electron-security.mjs');

interface GateRun {
  code: number;
  output: string;
  sarif: { runs: { results: { ruleId: string; level: string; suppressions?: unknown[] }[] }[] };
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'pkce-eneg-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function gate(name: string, folders: string[]): Promise<GateRun> {
  const sarifPath = path.join(tmp, `${name}.sarif`);
  let code = 0;
  let output = '';
  try {
    const r = await run(process.execPath, [script, '--sarif', sarifPath, ...folders], {
      cwd: root,
      timeout: 60_000,
    });
    output = r.stdout + r.stderr;
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    code = typeof err.code === 'number' ? err.code : -1;
    output = (err.stdout ?? '') + (err.stderr ?? '');
  }
  const sarif = JSON.parse(
    await readFile(sarifPath, 'utf8').catch(() => '{"runs":[{"results":[]}]}'),
  ) as GateRun['sarif'];
  return { code, output, sarif };
}

async function fixture(name: string, files: Record<string, string>): Promise<string> {
  const dir = path.join(tmp, name, 'src');
  await mkdir(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(dir, file), text);
  return dir;
}

/** A global exception is bound to the code line below it by that line's content hash. */
function cspExcuse(nextLine: string): string {
  const hash = createHash('sha256').update(nextLine.trim()).digest('hex').slice(0, 12);
  return `// electron-security-exception CSP_GLOBAL_CHECK sha256=${hash}: fixture sets its CSP elsewhere entirely\n`;
}

describe('check-electron-security', () => {
  it('passes on the app’s main/ and preload/', async () => {
    const result = await gate('app', []);
    expect(result.output).toContain('electron-security: OK');
    expect(result.code).toBe(0);
  }, 60_000);

  it('fails on an unsafe BrowserWindow and writes the findings as SARIF errors', async () => {
    const dir = await fixture('unsafe', {
      'window.ts':
        cspExcuse("import { BrowserWindow } from 'electron';") +
        "import { BrowserWindow } from 'electron';\n" +
        'export const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n',
    });
    const result = await gate('unsafe', [dir]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/HIGH\s+CONTEXT_ISOLATION_JS_CHECK src\/window\.ts:3 — FAIL/);
    const errors = (result.sarif.runs[0]?.results ?? [])
      .filter((r) => r.level === 'error')
      .map((r) => r.ruleId);
    expect(errors).toEqual(
      expect.arrayContaining([
        'CONTEXT_ISOLATION_JS_CHECK',
        'SANDBOX_JS_CHECK',
        'LIMIT_NAVIGATION_GLOBAL_CHECK',
      ]),
    );
  }, 60_000);

  it('accepts an exception comment with a reason right above the finding, and nothing vaguer or farther', async () => {
    const call = 'shell.openExternal(url);\n';
    const dir = await fixture('exceptions', {
      'excused.ts':
        cspExcuse("import { shell } from 'electron';") +
        "import { shell } from 'electron';\nexport function a(url: string) {\n  // electron-security-exception OPEN_EXTERNAL_JS_CHECK: url checked against the allow-list\n  " +
        call +
        '}\n',
      'no-reason.ts':
        "import { shell } from 'electron';\nexport function b(url: string) {\n  // electron-security-exception OPEN_EXTERNAL_JS_CHECK: fine\n  " +
        call +
        '}\n',
      'too-far.ts':
        "import { shell } from 'electron';\n// electron-security-exception OPEN_EXTERNAL_JS_CHECK: url checked against the allow-list\n\n\n\nexport function c(url: string) {\n  " +
        call +
        '}\n',
      'wrong-check.ts':
        "import { shell } from 'electron';\nexport function d(url: string) {\n  // electron-security-exception SANDBOX_JS_CHECK: url checked against the allow-list\n  " +
        call +
        '}\n',
    });
    const result = await gate('exceptions', [dir]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/OPEN_EXTERNAL_JS_CHECK src\/excused\.ts:5 — excused/);
    for (const file of ['no-reason', 'too-far', 'wrong-check']) {
      expect(result.output).toMatch(new RegExp(`OPEN_EXTERNAL_JS_CHECK src/${file}\\.ts:\\d+ — FAIL`));
    }
    const suppressed = (result.sarif.runs[0]?.results ?? []).filter((r) => r.suppressions);
    expect(suppressed.map((r) => r.ruleId).sort()).toEqual(['CSP_GLOBAL_CHECK', 'OPEN_EXTERNAL_JS_CHECK']);
  }, 60_000);

  it('refuses to pass when a file cannot be parsed', async () => {
    const dir = await fixture('broken', {
      'broken.ts': cspExcuse('export const = ;') + 'export const = ;\n',
    });
    const result = await gate('broken', [dir]);
    expect(result.code).toBe(2);
    expect(result.output).toContain('could not scan');
  }, 60_000);

  it('does not let a global exception float: no hash, a stale hash, or one inside a string or block comment', async () => {
    const code = "import { app } from 'electron';";
    const dir = await fixture('floating', {
      'no-hash.ts':
        '// electron-security-exception CSP_GLOBAL_CHECK: fixture sets its CSP elsewhere entirely\n' +
        code +
        '\n',
      'stale.ts':
        '// electron-security-exception CSP_GLOBAL_CHECK sha256=000000000000: fixture sets its CSP elsewhere entirely\n' +
        code +
        '\n',
      'in-string.ts': `${code}\nexport const s = '// electron-security-exception CSP_GLOBAL_CHECK: fixture sets its CSP elsewhere entirely';\n`,
      'in-block.ts': `/*\n${cspExcuse(code).trim()}\n*/\n${code}\n`,
    });
    const result = await gate('floating', [dir]);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(
      /HIGH\s+CSP_GLOBAL_CHECK \(global\) — FAIL|CSP_GLOBAL_CHECK \(global\) — FAIL/,
    );
    expect(result.output).toContain('does not count');
  }, 60_000);
});
