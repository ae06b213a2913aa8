/**
 * A fresh clone has nothing beside it: no code, test, script, benchmark or build file may name a path
 * outside the repository (the project's own machines keep research notes in a sibling folder; users do
 * not have it). `.ci/run` also runs the suite from a copy with no sibling folder to prove it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');
const SKIP_DIRS = new Set(['node_modules', 'out', 'dist', 'test-results', 'playwright-report', '.git']);
const CODE = /\.(ts|tsx|mts|cts|js|mjs|cjs|json|ya?ml|sh)$/;
// Built from parts so this file does not match itself.
const SIBLING = ['\\.\\.', 'shared'].join('/');
const MACHINE = ['', 'work', ''].join('/');
const OUTSIDE = new RegExp(`['"\`][^'"\`\\n]*(${SIBLING}|${MACHINE})`);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (SKIP_DIRS.has(name)) return [];
    if (statSync(full).isDirectory()) return files(full);
    return CODE.test(name) || name === 'run' ? [full] : [];
  });
}

describe('the repository stands on its own', () => {
  it('no file names a path outside the repository', () => {
    const all = files(ROOT);
    expect(all.length).toBeGreaterThan(100);
    const hits = all.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ line: line.trim(), at: `${path.relative(ROOT, file)}:${i + 1}` }))
        // Comments may mention where facts came from; only code can read a path.
        .filter(({ line }) => !/^(\*|\/\/|\/\*|#)/.test(line) && OUTSIDE.test(line))
        .map(({ at, line }) => `${at}: ${line}`),
    );
    expect(hits).toEqual([]);
  });
});
