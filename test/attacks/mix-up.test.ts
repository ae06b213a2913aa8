/**
 * Attack 1 (issue 13 §1, RFC 9700 §4.4): a hostile server configured as one org forwards the admin's
 * browser to the REAL server with PKCE Pilot's state and challenge but the victim org's client id and
 * redirect URI. Before per-org redirect URIs, the code came back to the one shared callback, was matched
 * to the hostile org by state, and PKCE Pilot posted code + verifier to the hostile token endpoint,
 * which redeemed them at the real server. Now the code arrives on the victim org's callback URL, which
 * is not the one the hostile org's sign-in asked for: refused before any token request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrgSettings } from '../../main/core/model';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { freePort } from '../helpers/free-port';
import { startHostileServer, type HostileServer } from './hostile-server';
import { orgRecord, signInService, testSecrets } from './support';

const VICTIM_CLIENT = '3MVG9VictimAcme';
let sf: SalesforceTestServer;
let hostile: HostileServer;
let port: number;
const orgs = new Map<string, OrgSettings>();
const secrets = testSecrets();

beforeAll(async () => {
  [sf, port] = await Promise.all([startSalesforceServer(), freePort()]);
  const victimRedirect = `http://127.0.0.1:${port}/oauth/callback/acme/salesforce`;
  // The victim's app registers only its own callback URL, as `org add` tells the admin to.
  await sf.registerClient({ clientId: VICTIM_CLIENT, redirectUris: [victimRedirect] });
  hostile = await startHostileServer({
    realUrl: sf.url,
    victimClientId: VICTIM_CLIENT,
    victimRedirectUri: victimRedirect,
  });
  orgs.set('acme', orgRecord('acme', sf.url, VICTIM_CLIENT, port));
  orgs.set('evil', orgRecord('evil', hostile.url, 'whatever', port));
});
afterAll(async () => {
  for (const alias of orgs.keys()) await secrets.delete(alias, 'salesforce').catch(() => undefined);
  await Promise.all([sf?.close(), hostile?.close()]);
});

describe('mix-up attack with a hostile second server', () => {
  it('refuses the real code that arrives on the victim org’s callback, before any token request', async () => {
    const svc = signInService(orgs, secrets);
    const { authorizationUrl, done } = await svc.start('evil', 'salesforce', { openBrowser: false });
    // The browser goes to the hostile server, which forwards it to the real one.
    const hop = await fetch(authorizationUrl, { redirect: 'manual' });
    const forwarded = hop.headers.get('location') ?? '';
    expect(new URL(forwarded).origin).toBe(sf.url);
    const callback = await completeAuthorizationWithFetch(forwarded, { login: 'ada' });
    // The real server issued a real code to the victim's callback (the attack got that far) …
    expect(callback.startsWith(`http://127.0.0.1:${port}/oauth/callback/acme/salesforce?`)).toBe(true);
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    const realExchanges = sf.tokenRequestCount('authorization_code');
    const page = await fetch(callback);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('another org&#39;s callback URL');
    await expect(done).rejects.toMatchObject({ code: 'redirect-invalid' });
    // … but nothing reached the hostile token endpoint, and nothing was redeemed anywhere.
    expect(hostile.tokenRequests).toEqual([]);
    expect(hostile.stolen).toEqual([]);
    expect(sf.tokenRequestCount('authorization_code')).toBe(realExchanges);
    expect(await secrets.get('evil', 'salesforce')).toBeUndefined();
  });

  it('gets nothing when it keeps the hostile org’s redirect URI: the real server refuses it', async () => {
    const svc = signInService(orgs, secrets);
    const { authorizationUrl, done } = await svc.start('evil', 'salesforce', { openBrowser: false });
    const forwarded = new URL(
      (await fetch(authorizationUrl, { redirect: 'manual' })).headers.get('location') ?? '',
    );
    forwarded.searchParams.set('redirect_uri', `http://127.0.0.1:${port}/oauth/callback/evil/salesforce`);
    await expect(completeAuthorizationWithFetch(forwarded.href, { login: 'ada' })).rejects.toThrow(/400/);
    expect(hostile.tokenRequests).toEqual([]);
    expect(svc.cancel('evil', 'salesforce')).toBe(true);
    await expect(done).rejects.toMatchObject({ code: 'signin-cancelled' });
  });

  it('refuses an RFC 9207 iss that names another server, even one on a Salesforce domain', async () => {
    const svc = signInService(orgs, secrets);
    const { authorizationUrl, done } = await svc.start('acme', 'salesforce', { openBrowser: false });
    const callback = new URL(await completeAuthorizationWithFetch(authorizationUrl, { login: 'ada' }));
    callback.searchParams.set('iss', 'https://evil.my.salesforce.com');
    const before = sf.tokenRequestCount('authorization_code');
    expect((await fetch(callback)).status).toBe(400);
    await expect(done).rejects.toMatchObject({ code: 'redirect-invalid' });
    expect(sf.tokenRequestCount('authorization_code')).toBe(before);
  });

  it('control: the victim org signs in normally through its own callback', async () => {
    const svc = signInService(orgs, secrets);
    const { authorizationUrl, done } = await svc.start('acme', 'salesforce', { openBrowser: false });
    const callback = await completeAuthorizationWithFetch(authorizationUrl, { login: 'ada' });
    expect((await fetch(callback)).status).toBe(200);
    await expect(done).resolves.toMatchObject({ signedIn: true });
    const stored = await secrets.get('acme', 'salesforce');
    expect(stored?.boundTo).toEqual({
      issuer: sf.url,
      tokenEndpoint: `${sf.url}/services/oauth2/token`,
      revocationEndpoint: `${sf.url}/services/oauth2/revoke`,
      clientId: VICTIM_CLIENT,
    });
  });
});
