/**
 * SecretStore's error handling with stand-in backends that fail exactly the way keytar does on each OS
 * (messages measured here on Linux; macOS/Windows texts are those of SecCopyErrorMessageString and
 * FormatMessage). Needs no keychain, so it always runs.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import type { TokenSet } from '../../main/core/model';
import {
  accountFor,
  classifyKeychainFailure,
  keychainError,
  SecretStore,
  secretStoreIn,
  SERVICE,
  type KeychainBackend,
} from '../../main/core/storage/secret-store';

const tokens: TokenSet = {
  accessToken: 'tok-SECRET-1',
  refreshToken: 'ref-SECRET-2',
  tokenType: 'Bearer',
  instanceUrl: 'https://a.example',
  issuedAt: 1,
  pkce: 'S256',
};

/** In-memory keychain that can be "locked" like gnome-keyring: get -> null, delete -> false, set -> throws. */
class FakeKeychain implements KeychainBackend {
  readonly items = new Map<string, string>();
  locked = false;
  calls: string[] = [];
  async getPassword(service: string, account: string) {
    this.calls.push(`get ${account}`);
    return this.locked ? null : (this.items.get(`${service}|${account}`) ?? null);
  }
  async setPassword(service: string, account: string, password: string) {
    this.calls.push(`set ${account}`);
    if (this.locked) throw new Error('Cannot create an item in a locked collection');
    this.items.set(`${service}|${account}`, password);
  }
  async deletePassword(service: string, account: string) {
    this.calls.push(`delete ${account}`);
    return this.locked ? false : this.items.delete(`${service}|${account}`);
  }
}

const failingBackend = (message: string): KeychainBackend => ({
  getPassword: () => Promise.reject(new Error(message)),
  setPassword: () => Promise.reject(new Error(message)),
  deletePassword: () => Promise.reject(new Error(message)),
});

async function errorOf(p: Promise<unknown>): Promise<PilotError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(PilotError);
  return e as PilotError;
}

describe('classifyKeychainFailure', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-session-bus'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'no-provider'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'no-keyring'],
    ['Cannot create an item in a locked collection', 'locked'],
    ['The user name or passphrase you entered is not correct.', 'locked'],
    ['User interaction is not allowed.', 'locked'],
    ['User canceled the operation.', 'cancelled'],
    ['Access is denied.', 'denied'],
    ['A specified logon session does not exist. It may already have been terminated.', 'denied'],
    ['The stub received bad data.', 'too-large'],
    ["Cannot find module 'keytar'", 'module'],
    ['libsecret-1.so.0: cannot open shared object file: No such file or directory', 'module'],
    ['something nobody has seen', 'other'],
  ])('%s -> %s', (message, failure) => {
    expect(classifyKeychainFailure(message)).toBe(failure);
  });
});

describe('keychainError', () => {
  it('gives an OS-specific next step', () => {
    expect(
      keychainError(new Error('Cannot create an item in a locked collection'), 'linux', 'save').hint,
    ).toMatch(/Unlock your keyring/);
    expect(
      keychainError(new Error('The user name or passphrase you entered is not correct.'), 'darwin', 'read')
        .hint,
    ).toMatch(/login keychain/);
    expect(keychainError(new Error('User canceled the operation.'), 'darwin', 'read').hint).toMatch(/Allow/);
    expect(keychainError(new Error('Access is denied.'), 'win32', 'save').hint).toMatch(/Credential Manager/);
    expect(
      keychainError(
        new Error('The name org.freedesktop.secrets was not provided by any .service files'),
        'linux',
        'read',
      ).hint,
    ).toMatch(/gnome-keyring or KWallet/);
  });

  it('never copies the OS text into message, hint or details (it might carry anything)', () => {
    const e = keychainError(new Error('locked: tok-SECRET-1'), 'linux', 'save');
    expect(e.code).toBe('keychain-unavailable');
    expect(`${e.message} ${e.hint} ${JSON.stringify(e.details)}`).not.toContain('tok-SECRET-1');
  });
});

describe('SecretStore with a stand-in backend', () => {
  it('stores both sign-ins of an org as JSON in one item: service pkce-pilot, account <alias>/sign-ins', async () => {
    const keychain = new FakeKeychain();
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    const okta = { ...tokens, accessToken: 'okta-SECRET-3', instanceUrl: 'https://acme.okta.com' };
    await store.set('acme', 'okta', okta);
    await store.set('acme', 'salesforce', tokens);
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/sign-ins`]);
    expect(JSON.parse(keychain.items.get(`${SERVICE}|acme/sign-ins`) ?? '')).toEqual({
      okta,
      salesforce: tokens,
    });
    keychain.calls = [];
    // Both sign-ins asked for at once (as verify and status do): one keychain read.
    expect(await Promise.all([store.get('acme', 'salesforce'), store.get('acme', 'okta')])).toEqual([
      tokens,
      okta,
    ]);
    expect(keychain.calls).toEqual(['get acme/sign-ins']);
  });

  it('on Windows keeps one item per org and provider (Credential Manager holds 2.5 KB per item)', async () => {
    const keychain = new FakeKeychain();
    const store = new SecretStore({ backend: keychain, platform: 'win32' });
    await store.set('acme', 'okta', tokens);
    await store.set('acme', 'salesforce', tokens);
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/okta`, `${SERVICE}|acme/salesforce`]);
    expect(await store.get('acme', 'okta')).toEqual(tokens);
    expect(await store.delete('acme', 'okta')).toBe(true);
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/salesforce`]);
  });

  it('moves the per-provider items of earlier versions into the org item the first time it reads them', async () => {
    const keychain = new FakeKeychain();
    const okta = { ...tokens, accessToken: 'okta-SECRET-3' };
    keychain.items.set(`${SERVICE}|acme/salesforce`, JSON.stringify(tokens));
    keychain.items.set(`${SERVICE}|acme/okta`, JSON.stringify(okta));
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    expect(await store.get('acme', 'okta')).toEqual(okta);
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/sign-ins`]);
    keychain.calls = [];
    expect(await store.get('acme', 'salesforce')).toEqual(tokens);
    expect(keychain.calls).toEqual(['get acme/sign-ins']);
  });

  it('keeps reading the old items when the keychain refuses the move, and loses nothing', async () => {
    const keychain = new FakeKeychain();
    keychain.items.set(`${SERVICE}|acme/salesforce`, JSON.stringify(tokens));
    keychain.setPassword = async () => {
      throw new Error('Cannot create an item in a locked collection');
    };
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    expect(await store.get('acme', 'salesforce')).toEqual(tokens);
    expect(await store.get('acme', 'okta')).toBeUndefined();
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/salesforce`]);
  });

  it('keeps the other sign-in when one is saved or deleted, and removes the item with the last one', async () => {
    const keychain = new FakeKeychain();
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    const okta = { ...tokens, accessToken: 'okta-SECRET-3' };
    // Saved side by side, as a Salesforce and an Okta refresh of one org can be: neither write is lost.
    await Promise.all([store.set('acme', 'salesforce', tokens), store.set('acme', 'okta', okta)]);
    expect(await store.get('acme', 'salesforce')).toEqual(tokens);
    expect(await store.get('acme', 'okta')).toEqual(okta);
    expect(await store.delete('acme', 'salesforce')).toBe(true);
    expect(await store.get('acme', 'salesforce')).toBeUndefined();
    expect(await store.get('acme', 'okta')).toEqual(okta);
    expect(await store.delete('acme', 'salesforce')).toBe(false);
    expect(await store.delete('acme', 'okta')).toBe(true);
    expect(keychain.items.size).toBe(0);
  });

  it('deleteAll removes the org item and any item of an earlier version, and nothing of another org', async () => {
    const keychain = new FakeKeychain();
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    await store.set('acme', 'salesforce', tokens);
    await store.set('beta', 'okta', tokens);
    keychain.items.set(`${SERVICE}|acme/okta`, JSON.stringify(tokens));
    await store.deleteAll('acme');
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|beta/sign-ins`]);
  });

  it('on Linux, a miss while locked is keychain-unavailable, and the probe leaves nothing behind when unlocked', async () => {
    const keychain = new FakeKeychain();
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    expect(await store.get('acme', 'salesforce')).toBeUndefined();
    expect(keychain.items.size).toBe(0);
    keychain.locked = true;
    expect((await errorOf(store.get('acme', 'salesforce'))).details['reason']).toBe('locked');
    expect((await errorOf(store.delete('acme', 'salesforce'))).details['reason']).toBe('locked');
    expect((await errorOf(store.deleteAll('acme'))).code).toBe('keychain-unavailable');
  });

  it('does not probe on macOS/Windows, where a locked keychain prompts or errors itself', async () => {
    const keychain = new FakeKeychain();
    expect(
      await new SecretStore({ backend: keychain, platform: 'darwin' }).get('acme', 'salesforce'),
    ).toBeUndefined();
    // The org item, then the items of earlier versions; no write probe.
    expect(keychain.calls).toEqual(['get acme/sign-ins', 'get acme/salesforce', 'get acme/okta']);
  });

  it('reports a damaged sign-in as storage, naming the org and provider, without its content', async () => {
    const keychain = new FakeKeychain();
    keychain.items.set(
      `${SERVICE}|acme/sign-ins`,
      JSON.stringify({ salesforce: { accessToken: 'tok-SECRET-1' }, okta: tokens }),
    );
    const store = new SecretStore({ backend: keychain });
    const e = await errorOf(store.get('acme', 'salesforce'));
    expect(e.code).toBe('storage');
    expect(e.message).toMatch(/Salesforce sign-in for acme/);
    expect(`${e.message} ${e.hint} ${JSON.stringify(e.details)} ${String(e.cause)}`).not.toContain('SECRET');
    // The other sign-in is still readable.
    expect(await store.get('acme', 'okta')).toEqual(tokens);
  });

  it('reports an org item that is not JSON as storage, and a new sign-in replaces it', async () => {
    const keychain = new FakeKeychain();
    keychain.items.set(`${SERVICE}|acme/sign-ins`, '{"salesforce":{"accessToken":"tok-SECRET-1"');
    const store = new SecretStore({ backend: keychain });
    const e = await errorOf(store.get('acme', 'okta'));
    expect(e).toMatchObject({
      code: 'storage',
      hint: expect.stringMatching(/Sign in to acme \(Okta\) again/),
    });
    expect(`${e.message} ${e.hint} ${JSON.stringify(e.details)}`).not.toContain('SECRET');
    await store.set('acme', 'okta', tokens);
    expect(await store.get('acme', 'okta')).toEqual(tokens);
    expect(await store.get('acme', 'salesforce')).toBeUndefined();
  });

  it('moves a damaged item of an earlier version too, still reported as unreadable', async () => {
    const keychain = new FakeKeychain();
    keychain.items.set(`${SERVICE}|acme/okta`, '{"accessToken":"tok-SECRET-1"');
    keychain.items.set(`${SERVICE}|acme/salesforce`, JSON.stringify(tokens));
    const store = new SecretStore({ backend: keychain });
    expect((await errorOf(store.get('acme', 'okta'))).message).toMatch(/Okta sign-in for acme/);
    expect(await store.get('acme', 'salesforce')).toEqual(tokens);
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/sign-ins`]);
  });

  it('refuses to save an incomplete token set without echoing any value', async () => {
    const keychain = new FakeKeychain();
    const e = await errorOf(
      new SecretStore({ backend: keychain }).set('acme', 'salesforce', { ...tokens, pkce: 'plain' as never }),
    );
    expect(e.details['field']).toBe('pkce');
    expect(JSON.stringify(e)).not.toContain('SECRET');
    expect(keychain.items.size).toBe(0);
  });

  it('turns a keytar failure into keychain-unavailable without plaintext fallback', async () => {
    const store = new SecretStore({
      backend: failingBackend('Cannot autolaunch D-Bus without X11 $DISPLAY'),
      platform: 'linux',
    });
    const e = await errorOf(store.set('acme', 'salesforce', tokens));
    expect(e).toMatchObject({
      code: 'keychain-unavailable',
      details: { reason: 'no-session-bus', operation: 'save' },
    });
  });

  it('reports a keytar module that cannot load, and retries loading on the next call', async () => {
    let attempts = 0;
    const store = new SecretStore({
      platform: 'linux',
      loadBackend: async () => {
        attempts++;
        if (attempts === 1) throw new Error('libsecret-1.so.0: cannot open shared object file');
        return new FakeKeychain();
      },
    });
    const e = await errorOf(store.get('acme', 'salesforce'));
    expect(e).toMatchObject({
      code: 'keychain-unavailable',
      details: { reason: 'module' },
      hint: expect.stringMatching(/libsecret/),
    });
    expect(await store.get('acme', 'salesforce')).toBeUndefined();
    expect(attempts).toBe(2);
  });

  it('validates alias and provider before touching the keychain', async () => {
    expect(() => accountFor('../x', 'salesforce')).toThrow(/not a valid org alias/);
    expect(() => accountFor('acme', 'github' as never)).toThrow(/not a provider/);
  });
});

describe('SecretStore call discipline', () => {
  const tokens = {
    accessToken: 'a',
    tokenType: 'Bearer',
    instanceUrl: 'https://x.example',
    issuedAt: 1,
    pkce: 'S256' as const,
  };

  it('never lets a keychain change overlap another call; reads overlap two at a time at most', async () => {
    let reads = 0;
    let changes = 0;
    let maxReads = 0;
    let overlappedChange = false;
    const items = new Map<string, string>();
    const slow = async <R>(change: boolean, work: () => R): Promise<R> => {
      if (change) changes += 1;
      else reads += 1;
      if (changes > 1 || (changes > 0 && reads > 0)) overlappedChange = true;
      maxReads = Math.max(maxReads, reads);
      await new Promise((r) => setTimeout(r, 5));
      if (change) changes -= 1;
      else reads -= 1;
      return work();
    };
    const backend = {
      getPassword: (_s: string, a: string) => slow(false, () => items.get(a) ?? null),
      setPassword: (_s: string, a: string, v: string) => slow(true, () => void items.set(a, v)),
      deletePassword: (_s: string, a: string) => slow(true, () => items.delete(a)),
    };
    const first = new SecretStore({ backend, platform: 'linux' });
    const second = new SecretStore({ backend, platform: 'linux' });
    await first.set('gamma', 'salesforce', tokens);
    await Promise.all([
      first.set('acme', 'salesforce', tokens),
      second.set('beta', 'okta', tokens),
      first.get('delta', 'okta'), // a miss: confirmed with a write probe, which runs alone
      second.get('beta', 'okta'),
      first.get('gamma', 'salesforce'),
      second.get('gamma', 'salesforce'),
      first.get('gamma', 'salesforce'),
    ]);
    expect(overlappedChange).toBe(false);
    expect(maxReads).toBe(2);
    expect(await second.get('acme', 'salesforce')).toMatchObject({ accessToken: 'a' });
  });

  it('two processes saving the two sign-ins of one org at once both keep theirs (the org lock file)', async () => {
    const items = new Map<string, string>();
    // Every call yields, so two read-modify-writes interleave unless something orders them.
    const later = <R>(work: () => R) => new Promise<R>((r) => setTimeout(() => r(work()), 2));
    const backend = {
      getPassword: (_s: string, a: string) => later(() => items.get(a) ?? null),
      setPassword: (_s: string, a: string, v: string) => later(() => void items.set(a, v)),
      deletePassword: (_s: string, a: string) => later(() => items.delete(a)),
    };
    const saveBoth = async (a: SecretStore, b: SecretStore, alias: string) => {
      await Promise.all([
        a.set(alias, 'salesforce', { ...tokens, accessToken: 'sf' }),
        b.set(alias, 'okta', { ...tokens, accessToken: 'okta' }),
      ]);
      return [(await a.get(alias, 'salesforce'))?.accessToken, (await a.get(alias, 'okta'))?.accessToken];
    };
    const folder = await mkdtemp(path.join(os.tmpdir(), 'pilot-keychain-lock-'));
    try {
      const locked = () => secretStoreIn(folder, { backend, platform: 'linux', confirmMisses: false });
      expect(await saveBoth(locked(), locked(), 'acme')).toEqual(['sf', 'okta']);
      // The same race without the lock loses one of them: the test can tell.
      const unlocked = () => new SecretStore({ backend, platform: 'linux', confirmMisses: false });
      expect(await saveBoth(unlocked(), unlocked(), 'beta')).not.toEqual(['sf', 'okta']);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('turns a keychain call that never answers into a clear keychain-unavailable error', async () => {
    const never = new Promise<never>(() => undefined);
    const store = new SecretStore({
      backend: { getPassword: () => never, setPassword: () => never, deletePassword: () => never },
      callTimeoutMs: 50,
    });
    await expect(store.get('acme', 'salesforce')).rejects.toMatchObject({
      code: 'keychain-unavailable',
      message: 'The system keychain did not answer in time.',
      details: { reason: 'no-answer' },
    });
    // The queue moves on: a later call on a healthy backend still works.
    const healthy = new SecretStore({
      backend: {
        getPassword: async () => null,
        setPassword: async () => undefined,
        deletePassword: async () => false,
      },
      confirmMisses: false,
    });
    expect(await healthy.get('acme', 'salesforce')).toBeUndefined();
  });
});
