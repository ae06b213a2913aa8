/**
 * Attack 6 (issue 13 §5): a server-supplied string with control characters forges CLI output. A user
 * name (from the identity URL) carrying ESC sequences and a carriage return erased the line and printed
 * a fake PASS. Every line the CLI prints now passes through terminalSafe (main/cli/format.ts).
 * Runs the real CLI (bin/pkce-pilot.js, built) inside scripts/with-keyring.sh.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../main/core/services';
import { runCliProcess } from '../helpers/cli-process';
import { freePort } from '../helpers/free-port';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { http } from './support';
import { HAS_KEYCHAIN } from '../helpers/keychain';

const FORGED = 'x\u001b[2K\r\u001b[32mPASS\u001b[0m all checks\u202e';
let sf: SalesforceTestServer;
let home: string;
let core: CoreServices;

beforeAll(async () => {
  if (!HAS_KEYCHAIN) return;
  const port = await freePort();
  sf = await startSalesforceServer();
  await sf.registerClient({
    clientId: 'c',
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
  home = mkdtempSync(path.join(tmpdir(), 'pkce-attack-term-'));
  core = await createCoreServices({ dataFolder: home, http, openBrowser: async () => undefined });
  await core.orgs.add({
    alias: 'acme',
    salesforce: { baseUrl: sf.url, clientId: 'c', redirect: 'loopback', port },
  });
  const started = await core.signIn.start('acme', 'salesforce', { openBrowser: false });
  expect(
    (await fetch(await completeAuthorizationWithFetch(started.authorizationUrl, { login: FORGED }))).status,
  ).toBe(200);
  await started.done;
});
afterAll(async () => {
  if (!HAS_KEYCHAIN) return;
  await core?.secrets.delete('acme', 'salesforce').catch(() => undefined);
  await sf?.close();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe.skipIf(!HAS_KEYCHAIN)('control characters in server-supplied text', () => {
  it('cannot erase or recolour a line, or reorder text, in human output; JSON keeps the value', async () => {
    const stored = await core.tokens.getTokens('acme', 'salesforce');
    expect(stored.username).toContain('\u001b'); // positive control: the server did send them
    const human = await runCliProcess(['status', 'acme'], { PKCE_PILOT_HOME: home });
    expect(human.code, human.stderr).toBe(0);
    expect(['\u001b', '\r', '\u202e'].filter((c) => human.stdout.includes(c))).toEqual([]);
    expect(human.stdout).toContain('\\u001b[2K\\u000d');
    const machine = await runCliProcess(['status', 'acme', '--json'], { PKCE_PILOT_HOME: home });
    expect(['\u001b', '\r', '\u202e'].filter((c) => machine.stdout.includes(c))).toEqual([]);
    expect((JSON.parse(machine.stdout) as { username: string }[])[0]?.username).toBe(stored.username);
  });
});
