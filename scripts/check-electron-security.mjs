#!/usr/bin/env node
/**
 * Electron security gate: runs electronegativity over main/ and preload/ (or the folders given) and
 * fails on any HIGH or MEDIUM finding that no exception comment excuses. Writes SARIF with each
 * finding's severity and, for excused ones, an in-source suppression with its justification.
 *
 * Usage: node scripts/check-electron-security.mjs [--sarif <file>] [folder…]
 *   default folders: main preload     default SARIF: test-results/electronegativity.sarif
 * Exit: 0 clean, 1 unexcused HIGH/MEDIUM findings, 2 the scan itself failed (e.g. a file did not parse).
 *
 * Exception format — a whole-line `//` comment (never text inside a string or a block comment) on the
 * flagged line or on one of the two lines above it:
 *   // electron-security-exception CHECK_ID: why this is safe (at least three words)
 * Findings without a location (global checks such as CSP_GLOBAL_CHECK) are excused only by a comment
 * that also names the content hash of the code line right below it, which is what makes the check moot:
 *   // electron-security-exception CSP_GLOBAL_CHECK sha256=<first 12 hex of that line, trimmed>: why
 * so the exception is tied to that file and that code: moved, edited or copied next to other code, it
 * no longer counts (the gate prints the hash it expects).
 *
 * Outdated Electron: electronegativity's AvailableSecurityFixesGlobalCheck downloads a release list
 * from GitHub, which is unreachable here, so it is skipped; instead, when the app's own folders are
 * scanned, the installed Electron is compared with the npm registry's release list (supported majors
 * are the latest three; within its major it must have the latest patch). Set
 * PKCE_PILOT_OFFLINE=1 to skip that check explicitly (it then says so); an unreachable registry fails
 * the gate (exit 2) rather than pass silently. Electronegativity's translation download fails fast on
 * a closed network and falls back to English.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

const EXCEPTION =
  /^\s*\/\/\s*electron-security-exception\s+([A-Z0-9_]+)(?:\s+sha256=([0-9a-f]{12}))?\s*:\s*(\S.*)$/;
const GATED = new Set(['HIGH', 'MEDIUM']);
const SKIPPED_CHECKS = ['AvailableSecurityFixesGlobalCheck'];
const CONTEXT_LINES = 2;

function parseArgs(argv) {
  let sarif = path.join(root, 'test-results', 'electronegativity.sarif');
  const folders = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--sarif') sarif = path.resolve(argv[++i] ?? '');
    else folders.push(path.resolve(argv[i]));
  }
  return {
    sarif,
    isApp: folders.length === 0,
    folders: folders.length > 0 ? folders : [path.join(root, 'main'), path.join(root, 'preload')],
  };
}

/** electronegativity takes one input folder: copy the scanned folders side by side (sources only). */
function stageSources(folders) {
  const stage = mkdtempSync(path.join(os.tmpdir(), 'pkce-pilot-eneg-'));
  for (const folder of folders) {
    if (!existsSync(folder)) throw new Error(`No such folder: ${folder}`);
    cpSync(folder, path.join(stage, path.basename(folder)), {
      recursive: true,
      filter: (src) => !src.split(path.sep).includes('node_modules'),
    });
  }
  return stage;
}

/** Exceptions by file (relative to the stage): line number → { checkId, reason }. */
function readExceptions(stage, files) {
  const byFile = new Map();
  for (const file of files) {
    const lines = readFileSync(path.join(stage, file), 'utf8').split('\n');
    const found = [];
    lines.forEach((line, index) => {
      const m = EXCEPTION.exec(line);
      if (!m) return;
      const next = (lines[index + 1] ?? '').trim();
      const isCode = next !== '' && !/^(\/\/|\/\*|\*)/.test(next);
      found.push({
        line: index + 1,
        checkId: m[1],
        claimedHash: m[2],
        codeHash: isCode ? contentHash(next) : undefined,
        reason: m[3].trim(),
      });
    });
    if (found.length > 0) byFile.set(file, found);
  }
  return byFile;
}

function contentHash(codeLine) {
  return createHash('sha256').update(codeLine.trim()).digest('hex').slice(0, 12);
}

function exceptionFor(issue, exceptions) {
  const valid = (e) => e.checkId === issue.id && e.reason.split(/\s+/).length >= 3;
  if (issue.file === 'N/A' || !issue.location?.line) {
    // Global: only an exception bound to the code below it by its content hash.
    for (const [file, list] of exceptions) {
      const hit = list.find((e) => valid(e) && e.codeHash !== undefined && e.claimedHash === e.codeHash);
      if (hit) return { ...hit, file };
      const unbound = list.find((e) => valid(e) && e.claimedHash !== e.codeHash);
      if (unbound)
        console.log(
          `electron-security: ${file}:${unbound.line}: the ${issue.id} exception does not count — it must name ` +
            (unbound.codeHash
              ? `sha256=${unbound.codeHash} (the code line below it)`
              : 'the code line right below it'),
        );
    }
    return undefined;
  }
  const list = exceptions.get(issue.file) ?? [];
  const line = issue.location.line;
  const hit = list.find((e) => valid(e) && e.line <= line && e.line >= line - CONTEXT_LINES);
  return hit ? { ...hit, file: issue.file } : undefined;
}

function toSarif(version, results) {
  const rules = [...new Map(results.map((r) => [r.issue.id, r.issue])).values()].map((issue) => ({
    id: issue.id,
    fullDescription: { text: issue.description },
    helpUri: `https://github.com/doyensec/electronegativity/wiki/${issue.id}`,
  }));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'Electronegativity',
            version,
            informationUri: 'https://github.com/doyensec/electronegativity',
            rules,
          },
        },
        results: results.map(({ issue, gated, exception }) => ({
          ruleId: issue.id,
          level: gated ? 'error' : issue.manualReview ? 'note' : 'warning',
          message: { text: issue.description },
          properties: {
            severity: issue.severity.name,
            confidence: issue.confidence.name,
            manualReview: issue.manualReview,
          },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: issue.file === 'N/A' ? '.' : issue.file.split(path.sep).join('/') },
                region: {
                  startLine: Math.max(1, issue.location?.line ?? 1),
                  startColumn: (issue.location?.column ?? 0) + 1,
                },
              },
            },
          ],
          ...(exception
            ? {
                suppressions: [
                  {
                    kind: 'inSource',
                    justification: `${exception.file}:${exception.line}: ${exception.reason}`,
                  },
                ],
              }
            : {}),
        })),
      },
    ],
  };
}

/**
 * The installed Electron against the npm registry's releases: a supported major (latest three) with
 * the latest patch of that major. Returns a list of problems; throws when the registry is unreachable.
 */
function outdatedElectron(installed) {
  const out = execFileSync('npm', ['view', 'electron', 'versions', '--json'], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stable = JSON.parse(out).filter((v) => /^\d+\.\d+\.\d+$/.test(v));
  const parts = (v) => v.split('.').map(Number);
  const newer = (a, b) => {
    const [x, y] = [parts(a), parts(b)];
    for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
    return false;
  };
  const latestMajor = Math.max(...stable.map((v) => parts(v)[0]));
  const [major] = parts(installed);
  const problems = [];
  if (major < latestMajor - 2)
    problems.push(
      `Electron ${installed} is no longer supported (supported majors: ${latestMajor - 2}–${latestMajor})`,
    );
  const sameMajor = stable.filter((v) => parts(v)[0] === major);
  const newest = sameMajor.reduce((a, b) => (newer(b, a) ? b : a), installed);
  if (newer(newest, installed))
    problems.push(`Electron ${installed} lacks the security fixes of ${newest}: upgrade to ${newest}`);
  return problems;
}

async function main() {
  const { sarif, folders, isApp } = parseArgs(process.argv.slice(2));
  const run = require('@doyensec/electronegativity');
  const { version } = require('@doyensec/electronegativity/package.json');
  const electronVersion = require('electron/package.json').version;
  const stage = stageSources(folders);
  try {
    const report = await run({
      input: stage,
      isSarif: false,
      customScan: [],
      excludeFromScan: SKIPPED_CHECKS,
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    });
    if (report.errors.length > 0) {
      for (const e of report.errors)
        console.error(
          `electron-security: could not scan ${e.file}: ${e.message ?? e.error ?? 'parse error'}`,
        );
      console.error('electron-security: FAILED — files that cannot be parsed are not checked.');
      return 2;
    }
    const files = [...new Set(report.issues.map((i) => i.file).filter((f) => f !== 'N/A'))];
    const scanned = files.concat(listSources(stage));
    const exceptions = readExceptions(stage, [...new Set(scanned)]);
    const results = report.issues.map((issue) => {
      const exception = GATED.has(issue.severity.name) ? exceptionFor(issue, exceptions) : undefined;
      return { issue, exception, gated: GATED.has(issue.severity.name) && !exception };
    });
    mkdirSync(path.dirname(sarif), { recursive: true });
    writeFileSync(sarif, JSON.stringify(toSarif(version, results), null, 2));

    for (const { issue, gated, exception } of results) {
      if (!GATED.has(issue.severity.name)) continue;
      const where = issue.file === 'N/A' ? '(global)' : `${issue.file}:${issue.location.line}`;
      const status = gated ? 'FAIL' : `excused (${exception.file}:${exception.line}: ${exception.reason})`;
      console.log(`${issue.severity.name.padEnd(6)} ${issue.id} ${where} — ${status}`);
    }
    let outdated = [];
    if (isApp) {
      if (process.env['PKCE_PILOT_OFFLINE'] === '1') {
        console.log('electron-security: outdated-Electron check SKIPPED (PKCE_PILOT_OFFLINE=1)');
      } else {
        try {
          outdated = outdatedElectron(electronVersion);
        } catch (e) {
          console.error(
            `electron-security: could not read Electron's releases from the npm registry (${e instanceof Error ? e.message.split('\n')[0] : String(e)}); set PKCE_PILOT_OFFLINE=1 to skip this check on purpose.`,
          );
          return 2;
        }
        for (const p of outdated) console.log(`HIGH   OUTDATED_ELECTRON (global) — FAIL: ${p}`);
        if (outdated.length === 0) console.log(`electron-security: Electron ${electronVersion} is current`);
      }
    }
    const failing = results.filter((r) => r.gated).length + outdated.length;
    const lower = results.filter((r) => !GATED.has(r.issue.severity.name)).length;
    console.log(
      `electron-security: ${failing === 0 ? 'OK' : 'FAILED'} — ${failing} unexcused HIGH/MEDIUM finding(s), ` +
        `${results.length - failing - lower} excused, ${lower} LOW/informational (see ${path.relative(process.cwd(), sarif)})`,
    );
    return failing === 0 ? 0 : 1;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

function listSources(dir, prefix = '') {
  const out = [];
  for (const entry of readdirSyncSafe(path.join(dir, prefix))) {
    const rel = path.join(prefix, entry.name);
    if (entry.isDirectory()) out.push(...listSources(dir, rel));
    else if (/\.(ts|tsx|js|mjs|cjs|html)$/.test(entry.name)) out.push(rel);
  }
  return out;
}

function readdirSyncSafe(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`electron-security: the scan failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(2);
  },
);
