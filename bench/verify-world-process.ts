/**
 * The verify rows' Salesforce and Okta servers (bench/verify-world.ts) in a process of their own, at the
 * lowest CPU priority. They stand in for Salesforce and Okta, which run on other machines; here they
 * share this machine's cores with the CLI being timed, and serving the 1,400 requests of a 200-org run
 * took ~0.8-1.1 s of CPU (vs ~9 requests for one org), so their load grew with the org count and
 * landed in exactly the ratio the rows judge. At the lowest priority they still answer every request —
 * never sooner than the latency the bench sets, later if the machine is busy. (On Linux a priority is a
 * thread's: it is set on the main thread, where the servers' JavaScript runs, before the world starts.)
 * Forked by startVerifyWorldProcess (below) with an IPC channel; argv: the callback ports, comma-separated.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import { startVerifyWorld, type VerifyWorldControl, type VerifyWorldOptions } from './verify-world';

type Op = 'requestCounts' | 'tokenRequests' | 'oktaPeakConcurrency' | 'resetOktaPeak' | 'setLatency';
type Request = { readonly id: number; readonly op: Op | 'close'; readonly ms?: number };
type Reply = { readonly id: number; readonly value?: unknown; readonly error?: string };
type Ready = { readonly ready: { readonly salesforce: string; readonly okta: string } };

const LOWEST_PRIORITY = 19;

/** The child's side: start the world, say where it listens, answer the parent's calls. */
async function serve(): Promise<void> {
  const send = (m: Reply | Ready) => process.send?.(m);
  os.setPriority(LOWEST_PRIORITY);
  const ports = (process.argv[2] ?? '').split(',').map(Number);
  const world = await startVerifyWorld({ callbackPorts: ports });
  // A bench that ends without closing the world (a crash, an error exit) must not leave it listening.
  process.once('disconnect', () => process.exit(0));
  process.on('message', (m: Request) => {
    void (async () => {
      try {
        if (m.op === 'close') {
          await world.close();
          process.send?.({ id: m.id } satisfies Reply, () => process.exit(0));
          return;
        }
        const value = m.op === 'setLatency' ? world.setLatency(m.ms ?? 0) : world[m.op]();
        send({ id: m.id, value });
      } catch (e) {
        send({ id: m.id, error: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  send({ ready: { salesforce: world.salesforce.url, okta: world.okta.url } });
}

export interface VerifyWorldProcess extends VerifyWorldControl {
  /** The child's pid (its priority is checked by the bench's own tests). */
  readonly pid: number;
  close(): Promise<void>;
}

/** Starts the bench world in a child process at the lowest CPU priority; resolves once it listens. */
export async function startVerifyWorldProcess(options: VerifyWorldOptions): Promise<VerifyWorldProcess> {
  const child = fork(__filename, [options.callbackPorts.join(',')], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  let nextId = 0;
  const ready = new Promise<Ready['ready']>((resolve, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`the bench world process exited (${code}) before listening`)),
    );
    child.on('message', (m: Reply | Ready) => {
      if ('ready' in m) return resolve(m.ready);
      const call = pending.get(m.id);
      pending.delete(m.id);
      if (m.error !== undefined) call?.reject(new Error(`bench world: ${m.error}`));
      else call?.resolve(m.value);
    });
  });
  child.on('exit', () => {
    for (const call of pending.values()) call.reject(new Error('the bench world process exited'));
    pending.clear();
  });
  const call = <T>(op: Request['op'], ms?: number): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, op, ...(ms !== undefined ? { ms } : {}) } satisfies Request);
    });
  const urls = await ready;
  return {
    pid: child.pid as number,
    salesforce: { url: urls.salesforce },
    okta: { url: urls.okta },
    requestCounts: () => call('requestCounts'),
    tokenRequests: () => call('tokenRequests'),
    oktaPeakConcurrency: () => call('oktaPeakConcurrency'),
    resetOktaPeak: () => call('resetOktaPeak'),
    setLatency: (ms) => call('setLatency', ms),
    close: async () => {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await call('close');
      await exited;
    },
  };
}

if (require.main === module) void serve();
