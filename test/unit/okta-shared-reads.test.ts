import { describe, expect, it } from 'vitest';
import type { TokenSet } from '../../main/core/model';
import { oktaPrincipal, SharedReads } from '../../main/core/verify/okta-shared-reads';
import { readFailed, readOk, type ReadResult } from '../../main/core/verify/types';

const BINDING = {
  issuer: 'https://acme.okta.com',
  tokenEndpoint: 'https://acme.okta.com/oauth2/v1/token',
  revocationEndpoint: 'https://acme.okta.com/oauth2/v1/revoke',
  clientId: '0oaPilot',
};

const tokens = (over: Partial<TokenSet> = {}): TokenSet => ({
  accessToken: 'at',
  tokenType: 'Bearer',
  instanceUrl: 'https://acme.okta.com',
  issuedAt: 0,
  pkce: 'S256',
  userId: '00u1',
  scope: 'okta.apps.read okta.logs.read',
  boundTo: BINDING,
  ...over,
});

describe('oktaPrincipal', () => {
  it('is the same for two sign-ins of one admin, whatever their tokens and scope order', () => {
    const a = oktaPrincipal(tokens({ accessToken: 'one', refreshToken: 'r1' }));
    const b = oktaPrincipal(tokens({ accessToken: 'two', scope: 'okta.logs.read okta.apps.read' }));
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(a).not.toContain('one');
  });

  it('differs by Okta org, client, user and scopes; is undefined without a known user', () => {
    const base = oktaPrincipal(tokens());
    expect(oktaPrincipal(tokens({ instanceUrl: 'https://other.okta.com' }))).not.toBe(base);
    expect(oktaPrincipal(tokens({ userId: '00u2' }))).not.toBe(base);
    expect(oktaPrincipal(tokens({ scope: 'okta.apps.read' }))).not.toBe(base);
    const binding = { ...BINDING, clientId: '0oaOther' };
    expect(oktaPrincipal(tokens({ boundTo: binding }))).not.toBe(base);
    expect(oktaPrincipal(tokens({ userId: undefined }))).toBeUndefined();
  });
});

/** A read that resolves when told to, counting how often it ran. */
function gatedRead(result: ReadResult<unknown[]>) {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((r) => (release = r));
  const read = {
    runs: 0,
    fn: async () => {
      read.runs++;
      await gate;
      return result;
    },
    release: () => release(),
  };
  return read;
}

describe('SharedReads', () => {
  it('reads once for callers with the same principal and request, at once and afterwards', async () => {
    const shared = new SharedReads<unknown[]>();
    const first = gatedRead(readOk([1]));
    const second = gatedRead(readOk([2]));
    const a = shared.read('p', '/api/v1/apps', first.fn);
    const b = shared.read('p', '/api/v1/apps', second.fn);
    first.release();
    expect(await a).toEqual(readOk([1]));
    expect(await b).toEqual(readOk([1]));
    expect(await shared.read('p', '/api/v1/apps', second.fn)).toEqual(readOk([1]));
    expect([first.runs, second.runs]).toEqual([1, 0]);
  });

  it('keeps principals, requests and unknown principals apart', async () => {
    const shared = new SharedReads<unknown[]>();
    let runs = 0;
    const read = async () => readOk([++runs]);
    await shared.read('p', '/a', read);
    await shared.read('q', '/a', read);
    await shared.read('p', '/b', read);
    await shared.read(undefined, '/a', read);
    await shared.read(undefined, '/a', read);
    expect(runs).toBe(5);
  });

  it('never shares a failure: the next caller reads with its own sign-in, and shares that', async () => {
    const shared = new SharedReads<unknown[]>();
    const failing = gatedRead(readFailed('Could not check: sign in again for alias a.'));
    const own = gatedRead(readOk(['b']));
    const third = gatedRead(readOk(['c']));
    const a = shared.read('p', '/api/v1/apps', failing.fn);
    const b = shared.read('p', '/api/v1/apps', own.fn);
    const c = shared.read('p', '/api/v1/apps', third.fn);
    failing.release();
    own.release();
    third.release();
    expect(await a).toEqual(readFailed('Could not check: sign in again for alias a.'));
    expect(await b).toEqual(readOk(['b']));
    expect(await c).toEqual(readOk(['b']));
    expect([failing.runs, own.runs, third.runs]).toEqual([1, 1, 0]);
  });

  it('forgets a read that threw, so later callers are not stuck with it', async () => {
    const shared = new SharedReads<unknown[]>();
    await expect(
      shared.read('p', '/x', async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await shared.read('p', '/x', async () => readOk(['again']))).toEqual(readOk(['again']));
  });
});
