/**
 * Times child Node processes from spawn to exit with process.hrtime — the bench's stand-in for
 * hyperfine. Runs are sequential; output is collected (the commands print) but never logged here.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { msSince } from './timing';

export interface TimedRun {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** ms from spawn until stderr first contained `spec.stderrMark` (undefined when it never did). */
  readonly markMs?: number;
  /** Peak resident set size of the child in KiB, when `spec.measureRss` was set. */
  readonly peakRssKiB?: number;
  /** CPU time (user + system) the child used, in ms, when `spec.measureRss` was set. */
  readonly cpuMs?: number;
}

export interface ProcessSpec {
  /** Arguments after the node executable (script and its args). Never a secret. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Text whose first appearance on stderr is timed (e.g. the CLI's "Signed in" result line). */
  readonly stderrMark?: string;
  /** Report the child's own peak RSS and CPU time (bench/peak-rss.cjs writes them at exit). */
  readonly measureRss?: boolean;
}

const RSS_PRELOAD = path.join(__dirname, 'peak-rss.cjs');

/**
 * Spawns `node <args>` and resolves when it has exited and its output is drained. When `onFirstLine` is
 * given it is called with the first stdout line (e.g. `login --no-open`'s authorization URL) while the
 * clock runs, and the run fails if it throws.
 */
export async function timeNodeProcess(
  spec: ProcessSpec,
  onFirstLine?: (line: string) => Promise<void>,
): Promise<TimedRun> {
  const rssFile = spec.measureRss
    ? path.join(os.tmpdir(), `pkce-pilot-bench-rss-${process.pid}-${Date.now()}-${Math.random()}`)
    : undefined;
  const args = rssFile ? ['--require', RSS_PRELOAD, ...spec.args] : [...spec.args];
  const env = rssFile
    ? { ...process.env, ...spec.env, BENCH_PEAK_RSS_FILE: rssFile }
    : { ...process.env, ...spec.env };
  const timed = new Promise<TimedRun>((resolve, reject) => {
    const start = process.hrtime.bigint();
    let markMs: number | undefined;
    const child = spawn(process.execPath, args, {
      env,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Output is kept as chunks and joined once: a growing string searched on every chunk made this
    // process, not the timed one, the slow end of a large output (verify --all --json: ~1.5 MB).
    const stdoutChunks: Buffer[] = [];
    let stderr = '';
    let lineSeen = !onFirstLine;
    let firstLine = '';
    let driverError: unknown;
    let driving: Promise<void> = Promise.resolve();
    child.stdout.on('data', (d: Buffer) => {
      stdoutChunks.push(d);
      if (lineSeen || !onFirstLine) return;
      firstLine += d.toString();
      const nl = firstLine.indexOf('\n');
      if (nl < 0) return;
      lineSeen = true;
      driving = onFirstLine(firstLine.slice(0, nl).trim()).catch((e: unknown) => {
        driverError = e;
        child.kill('SIGTERM');
      });
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (spec.stderrMark && markMs === undefined && stderr.includes(spec.stderrMark))
        markMs = msSince(start);
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = msSince(start);
      const stdout = Buffer.concat(stdoutChunks).toString();
      void driving.then(() => {
        if (driverError) reject(driverError instanceof Error ? driverError : new Error(String(driverError)));
        else resolve({ ms, code, stdout, stderr, ...(markMs !== undefined ? { markMs } : {}) });
      });
    });
  });
  if (!rssFile) return timed;
  try {
    const run = await timed;
    const usage = JSON.parse(await readFile(rssFile, 'utf8').catch(() => '{}')) as {
      maxRssKiB?: number;
      cpuMs?: number;
    };
    return usage.maxRssKiB === undefined || usage.cpuMs === undefined
      ? run
      : { ...run, peakRssKiB: usage.maxRssKiB, cpuMs: usage.cpuMs };
  } finally {
    await rm(rssFile, { force: true });
  }
}

/** Like timeNodeProcess, but a non-zero exit is an error naming the command (output tail included). */
export async function timeNodeProcessOk(
  spec: ProcessSpec,
  onFirstLine?: (line: string) => Promise<void>,
  okCodes: readonly number[] = [0],
): Promise<TimedRun> {
  const run = await timeNodeProcess(spec, onFirstLine);
  if (run.code === null || !okCodes.includes(run.code)) {
    throw new Error(`\`node ${spec.args.join(' ')}\` exited with ${run.code}: ${run.stderr.slice(-500)}`);
  }
  return run;
}
