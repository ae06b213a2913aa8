/**
 * One full CLI sign-in vs a minimal raw-fetch PKCE client, both as `node <script>` child processes that
 * print an authorization URL the bench then follows (authorize → consent → loopback callback → token
 * exchange → identity GET). The CLI also loads its core and writes the tokens to the OS keychain (a real
 * gnome-keyring under scripts/with-keyring.sh): that is part of what users get, so it is in the time.
 */
import path from 'node:path';
import type { SalesforceTestServer } from '../test/servers/salesforce-server';
import { CLIENT_ID, PROJECT_ROOT, loginWithCli, playBrowser } from './salesforce-fixture';
import { timeNodeProcessOk } from './processes';
import { repeatInterleaved, type RepeatOptions } from './timing';
import type { Sample } from './stats';

const RAW_CLIENT = path.join(PROJECT_ROOT, 'bench/raw-pkce-client.mjs');

export interface SignInSamples {
  readonly cli: Sample;
  readonly raw: Sample;
}

export async function benchSignIn(
  server: SalesforceTestServer,
  home: string,
  alias: string,
  rawPort: number,
  options: RepeatOptions,
): Promise<SignInSamples> {
  const rawArgs = [
    RAW_CLIENT,
    `${server.url}/services/oauth2/authorize`,
    `${server.url}/services/oauth2/token`,
    CLIENT_ID,
    String(rawPort),
    'api refresh_token id',
  ];
  const [cli, raw] = await repeatInterleaved(options, [
    async () => (await loginWithCli(home, alias)).ms,
    async () => (await timeNodeProcessOk({ args: rawArgs, cwd: PROJECT_ROOT }, playBrowser)).ms,
  ]);
  return { cli: cli as Sample, raw: raw as Sample };
}
