/**
 * SecretStore's error handling with stand-in backends that fail exactly the way keytar does on each OS
 * (messages measured here on Linux; macOS/Windows texts are those of SecCopyErrorMessageString and
 * FormatMessage). Needs no keychain, so it always runs.
 */
import { describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import type { TokenSet } from '../../main/core/model';
import {
  accountFor,
  classifyKeychainFailure,
  keychainError,
  SecretStore,
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
  it('stores JSON under service pkce-pilot and account <alias>/<provider>', async () => {
    const keychain = new FakeKeychain();
    const store = new SecretStore({ backend: keychain, platform: 'linux' });
    await store.set('acme', 'okta', tokens);
    expect([...keychain.items.keys()]).toEqual([`${SERVICE}|acme/okta`]);
    expect(await store.get('acme', 'okta')).toEqual(tokens);
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
    expect(keychain.calls).toEqual(['get acme/salesforce']);
  });

  it('reports a damaged item as storage, naming the org and provider, without its content', async () => {
    const keychain = new FakeKeychain();
    keychain.items.set(`${SERVICE}|acme/salesforce`, JSON.stringify({ accessToken: 'tok-SECRET-1' }));
    const e = await errorOf(new SecretStore({ backend: keychain }).get('acme', 'salesforce'));
    expect(e.code).toBe('storage');
    expect(e.message).toMatch(/Salesforce sign-in for acme/);
    expect(`${e.message} ${e.hint} ${JSON.stringify(e.details)} ${String(e.cause)}`).not.toContain('SECRET');
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
      first.get('acme', 'okta'), // a miss: confirmed with a write probe, which runs alone
      second.get('beta', 'okta'),
      first.get('gamma', 'salesforce'),
      second.get('gamma', 'salesforce'),
      first.get('gamma', 'salesforce'),
    ]);
    expect(overlappedChange).toBe(false);
    expect(maxReads).toBe(2);
    expect(await second.get('acme', 'salesforce')).toMatchObject({ accessToken: 'a' });
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
