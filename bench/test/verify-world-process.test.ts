/**
 * The verify rows' world in a process of its own: it runs at the lowest CPU priority, and the bench's
 * checks work across the process boundary (a real sign-in and a real `verify --all` through it, every
 * request counted).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copySignIns, signInSeed, timeVerifyAll, writeOrgs } from '../verify-bench';
import { startVerifyWorldProcess, type VerifyWorldProcess } from '../verify-world-process';
import { VERIFY_EXPECTED } from '../verify-world';

const PORT = 7396;

describe('the bench world in a process of its own', () => {
  let world: VerifyWorldProcess;
  let work: string;
  beforeAll(async () => {
    world = await startVerifyWorldProcess({ callbackPorts: [PORT] });
    work = await mkdtemp(path.join(os.tmpdir(), 'pkce-pilot-world-process-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('runs at the lowest CPU priority', () => {
    expect(os.getPriority(world.pid)).toBe(19);
  });

  it('signs an org in and verifies it completely, counting every request across the process boundary', async () => {
    const seed = await signInSeed(world, await mkdtemp(path.join(work, 'seed-')), 'process-seed', PORT);
    const home = await mkdtemp(path.join(work, 'orgs-'));
    await writeOrgs(world, home, 1, PORT);
    await copySignIns(seed, 1);
    const before = await world.requestCounts();
    await world.setLatency(20);
    const run = await timeVerifyAll(world, home, 1); // throws unless every check and request is as expected
    expect(run.ms).toBeGreaterThan(20);
    const after = await world.requestCounts();
    expect(after.salesforce - before.salesforce).toBe(VERIFY_EXPECTED.requestsPerOrg.salesforce);
  });

  it('ends its process on close', async () => {
    const pid = world.pid;
    await world.close();
    expect(() => process.kill(pid, 0)).toThrow(/ESRCH/);
  });
});

describe('the bench world process without its parent', () => {
  it('ends when the bench that started it goes away without closing it', async () => {
    const { spawn } = await import('node:child_process');
    // A parent that starts the world, prints its pid and exits without closing it.
    const parent = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `require(${JSON.stringify(path.join(__dirname, '../verify-world-process.ts'))}).startVerifyWorldProcess({ callbackPorts: [7397] }).then((w) => { console.log(w.pid); process.exit(0); });`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    parent.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await new Promise((resolve) => parent.once('exit', resolve));
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && isAlive(pid)) await new Promise((r) => setTimeout(r, 50));
    expect(isAlive(pid)).toBe(false);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
