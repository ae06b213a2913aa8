/**
 * Attack 2 (issue 13 §2): re-targeting a signed-in org. A compromised renderer calling `orgs.update`, or
 * anyone editing orgs.json, pointed the org at another host while its tokens stayed; the next refresh,
 * verify or sign-out sent the live refresh token there (and the real server never revoked it). Now
 * the keychain record names the issuing server; tokens go only there, and a change of login URL or
 * client id while signed in is refused until sign-out. Also: a token response whose instance_url / id
 * points off Salesforce is refused before a token is sent there.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../main/core/services';
import { endpointsFor } from '../../main/core/auth/providers';
import { exchangeCode, refreshTokens } from '../../main/core/auth/token-client';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { freePort } from '../helpers/free-port';
import { startHostileServer, type HostileServer } from './hostile-server';
import { http, testSecrets } from './support';

const CLIENT = '3MVG9RetargetAcme';
let sf: SalesforceTestServer;
let hostile: HostileServer;
let home: string;
let core: CoreServices;
let port: number;
const secrets = testSecrets();

beforeAll(async () => {
  [sf, port] = await Promise.all([startSalesforceServer(), freePort()]);
  await sf.registerClient({
    clientId: CLIENT,
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
  hostile = await startHostileServer({ realUrl: sf.url, victimClientId: CLIENT, victimRedirectUri: 'x:/' });
  home = mkdtempSync(path.join(tmpdir(), 'pkce-attack-retarget-'));
  core = await createCoreServices({ dataFolder: home, http, openBrowser: async () => undefined, secrets });
  await core.orgs.add({
    alias: 'acme',
    salesforce: { baseUrl: sf.url, clientId: CLIENT, redirect: 'loopback', port },
  });
  const started = await core.signIn.start('acme', 'salesforce', { openBrowser: false });
  const callback = await completeAuthorizationWithFetch(started.authorizationUrl, { login: 'ada' });
  expect((await fetch(callback)).status).toBe(200);
  await started.done;
});
afterAll(async () => {
  await secrets.delete('acme', 'salesforce').catch(() => undefined);
  await Promise.all([sf?.close(), hostile?.close()]);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('re-targeting a signed-in org', () => {
  it('refuses to change the login URL or client id while signed in (the CLI, the app)', async () => {
    const org = await core.orgs.get('acme');
    await expect(
      core.updateOrg('acme', { ...org, salesforce: { ...org.salesforce, baseUrl: hostile.url } }),
    ).rejects.toMatchObject({ code: 'signed-in', hint: expect.stringContaining('pkce-pilot logout acme') });
    await expect(
      core.updateOrg('acme', { ...org, salesforce: { ...org.salesforce, clientId: 'other' } }),
    ).rejects.toMatchObject({ code: 'signed-in' });
    // Port changes do not move tokens: allowed.
    const moved = await core.updateOrg('acme', { ...org, salesforce: { ...org.salesforce, port: port + 1 } });
    expect(moved.salesforce.port).toBe(port + 1);
    await core.updateOrg('acme', org);
  });

  it('sends no token to a host written into orgs.json behind its back; sign-out revokes at the issuer', async () => {
    const file = path.join(home, 'orgs.json');
    const stored = await secrets.get('acme', 'salesforce');
    expect(stored?.refreshToken).toBeTruthy();
    writeFileSync(file, readFileSync(file, 'utf8').split(sf.url).join(hostile.url));
    expect((await core.orgs.get('acme')).salesforce.baseUrl).toBe(hostile.url);

    await expect(core.tokens.refresh('acme', 'salesforce')).rejects.toMatchObject({
      code: 'not-signed-in',
      message: expect.stringContaining('no longer match'),
    });
    await expect(core.verifyOne('acme')).resolves.toBeTruthy(); // verify reports, sends nothing
    const revokes = () => sf.requests.filter((r) => r.path === '/services/oauth2/revoke').length;
    const before = revokes();
    const out = await core.signIn.signOut('acme', 'salesforce');
    expect(out.revokeError).toBeUndefined();
    expect(revokes()).toBe(before + 1);
    expect(hostile.requests).toEqual([]);
    // Revoked at the real server: the refresh token is dead there.
    await expect(
      refreshTokens({
        provider: 'salesforce',
        endpoints: endpointsFor('salesforce', sf.url),
        clientId: CLIENT,
        http,
        tokens: stored ?? expect.unreachable(),
      }),
    ).rejects.toMatchObject({ details: { error: 'invalid_grant' } });
  });

  it.each([
    ['an attacker host', 'https://evil.example'],
    ['a look-alike domain', 'https://acme.my.salesforce.com.evil.example'],
    ['plain http off loopback', 'http://acme.my.salesforce.com'],
  ])('refuses an instance_url on %s before any token goes there', async (_name, instanceUrl) => {
    const server = await startHostileServer({
      realUrl: sf.url,
      victimClientId: CLIENT,
      victimRedirectUri: 'x:/',
      tokenResponse: {
        access_token: 'stolen-if-used',
        token_type: 'Bearer',
        instance_url: instanceUrl,
        id: `${instanceUrl}/id/00D/005`,
        issued_at: String(Date.now()),
      },
    });
    try {
      await expect(
        exchangeCode({
          provider: 'salesforce',
          endpoints: endpointsFor('salesforce', 'https://login.salesforce.com'),
          clientId: CLIENT,
          http: (url, init) => http(String(url).replace('https://login.salesforce.com', server.url), init),
          redirectUri: 'http://127.0.0.1:7171/oauth/callback/acme/salesforce',
          code: 'c',
          verifier: 'v'.repeat(43),
        }),
      ).rejects.toMatchObject({ code: 'bad-response', details: { field: 'instance_url' } });
    } finally {
      await server.close();
    }
  });
});
