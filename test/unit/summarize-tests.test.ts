/**
 * The closing line CI reads: scripts/summarize-tests.mjs sums every suite's result file, and counts the
 * clone-alone run (the unit suite from a copy with nothing beside it) when CI asks for it.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = path.resolve(__dirname, '../../scripts/summarize-tests.mjs');

function summarize(files: Record<string, unknown>, args: string[] = []): { code: number; last: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'pkce-summary-'));
  mkdirSync(path.join(dir, 'test-results'));
  for (const [name, body] of Object.entries(files))
    writeFileSync(path.join(dir, 'test-results', name), JSON.stringify(body));
  let out: string;
  let code = 0;
  try {
    out = execFileSync(process.execPath, [SCRIPT, ...args], { cwd: dir, encoding: 'utf8' });
  } catch (e) {
    const err = e as { status: number; stdout: string };
    code = err.status;
    out = err.stdout;
  }
  return { code, last: out.trim().split('\n').at(-1) ?? '' };
}

const vitest = (passed: number, failed: number) => ({
  numPassedTests: passed,
  numFailedTests: failed,
  numPendingTests: 0,
  success: failed === 0,
});
const base = {
  'static-checks.json': { passed: 3, failed: 0 },
  'vitest.json': vitest(10, 0),
  'playwright.json': { stats: { expected: 5, flaky: 0, unexpected: 0, skipped: 1 }, errors: [] },
};

describe('summarize-tests', () => {
  it('sums the suites of npm test', () => {
    expect(summarize(base)).toEqual({ code: 0, last: '18 passed, 0 failed, 1 skipped' });
  });

  it('counts the clone-alone run only when asked, and its failures fail the run', () => {
    const files = { ...base, 'clone-alone.json': vitest(7, 1) };
    expect(summarize(files).last).toBe('18 passed, 0 failed, 1 skipped');
    expect(summarize(files, ['--with', 'clone-alone'])).toEqual({
      code: 1,
      last: '25 passed, 1 failed, 1 skipped',
    });
  });

  it('counts a clone-alone run that left no result as a failure', () => {
    expect(summarize(base, ['--with', 'clone-alone'])).toEqual({
      code: 1,
      last: '18 passed, 1 failed, 1 skipped',
    });
  });
});
