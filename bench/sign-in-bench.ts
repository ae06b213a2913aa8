/**
 * One full CLI sign-in vs a minimal raw-fetch PKCE client, both as `node <script>` child processes that
 * print an authorization URL the bench then follows (authorize → consent → loopback callback → token
 * exchange → identity GET → one keychain write). Both are timed from spawn to process exit; for the CLI
 * the bench also times how long the process lives after its "Signed in" line reached the bench.
 */
import path from 'node:path';
import { PROJECT_ROOT, playBrowser, runCli } from './salesforce-fixture';
import { timeNodeProcessOk } from './processes';
import { repeatInterleaved, type RepeatOptions } from './timing';
import type { Sample } from './stats';
import { SALESFORCE_CLIENT_ID, type VerifyWorld } from './verify-world';

const RAW_CLIENT = path.join(PROJECT_ROOT, 'bench/raw-pkce-client.mjs');

export interface SignInSamples {
  readonly cli: Sample;
  readonly raw: Sample;
  /** ms between the CLI's result line reaching the bench and the CLI process having exited. */
  readonly exitLag: Sample;
}

export async function benchSignIn(
  world: VerifyWorld,
  home: string,
  alias: string,
  rawPort: number,
  options: RepeatOptions,
): Promise<SignInSamples> {
  const server = world.salesforce;
  const rawArgs = [
    RAW_CLIENT,
    `${server.url}/services/oauth2/authorize`,
    `${server.url}/services/oauth2/token`,
    SALESFORCE_CLIENT_ID,
    String(rawPort),
    'api refresh_token id',
    `${alias}/salesforce`,
  ];
  const lags: number[] = [];
  const mark = `Signed in to ${alias} (salesforce)`;
  const [cli, raw] = await repeatInterleaved(options, [
    async (round) => {
      const run = await runCli(['login', alias, '--no-open'], home, playBrowser, [0], [], mark);
      if (run.markMs === undefined)
        throw new Error(`login ${alias} did not report a sign-in: ${run.stderr.slice(-300)}`);
      if (round >= options.warmups) lags.push(run.ms - run.markMs);
      return run.ms;
    },
    async () => (await timeNodeProcessOk({ args: rawArgs, cwd: PROJECT_ROOT }, playBrowser)).ms,
  ]);
  return { cli: cli as Sample, raw: raw as Sample, exitLag: { values: lags, warmups: options.warmups } };
}
