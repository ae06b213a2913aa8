import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** Path of the built CLI entry, as `npx pkce-pilot` runs it (needs `npm run build`). */
export const CLI_BIN = resolve(__dirname, '../../bin/pkce-pilot.js');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunningCli {
  /** Everything printed so far. */
  readonly output: { stdout: string; stderr: string };
  readonly done: Promise<CliRun>;
  /** Resolves with the first complete stdout line (e.g. `login --no-open`'s authorization URL). */
  firstLine(): Promise<string>;
  kill(signal?: NodeJS.Signals): void;
}

/** Starts the real CLI in a child process with the given extra environment. */
export function startCli(args: string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    env: { ...process.env, ...env },
    stdio: 'pipe',
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const done = new Promise<CliRun>((res) => child.on('close', (code) => res({ code, ...output })));
  return {
    output,
    done,
    kill: (signal = 'SIGTERM') => child.kill(signal),
    firstLine: () =>
      new Promise((res, rej) => {
        const check = () => {
          const nl = output.stdout.indexOf('\n');
          if (nl < 0) return false;
          child.stdout.off('data', check);
          res(output.stdout.slice(0, nl).trim());
          return true;
        };
        if (check()) return;
        child.stdout.on('data', check);
        void done.then((r) => rej(new Error(`CLI exited (${r.code}) before printing a line: ${r.stderr}`)));
      }),
  };
}

export function runCliProcess(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return startCli(args, env).done;
}
