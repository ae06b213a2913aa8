/**
 * Issue 13 §5, keychain unavailable: the keychain is checked before the browser is opened (no wasted
 * round trip), and when saving the new tokens fails anyway they are revoked at the server rather than
 * left alive there with no local copy to ever revoke them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import type { OrgSettings, ProviderId, TokenSet } from '../../main/core/model';
import { SignInService } from '../../main/core/auth/sign-in';
import { freePort } from '../helpers/free-port';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { http, orgRecord } from './support';

let sf: SalesforceTestServer;
const orgs = new Map<string, OrgSettings>();
const unavailable = () =>
  new PilotError('keychain-unavailable', 'The system keychain is locked.', 'Unlock it.');

function vault(opts: { writable: boolean; saves: boolean }) {
  return {
    get: async (_a: string, _p: ProviderId): Promise<TokenSet | undefined> => undefined,
    set: async () => {
      if (!opts.saves) throw unavailable();
    },
    delete: async () => false,
    assertWritable: async () => {
      if (!opts.writable) throw unavailable();
    },
  };
}

beforeAll(async () => {
  const port = await freePort();
  sf = await startSalesforceServer();
  await sf.registerClient({
    clientId: 'c',
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
  orgs.set('acme', orgRecord('acme', sf.url, 'c', port));
});
afterAll(async () => {
  await sf?.close();
});

function service(secrets: ReturnType<typeof vault>, opened: string[]): SignInService {
  return new SignInService({
    orgs: { get: async (a) => orgs.get(a) ?? Promise.reject(new Error(a)) },
    secrets,
    http,
    openBrowser: async (url) => void opened.push(url),
  });
}

describe('keychain unavailable', () => {
  it('fails before the browser opens when the keychain cannot take the tokens', async () => {
    const opened: string[] = [];
    await expect(
      service(vault({ writable: false, saves: false }), opened).start('acme', 'salesforce'),
    ).rejects.toMatchObject({
      code: 'keychain-unavailable',
    });
    expect(opened).toEqual([]);
  });

  it('revokes the new tokens at the server when saving them fails after all', async () => {
    const opened: string[] = [];
    const svc = service(vault({ writable: true, saves: false }), opened);
    const started = await svc.start('acme', 'salesforce');
    expect(opened).toHaveLength(1);
    const revokes = () => sf.requests.filter((r) => r.path === '/services/oauth2/revoke').length;
    const before = revokes();
    const callback = await completeAuthorizationWithFetch(started.authorizationUrl, { login: 'ada' });
    expect((await fetch(callback)).status).toBe(400);
    await expect(started.done).rejects.toMatchObject({ code: 'keychain-unavailable' });
    expect(revokes()).toBe(before + 1);
  });
});
