import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import keytar from 'keytar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timeNodeProcess, timeNodeProcessOk } from '../processes';
import { PROJECT_ROOT, playBrowser } from '../salesforce-fixture';
import { SALESFORCE_CLIENT_ID as CLIENT_ID, startVerifyWorld, type VerifyWorld } from '../verify-world';

const RAW_CLIENT = path.join(PROJECT_ROOT, 'bench/raw-pkce-client.mjs');
const PORT = 7393;

describe('timeNodeProcess', () => {
  it('times a child to its exit and keeps its output and exit code', async () => {
    const run = await timeNodeProcess({
      args: ['-e', 'process.stdout.write("out\\n"); process.stderr.write("err"); process.exit(3)'],
    });
    expect(run).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err' });
    expect(run.ms).toBeGreaterThan(0);
  });
  it('hands the first stdout line to the driver while the child is still running', async () => {
    // The child exits 0 only if the driver (called with its first line) creates the flag file in time.
    const flag = path.join(os.tmpdir(), `bench-flag-${process.pid}-${Date.now()}`);
    const script = `console.log('go'); const fs = require('node:fs'); const end = Date.now() + 5000;
      const poll = () => fs.existsSync(${JSON.stringify(flag)}) ? process.exit(0) : Date.now() > end ? process.exit(1) : setTimeout(poll, 10); poll();`;
    const seen: string[] = [];
    try {
      await timeNodeProcessOk({ args: ['-e', script] }, async (line) => {
        seen.push(line);
        await writeFile(flag, '');
      });
    } finally {
      await rm(flag, { force: true });
    }
    expect(seen).toEqual(['go']);
  });
  it('fails the run when the driver fails, and names a failing command', async () => {
    await expect(
      timeNodeProcess({ args: ['-e', 'console.log("x"); setTimeout(() => {}, 10000)'] }, async () =>
        Promise.reject(new Error('driver broke')),
      ),
    ).rejects.toThrow('driver broke');
    await expect(timeNodeProcessOk({ args: ['-e', 'process.exit(4)'] })).rejects.toThrow(/exited with 4/);
  });
  it.skipIf(process.platform !== 'linux')(
    "reports a child's own peak memory, not the larger peak of the process that spawned it",
    async () => {
      // Linux hands a parent's peak to the child it spawns (getrusage maxrss); the bench must not see it.
      const ballast = Buffer.alloc(300 * 1024 * 1024, 1);
      const small = await timeNodeProcess({ args: ['-e', '0'], measureRss: true });
      const grown = await timeNodeProcess({
        args: ['-e', 'globalThis.keep = Buffer.alloc(200 * 1024 * 1024, 1)'],
        measureRss: true,
      });
      expect(ballast.length).toBeGreaterThan(0);
      expect(process.memoryUsage().rss / 1024).toBeGreaterThan(300 * 1024);
      expect(small.peakRssKiB).toBeGreaterThan(10 * 1024);
      expect(small.peakRssKiB).toBeLessThan(150 * 1024);
      expect(grown.peakRssKiB).toBeGreaterThan(200 * 1024);
      expect(grown.cpuMs).toBeGreaterThan(0);
    },
  );
});

describe('raw PKCE client against the Salesforce test server', () => {
  let world: VerifyWorld;
  beforeAll(async () => {
    world = await startVerifyWorld({ callbackPorts: [PORT] });
  });
  afterAll(async () => {
    await world.close();
  });
  const server = () => world.salesforce;

  const args = () => [
    RAW_CLIENT,
    `${server().url}/services/oauth2/authorize`,
    `${server().url}/services/oauth2/token`,
    CLIENT_ID,
    String(PORT),
    'api refresh_token id',
    'drivers-test/salesforce',
  ];

  it('does a full PKCE sign-in (S256, token exchange, identity GET) when the bench plays the browser', async () => {
    const before = server().tokenRequestCount('authorization_code');
    const run = await timeNodeProcessOk({ args: args() }, playBrowser);
    expect(server().tokenRequestCount('authorization_code')).toBe(before + 1);
    const printed = new URL(run.stdout.trim());
    expect(printed.searchParams.get('code_challenge_method')).toBe('S256');
    expect(printed.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(printed.searchParams.has('code_verifier')).toBe(false);
    // It printed the URL and nothing else: no token or code in its output.
    for (const secret of server().issuedTokens()) expect(run.stdout + run.stderr).not.toContain(secret);
    expect(server().leaks).toEqual([]);
    // It did the same keychain write as the CLI (so the sign-in ratio compares like with like).
    const stored = JSON.parse(
      (await keytar.getPassword('pkce-pilot-bench-raw', 'drivers-test/salesforce')) ?? '{}',
    );
    expect(stored).toMatchObject({ pkce: 'S256', username: 'admin@acme.test' });
    await keytar.deletePassword('pkce-pilot-bench-raw', 'drivers-test/salesforce');
  });

  it('exits non-zero when the server refuses the exchange (so a broken baseline cannot pass as fast)', async () => {
    const wrongClient = args().map((a) => (a === CLIENT_ID ? 'unknown-client' : a));
    await expect(timeNodeProcessOk({ args: wrongClient }, playBrowser)).rejects.toThrow();
  });
});
