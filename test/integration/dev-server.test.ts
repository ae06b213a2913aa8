/**
 * The trial server (scripts/dev-server.ts) as a newcomer meets it: for each named situation, the
 * commands it prints are run through the real CLI (real keychain, real loopback sign-in through the
 * servers' login and consent pages), and `verify` must show the outcome the situation is about, by
 * check id. Then the script itself: --help lists every situation, any loopback port is accepted, bad
 * ports and unknown situations get plain usage errors, SIGTERM stops it. Run inside with-keyring.sh.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../main/cli/io';
import { runCli } from '../../main/cli/run';
import { startBridgeServer } from '../../main/dev/web-bridge';
import { SITUATIONS, type Situation } from '../../scripts/trial/situations';
import { startTrialOrg } from '../../scripts/trial/trial-org';
import { freePort } from '../helpers/free-port';
import { completeAuthorizationWithFetch, completeStartLinkWithFetch } from '../servers/fetch-login';
import { HAS_KEYCHAIN } from '../helpers/keychain';

const ROOT = path.resolve(__dirname, '../..');
const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

interface Captured extends CliIo {
  stdout: string[];
  stderr: string[];
  /** Resolves with the first stdout line (login --no-open prints the authorization URL there). */
  firstLine: Promise<string>;
}

function capture(home: string): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  let first: (line: string) => void = () => undefined;
  const firstLine = new Promise<string>((resolve) => (first = resolve));
  return {
    stdout,
    stderr,
    firstLine,
    env: { PKCE_PILOT_HOME: home },
    out: (line) => {
      if (stdout.length === 0) first(line);
      stdout.push(line);
    },
    err: (line) => stderr.push(line),
  };
}

/** Runs one printed command the way the admin would; sign-ins go through the server's pages. */
async function runPrinted(argv: string[], home: string): Promise<{ code: number; io: Captured }> {
  const io = capture(home);
  if (argv[0] !== 'login') return { code: await runCli(argv, io), io };
  const running = runCli([...argv, '--no-open'], io);
  const authorizationUrl = await Promise.race([
    io.firstLine,
    running.then((code) => {
      throw new Error(`login exited ${code} before printing the URL: ${io.stderr.join('\n')}`);
    }),
  ]);
  const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'admin@acme.test' });
  await fetch(callback); // the browser following the redirect to the CLI's loopback listener
  return { code: await running, io };
}

async function verifySituation(situation: Situation) {
  const trial = await startTrialOrg({ situation });
  const home = mkdtempSync(path.join(tmpdir(), 'pkce-trial-'));
  try {
    const port = await freePort(); // any loopback port: the trial apps accept it
    const commands = trial
      .cliCommand({ cli: 'pkce-pilot', port })
      .split(' && ')
      .map((c) => c.split(' '));
    expect(commands.map((c) => c.slice(0, 2).join(' '))).toEqual([
      'pkce-pilot org',
      'pkce-pilot login',
      'pkce-pilot login',
      'pkce-pilot verify',
    ]);
    const results = [];
    for (const command of commands) results.push(await runPrinted(command.slice(1), home));
    for (const r of results.slice(0, 3)) expect(r.code, r.io.stderr.join('\n')).toBe(0);
    expect(results[1]?.io.stderr.join('\n')).toMatch(/Signed in to trial-.* \(salesforce\)/);
    expect(results[2]?.io.stderr.join('\n')).toMatch(/Signed in to trial-.* \(okta\)/);
    const verify = await runPrinted(['verify', trial.alias, '--json'], home);
    const result = JSON.parse(verify.io.stdout.join('\n')) as {
      checks: { id: string; status: string; summary: string }[];
    };
    const human = results[3];
    return {
      trial,
      result,
      verifyCode: verify.code,
      humanCode: human?.code,
      humanOut: human?.io.stdout ?? [],
    };
  } finally {
    await trial.close();
    rmSync(home, { recursive: true, force: true });
  }
}

describe.skipIf(!HAS_KEYCHAIN)('trial server situations, verified through the CLI', () => {
  for (const situation of SITUATIONS) {
    it(`"${situation.name}": verify shows what the situation is about`, async () => {
      const { result, verifyCode, humanCode, humanOut } = await verifySituation(situation);
      const statuses = Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
      for (const [id, outcome] of Object.entries(situation.expect))
        expect(statuses[id], `${id}: ${result.checks.find((c) => c.id === id)?.summary}`).toBe(outcome);
      // Nothing fails that the situation does not say fails; a failed check is exit 1.
      const expectedFails = Object.values(situation.expect).includes('fail');
      expect(verifyCode).toBe(expectedFails ? 1 : 0);
      expect(humanCode).toBe(verifyCode);
      // The blamed cause is the situation's, never the "proxy or maintenance page" fallback.
      expect(humanOut.join('\n')).not.toMatch(/proxy or maintenance page/);
      if (situation.name === 'done')
        expect(result.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual([]);
    }, 60_000);
  }
});

function runScript(args: string[]): {
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  stop(): void;
  output: { stdout: string };
} {
  const child = spawn(TSX, [path.join(ROOT, 'scripts/dev-server.ts'), ...args], { stdio: 'pipe' });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  return {
    output,
    stop: () => child.kill('SIGTERM'),
    done: new Promise((resolve) => child.on('close', (code) => resolve({ code, ...output }))),
  };
}

describe('scripts/dev-server.ts', () => {
  it('--help lists every situation', async () => {
    const run = await runScript(['--help']).done;
    expect(run.code).toBe(0);
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    for (const s of SITUATIONS) {
      expect(run.stdout).toContain(`  ${s.name} `);
      expect(readme, 'README "Try it" names every situation').toContain(`\`${s.name}\``);
    }
  }, 30_000);

  it('listens on the loopback ports it is given, prints the commands to paste, stops on SIGTERM', async () => {
    const [port, oktaPort] = [await freePort(), await freePort()];
    const script = runScript([
      '--situation',
      'step1-missing',
      '--port',
      String(port),
      '--okta-port',
      String(oktaPort),
    ]);
    const deadline = Date.now() + 20_000;
    while (!script.output.stdout.includes('Ctrl+C') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    const line = script.output.stdout
      .split('\n')
      .find((l) => l.includes(' org add '))
      ?.trim();
    expect(line).toBe(
      `npx pkce-pilot org add trial-step1-missing --login-url http://127.0.0.1:${port} --client-id pkce-pilot-trial ` +
        `--okta-url http://127.0.0.1:${oktaPort} --okta-client-id pkce-pilot-trial-okta && ` +
        'npx pkce-pilot login trial-step1-missing && npx pkce-pilot login trial-step1-missing --okta && ' +
        'npx pkce-pilot verify trial-step1-missing',
    );
    // Both orgs answer where the commands say: Salesforce's and Okta's discovery documents.
    for (const [p, issuerPath] of [
      [port, '/.well-known/openid-configuration'],
      [oktaPort, '/.well-known/openid-configuration'],
    ] as const) {
      const res = await fetch(`http://127.0.0.1:${p}${issuerPath}`);
      expect(res.status).toBe(200);
    }
    script.stop();
    expect((await script.done).code).toBe(0);
  }, 40_000);

  it('refuses bad ports with one plain message and unknown situations with a suggestion (exit 2)', async () => {
    for (const bad of ['abc', '-1', '70000']) {
      const run = await runScript(['--port', bad]).done;
      expect(run.code, bad).toBe(2);
      expect(run.stderr).toContain(`--port "${bad}" is not a usable port: give a whole number from 0`);
    }
    const run = await runScript(['--situation', 'step1-mising']).done;
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Did you mean step1-missing?');
  }, 60_000);
});

describe.skipIf(!HAS_KEYCHAIN)('trial server, verified through the app (web bridge, real core)', () => {
  it('"step2-missing": the app signs in to both orgs, verify shows the failure, the report carries it', async () => {
    const situation = SITUATIONS.find((s) => s.name === 'step2-missing') as Situation;
    const trial = await startTrialOrg({ situation });
    const home = mkdtempSync(path.join(tmpdir(), 'pkce-trial-app-'));
    const bridge = await startBridgeServer({ home });
    const call = async (method: string, input: unknown) => {
      const res = await fetch(`${bridge.url}__bridge/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(input),
      });
      const answer = (await res.json()) as { ok: boolean; value?: unknown; error?: { message: string } };
      if (!answer.ok) throw new Error(`${method}: ${answer.error?.message}`);
      return answer.value as Record<string, unknown>;
    };
    try {
      await call('orgs.add', {
        alias: trial.alias,
        salesforceLoginUrl: trial.salesforce.url,
        clientId: 'pkce-pilot-trial',
        redirect: 'loopback',
        port: await freePort(),
        oktaOrgUrl: trial.okta.url,
        oktaClientId: 'pkce-pilot-trial-okta',
      });
      for (const provider of ['salesforce', 'okta']) {
        const opened = bridge.nextBrowserOpen();
        await call('signIn.start', { alias: trial.alias, provider });
        const status = await completeStartLinkWithFetch(await opened, { login: 'admin@acme.test' });
        expect(status, `${provider} callback page`).toBe(200);
        const deadline = Date.now() + 10_000;
        let signedIn = false;
        while (!signedIn && Date.now() < deadline) {
          const { statuses } = (await call('signIn.status', { alias: trial.alias })) as {
            statuses: { provider: string; signedIn: boolean }[];
          };
          signedIn = statuses.some((s) => s.provider === provider && s.signedIn);
          if (!signedIn) await new Promise((r) => setTimeout(r, 100));
        }
        expect(signedIn, `${provider} sign-in in the app`).toBe(true);
      }
      const result = (await call('verify.run', { alias: trial.alias })) as {
        checks: { id: string; status: string; summary: string }[];
      };
      const statuses = Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
      for (const [id, outcome] of Object.entries(situation.expect)) expect(statuses[id], id).toBe(outcome);
      const exported = (await call('report.export', { alias: trial.alias, format: 'html' })) as {
        path: string;
      };
      const html = readFileSync(exported.path, 'utf8');
      expect(html).toContain(trial.alias);
      // The failing check's own words reach the report (its first words carry no HTML-escaped characters).
      const failing = result.checks.find((c) => c.id === 'okta.provisioning.auth-failures');
      expect(html).toContain(String(failing?.summary).split(' ').slice(0, 4).join(' '));
    } finally {
      await bridge.close();
      await trial.close();
      rmSync(home, { recursive: true, force: true });
    }
  }, 60_000);
});
