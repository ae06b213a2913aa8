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
