#!/usr/bin/env bash
# Proves the repository stands on its own: copies the work tree (the files a clone would hold: tracked
# plus new, never ignored ones) into an empty temporary folder — so nothing sits beside it, no ../shared —
# and runs the unit suite there (the checklist-fidelity test included). The installed node_modules is
# linked in rather than reinstalled, to keep the step to well under a minute. Writes the vitest result
# to test-results/clone-alone.json, which scripts/summarize-tests.mjs counts when asked (--with clone-alone).
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
mkdir -p test-results
rm -f test-results/clone-alone.json
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
copy="$tmp/pkce-pilot"
mkdir "$copy"

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Deleted-but-unstaged files are listed by ls-files yet absent: copy only what exists.
  git ls-files -z --cached --others --exclude-standard |
    xargs -0 -I{} sh -c '[ -e "$1" ] && printf "%s\0" "$1"' sh {} |
    tar --null -T - -cf - | tar -xf - -C "$copy"
else
  tar --exclude=./node_modules --exclude=./out --exclude=./dist --exclude=./test-results -cf - . |
    tar -xf - -C "$copy"
fi
ln -s "$root/node_modules" "$copy/node_modules"

if [ -e "$tmp/shared" ]; then
  echo "clone-alone: $tmp/shared exists; the copy is not alone" >&2
  exit 1
fi

echo "clone-alone: running the unit suite in $copy (no sibling folders)"
(cd "$copy" && npx vitest run test/unit --reporter=dot --reporter=json --outputFile.json=clone-alone.json)
status=$?
if [ -f "$copy/clone-alone.json" ]; then cp "$copy/clone-alone.json" test-results/clone-alone.json; fi
exit $status
