/**
 * How the bench drives the CLI: where it is, how a run is timed, and how the bench plays the system
 * browser for `login --no-open` against the bench world's servers (bench/verify-world.ts).
 */
import path from 'node:path';
import { completeAuthorizationWithFetch } from '../test/servers/salesforce-server';
import { timeNodeProcessOk, type TimedRun } from './processes';
import { AUTO_LOGIN, OKTA_CLIENT_ID, SALESFORCE_CLIENT_ID, type VerifyWorldControl } from './verify-world';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const CLI_BIN = path.join(PROJECT_ROOT, 'bin/pkce-pilot.js');

/** Plays the system browser: follows the authorization URL to the loopback callback and requests it. */
export async function playBrowser(authorizationUrl: string): Promise<void> {
  const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: AUTO_LOGIN });
  if (!callback.startsWith('http://127.0.0.1:') || !new URL(callback).searchParams.has('code')) {
    throw new Error('the authorization did not end at a loopback callback with a code');
  }
  const res = await fetch(callback);
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`the loopback callback answered ${res.status}`);
}

export function runCli(
  args: readonly string[],
  home: string,
  onFirstLine?: (line: string) => Promise<void>,
  okCodes?: readonly number[],
  nodeArgs: readonly string[] = [],
  stderrMark?: string,
  measureRss = false,
): Promise<TimedRun> {
  return timeNodeProcessOk(
    {
      args: [...nodeArgs, CLI_BIN, ...args],
      env: { PKCE_PILOT_HOME: home },
      cwd: PROJECT_ROOT,
      ...(stderrMark ? { stderrMark } : {}),
      measureRss,
    },
    onFirstLine,
    okCodes,
  );
}

/** `org add` through the CLI, with the world's Okta org when `withOkta`. */
export function addOrg(
  home: string,
  alias: string,
  world: Pick<VerifyWorldControl, 'salesforce' | 'okta'>,
  port: number,
  withOkta = false,
): Promise<TimedRun> {
  const okta = withOkta ? ['--okta-url', world.okta.url, '--okta-client-id', OKTA_CLIENT_ID] : [];
  return runCli(
    [
      'org',
      'add',
      alias,
      '--login-url',
      world.salesforce.url,
      '--client-id',
      SALESFORCE_CLIENT_ID,
      '--port',
      String(port),
      ...okta,
    ],
    home,
  );
}

/** `pkce-pilot login <alias> [--okta] --no-open` with the bench playing the browser; checks it really signed in. */
export async function loginWithCli(
  home: string,
  alias: string,
  okta = false,
  nodeArgs: readonly string[] = [],
): Promise<TimedRun> {
  const provider = okta ? 'okta' : 'salesforce';
  const run = await runCli(
    ['login', alias, ...(okta ? ['--okta'] : []), '--no-open'],
    home,
    playBrowser,
    [0],
    nodeArgs,
    `Signed in to ${alias} (${provider})`,
  );
  if (!run.stderr.includes(`Signed in to ${alias} (${provider})`))
    throw new Error(`login ${alias} did not report a sign-in: ${run.stderr.slice(-300)}`);
  return run;
}
