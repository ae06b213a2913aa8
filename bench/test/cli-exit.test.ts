/**
 * A finished CLI sign-in ends by itself: nothing it opened (loopback listener, browser connection,
 * fetch sockets, keychain calls, timers) is still alive once it has printed its result: its event loop
 * drains by itself, and only then (never while work is pending) does it call process.exit, to skip Node's
 * teardown. Real CLI (out/), real keychain (scripts/with-keyring.sh), bench world servers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOrg, loginWithCli } from '../salesforce-fixture';
import { startVerifyWorld, type VerifyWorld } from '../verify-world';

const PORT = 7394;
const PROBE = path.join(__dirname, 'fixtures/handle-probe.cjs');

describe('CLI sign-in exit', () => {
  let world: VerifyWorld;
  let home: string;
  beforeAll(async () => {
    world = await startVerifyWorld({ callbackPorts: [PORT] });
    home = await mkdtemp(path.join(os.tmpdir(), 'pkce-pilot-exit-'));
    await addOrg(home, 'exit-test', world, PORT);
  });
  afterAll(async () => {
    await world.close();
    await rm(home, { recursive: true, force: true });
  });

  it('has no live handles after printing "Signed in" and ends only once its event loop has drained', async () => {
    const run = await loginWithCli(home, 'exit-test', false, ['--require', PROBE]);
    const atResult = /\[probe\] open at result: (\[.*\])/.exec(run.stderr)?.[1];
    const later = /\[probe\] live a turn later: (\[.*\])/.exec(run.stderr)?.[1];
    expect(atResult, run.stderr).toBeDefined();
    expect(later, run.stderr).toBeDefined();
    // When the result is printed, the listener is closed and the browser has its page: nothing is open.
    expect(JSON.parse(atResult as string)).toEqual([]);
    const resources = JSON.parse(later as string) as string[];
    // What may remain are the two stdio pipes to this test (stdout, stderr); they do not hold the process.
    expect(resources.filter((r) => r !== 'PipeWrap')).toEqual([]);
    expect(resources.filter((r) => r === 'PipeWrap').length).toBeLessThanOrEqual(2);
    // process.exit comes only after the loop drained by itself, with nothing but the stdio pipes live.
    expect(run.stderr).not.toContain('process.exit while the loop was running');
    const atExit = /\[probe\] process\.exit once the loop had drained, live: (\[.*\])/.exec(run.stderr)?.[1];
    expect(atExit, run.stderr).toBeDefined();
    expect((JSON.parse(atExit as string) as string[]).filter((r) => r !== 'PipeWrap')).toEqual([]);
    expect(run.code).toBe(0);
    // Ends promptly (the old 5 s keep-alive or a listener left open would show here), with a wide margin
    // for a loaded machine; the bench measures the real figure.
    expect(run.ms - (run.markMs ?? 0)).toBeLessThan(2_000);
  });
});
