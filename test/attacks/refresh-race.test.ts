/**
 * Attack 5 (issue 13 §5): two PKCE Pilot processes refresh the same sign-in at once. Each redeemed the
 * same rotating refresh token; the server saw a reuse and revoked the whole token family, signing the
 * admin out everywhere. Now a per-org/provider cross-process lock is held around the refresh and the
 * keychain is read again inside it: the second process finds the rotated set and makes no call.
 * Needs the real keychain shared by both processes: run inside scripts/with-keyring.sh.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../main/core/services';
import { bundleForChild, childEnv } from '../helpers/bundle-for-child';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { freePort } from '../helpers/free-port';
import { http } from './support';
import { HAS_KEYCHAIN } from '../helpers/keychain';

const CLIENT = '3MVG9RefreshRace';
let sf: SalesforceTestServer;
let home: string;
let core: CoreServices;
let child: { file: string; folder: string };

beforeAll(async () => {
  if (!HAS_KEYCHAIN) return;
  const port = await freePort();
  sf = await startSalesforceServer();
  sf.setRotation(true);
  await sf.registerClient({
    clientId: CLIENT,
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
  home = mkdtempSync(path.join(tmpdir(), 'pkce-attack-refresh-'));
  core = await createCoreServices({ dataFolder: home, http, openBrowser: async () => undefined });
  await core.orgs.add({
    alias: 'acme',
    salesforce: { baseUrl: sf.url, clientId: CLIENT, redirect: 'loopback', port },
  });
  const started = await core.signIn.start('acme', 'salesforce', { openBrowser: false });
  expect(
    (await fetch(await completeAuthorizationWithFetch(started.authorizationUrl, { login: 'ada' }))).status,
  ).toBe(200);
  await started.done;
  child = await bundleForChild(path.join(__dirname, 'refresh-child.ts'));
}, 60_000);
afterAll(async () => {
  if (!HAS_KEYCHAIN) return;
  await core?.secrets.delete('acme', 'salesforce').catch(() => undefined);
  await sf?.close();
  for (const dir of [home, child?.folder]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!HAS_KEYCHAIN)('two processes refreshing the same sign-in at once', () => {
  it('makes one refresh call; both end with the same new set; the token family stays alive', async () => {
    const refreshesBefore = sf.tokenRequestCount('refresh_token');
    const startAt = String(Date.now() + 1500);
    const run = () =>
      promisify(execFile)(process.execPath, [child.file, home, startAt], {
        env: childEnv({}),
        timeout: 30_000,
      });
    const results = (await Promise.all([run(), run()])).map(
      (r) => JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { ok: boolean; hash?: string },
    );
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(results[0]?.hash).toBe(results[1]?.hash);
    expect(sf.tokenRequestCount('refresh_token')).toBe(refreshesBefore + 1);
    // The stored (rotated) refresh token still works: the family was not revoked.
    await expect(core.tokens.refresh('acme', 'salesforce')).resolves.toMatchObject({ tokenType: 'Bearer' });
  }, 60_000);
});
