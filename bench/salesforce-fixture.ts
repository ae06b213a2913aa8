/**
 * The local Salesforce the timed sign-ins and verifications talk to: the project's Salesforce-shaped
 * oidc-provider server with automatic consent and its Metadata/REST API (an org where the Okta
 * provisioning app requires PKCE and has token usage, so every Salesforce read of `verify` runs).
 */
import path from 'node:path';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../test/servers/salesforce-server';
import { createSalesforceApi, createSalesforceApiState } from '../test/servers/salesforce-api';
import { timeNodeProcessOk, type TimedRun } from './processes';

export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const CLI_BIN = path.join(PROJECT_ROOT, 'bin/pkce-pilot.js');
export const CLIENT_ID = '3MVG9PkcePilotBench';
export const AUTO_LOGIN = 'admin@acme.test';
const DAY = 86_400_000;

export function callbackUrl(port: number): string {
  return `http://127.0.0.1:${port}/oauth/callback`;
}

export async function startBenchSalesforce(callbackPorts: readonly number[]): Promise<SalesforceTestServer> {
  const now = Date.now();
  const state = createSalesforceApiState({
    orgPkceRequired: true,
    connectedApps: [
      {
        fullName: 'Workbench',
        label: 'Workbench',
        callbackUrl: 'https://workbench.example.com/callback',
        isPkceRequired: false,
      },
      {
        fullName: 'Okta_Provisioning',
        label: 'Okta Provisioning',
        callbackUrl: 'https://system-admin.okta.com/admin/app/cpc/salesforce/oauth/callback',
        isPkceRequired: true,
      },
    ],
    oauthTokens: [
      {
        AppName: 'Okta Provisioning',
        UserId: '005000000000001AAA',
        CreatedDate: new Date(now - 2 * DAY).toISOString(),
        LastUsedDate: new Date(now - 3_600_000).toISOString(),
        UseCount: 42,
      },
    ],
  });
  const server = await startSalesforceServer({
    autoConsent: true,
    autoLogin: AUTO_LOGIN,
    apiHandler: createSalesforceApi(state),
  });
  await server.registerClient({
    clientId: CLIENT_ID,
    redirectUris: callbackPorts.map(callbackUrl),
    pkceRequired: true,
  });
  return server;
}

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
): Promise<TimedRun> {
  return timeNodeProcessOk(
    { args: [CLI_BIN, ...args], env: { PKCE_PILOT_HOME: home }, cwd: PROJECT_ROOT },
    onFirstLine,
    okCodes,
  );
}

export function addOrg(
  home: string,
  alias: string,
  server: SalesforceTestServer,
  port: number,
): Promise<TimedRun> {
  return runCli(
    ['org', 'add', alias, '--login-url', server.url, '--client-id', CLIENT_ID, '--port', String(port)],
    home,
  );
}

/** `pkce-pilot login <alias> --no-open` with the bench playing the browser; checks it really signed in. */
export async function loginWithCli(home: string, alias: string): Promise<TimedRun> {
  const run = await runCli(['login', alias, '--no-open'], home, playBrowser);
  if (!run.stderr.includes(`Signed in to ${alias}`))
    throw new Error(`login ${alias} did not report a sign-in: ${run.stderr.slice(-300)}`);
  return run;
}
