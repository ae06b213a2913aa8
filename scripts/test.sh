#!/usr/bin/env bash
# `npm test`: build, static checks, then every suite (vitest: unit + integration + fuzz + faults;
# Playwright: cli, web, electron projects) against real parts. Suites all run even when one fails, so
# the closing summary counts everything; the exit code is non-zero if anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-results
rm -f test-results/*.json
status=0
step() { echo; echo "== $*"; }

step "build"
npx electron-vite build >test-results/build.log 2>&1 || { cat test-results/build.log; echo "build failed"; status=1; }

step "typecheck + lint + format"
npx tsc --noEmit -p . || status=1
npx eslint --max-warnings=0 . || status=1
npx prettier --check --log-level warn . || status=1

step "vitest (unit, integration, fuzz, faults)"
scripts/with-keyring.sh npx vitest run --reporter=default --reporter=json --outputFile.json=test-results/vitest.json || status=1

step "playwright (cli, web, electron)"
scripts/with-keyring.sh npx playwright test || status=1

step "summary"
node scripts/summarize-tests.mjs || status=1
exit $status
