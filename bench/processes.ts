/**
 * Times child Node processes from spawn to exit with process.hrtime — the bench's stand-in for
 * hyperfine. Runs are sequential; output is collected (the commands print) but never logged here.
 */
import { spawn } from 'node:child_process';
import { msSince } from './timing';

export interface TimedRun {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ProcessSpec {
  /** Arguments after the node executable (script and its args). Never a secret. */
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/**
 * Spawns `node <args>` and resolves when it has exited and its output is drained. When `onFirstLine` is
 * given it is called with the first stdout line (e.g. `login --no-open`'s authorization URL) while the
 * clock runs, and the run fails if it throws.
 */
export function timeNodeProcess(
  spec: ProcessSpec,
  onFirstLine?: (line: string) => Promise<void>,
): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, [...spec.args], {
      env: { ...process.env, ...spec.env },
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let lineSeen = false;
    let driverError: unknown;
    let driving: Promise<void> = Promise.resolve();
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const nl = stdout.indexOf('\n');
      if (onFirstLine && !lineSeen && nl >= 0) {
        lineSeen = true;
        driving = onFirstLine(stdout.slice(0, nl).trim()).catch((e: unknown) => {
          driverError = e;
          child.kill('SIGTERM');
        });
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = msSince(start);
      void driving.then(() => {
        if (driverError) reject(driverError instanceof Error ? driverError : new Error(String(driverError)));
        else resolve({ ms, code, stdout, stderr });
      });
    });
  });
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
