// Prints the one closing line CI reads — "N passed, N failed, N skipped" — summed from the real
// result files of every suite. A missing result file counts as a failure: a suite that did not run
// must never look green. Suites marked `only` are counted when named with --with <name> (CI adds
// `--with clone-alone`, the unit suite run from a copy of the repository with nothing beside it).
import { readFileSync, existsSync } from 'node:fs';

const readVitest = (r) => ({
  passed: r.numPassedTests,
  failed: r.numFailedTests + (r.numRuntimeErrorTests ?? 0),
  skipped: (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0),
  errors: r.success === false && r.numFailedTests === 0 ? 1 : 0,
});
const withSuites = new Set(process.argv.flatMap((a, i, all) => (all[i - 1] === '--with' ? [a] : [])));

const suites = [
  {
    name: 'static checks',
    file: 'test-results/static-checks.json',
    read: (r) => ({
      passed: r.passed,
      failed: r.failed,
      skipped: 0,
      errors: 0,
    }),
  },
  {
    name: 'vitest',
    file: 'test-results/vitest.json',
    read: readVitest,
  },
  {
    name: 'playwright',
    file: 'test-results/playwright.json',
    read: (r) => ({
      passed: r.stats.expected + r.stats.flaky,
      failed: r.stats.unexpected,
      skipped: r.stats.skipped,
      errors: (r.errors ?? []).length,
    }),
  },
  {
    name: 'clone-alone (unit suite in a copy with nothing beside it)',
    only: 'clone-alone',
    file: 'test-results/clone-alone.json',
    read: readVitest,
  },
].filter((s) => !s.only || withSuites.has(s.only));

// Optional: Playwright's electron project when it could not run here (scripts/test.sh writes it).
const notRun = 'test-results/electron-not-run.json';
if (existsSync(notRun)) {
  suites.push({
    name: 'playwright electron project (not run: no Electron binary)',
    file: notRun,
    read: (r) => ({ passed: 0, failed: 0, skipped: r.skipped, errors: 0 }),
  });
}

let passed = 0,
  failed = 0,
  skipped = 0;
for (const s of suites) {
  if (!existsSync(s.file)) {
    console.log(`${s.name}: no results (${s.file} missing) — counted as 1 failure`);
    failed += 1;
    continue;
  }
  const r = s.read(JSON.parse(readFileSync(s.file, 'utf8')));
  console.log(
    `${s.name}: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped${r.errors ? `, ${r.errors} suite error(s)` : ''}`,
  );
  passed += r.passed;
  failed += r.failed + r.errors;
  skipped += r.skipped;
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
