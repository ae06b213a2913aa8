/**
 * SecretStore against the real OS keychain. Run inside a private D-Bus session with an unlocked
 * gnome-keyring:  scripts/with-keyring.sh npx vitest run test/integration/secret-store.test.ts
 * Without DBUS_SESSION_BUS_ADDRESS the keyring cases skip (they would touch no keychain at all).
 * The no-bus and bus-without-provider cases start their own child processes and run anywhere with dbus-run-session.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TokenSet } from '../../main/core/model';
import { SecretStore, SERVICE, type KeychainBackend } from '../../main/core/storage/secret-store';
import { bundleForChild, childEnv } from '../helpers/bundle-for-child';
import { HAS_KEYCHAIN } from '../helpers/keychain';

const run = promisify(execFile);
const isLinux = process.platform === 'linux';
const hasCommand = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

const tokens: TokenSet = {
  accessToken: 'secret-access-00DABC!AQ0AQ',
  refreshToken: 'secret-refresh-5Aep861',
  tokenType: 'Bearer',
  instanceUrl: 'https://acme.my.salesforce.com',
  identityUrl: 'https://login.salesforce.com/id/00D000000000001/005000000000001',
  issuedAt: 1_764_000_000_000,
  scope: 'api refresh_token',
  pkce: 'S256',
  username: 'admin@acme.example',
};

/**
 * Accounts stored under our service, read with libsecret's own CLI. secret-tool prints attributes on
 * stderr and labels/secrets on stdout; only the account attribute lines are kept. Other test files share
 * this keyring (one per `npm test`), so only this file's orgs (`ss-…`) and the keychain probe count.
 */
async function accountsInKeyring(): Promise<string[]> {
  const { stderr } = await run('secret-tool', ['search', '--all', 'service', SERVICE]).catch(
    (e: { stderr?: string }) => ({ stderr: e.stderr ?? '' }),
  );
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('attribute.account = '))
    .map((line) => line.slice('attribute.account = '.length))
    .filter((account) => account.startsWith('ss-') || !account.includes('/'))
    .sort();
}

async function rawKeytar(): Promise<KeychainBackend> {
  const mod = (await import('keytar')) as unknown as KeychainBackend & { default?: KeychainBackend };
  return mod.default ?? mod;
}

describe.skipIf(!HAS_KEYCHAIN || !isLinux)(
  'SecretStore with the real gnome-keyring (needs scripts/with-keyring.sh)',
  () => {
    const store = new SecretStore();

    it('stores, reads back and deletes a token set under service pkce-pilot, account <alias>/sign-ins', async () => {
      expect(await store.get('ss-acme', 'salesforce')).toBeUndefined();
      await store.set('ss-acme', 'salesforce', tokens);
      expect(await store.get('ss-acme', 'salesforce')).toEqual(tokens);
      expect(await accountsInKeyring()).toEqual(['ss-acme/sign-ins']);

      await store.set('ss-acme', 'salesforce', { ...tokens, accessToken: 'secret-access-rotated' });
      expect((await store.get('ss-acme', 'salesforce'))?.accessToken).toBe('secret-access-rotated');
      expect(await accountsInKeyring()).toEqual(['ss-acme/sign-ins']);

      expect(await store.delete('ss-acme', 'salesforce')).toBe(true);
      expect(await store.get('ss-acme', 'salesforce')).toBeUndefined();
      expect(await store.delete('ss-acme', 'salesforce')).toBe(false);
      expect(await accountsInKeyring()).toEqual([]);
    });

    it('deleteAll removes every provider of one org and nothing of another', async () => {
      await store.set('ss-acme', 'salesforce', tokens);
      await store.set('ss-acme', 'okta', {
        ...tokens,
        tokenType: 'DPoP',
        instanceUrl: 'https://acme.okta.com',
      });
      await store.set('ss-beta', 'salesforce', tokens);
      expect(await accountsInKeyring()).toEqual(['ss-acme/sign-ins', 'ss-beta/sign-ins']);
      expect((await store.get('ss-acme', 'okta'))?.tokenType).toBe('DPoP');
      expect((await store.get('ss-acme', 'salesforce'))?.tokenType).toBe(tokens.tokenType);
      await store.deleteAll('ss-acme');
      expect(await accountsInKeyring()).toEqual(['ss-beta/sign-ins']);
      await store.deleteAll('ss-beta');
      // The write probe used to tell "missing" from "locked" leaves nothing behind.
      expect(await accountsInKeyring()).toEqual([]);
    });

    it('answers many reads asked for at once, each with its own item, among writes and misses', async () => {
      const aliases = Array.from({ length: 40 }, (_, i) => `ss-many-${i}`);
      for (const alias of aliases) await store.set(alias, 'salesforce', { ...tokens, username: alias });
      // Reads share the keychain (two at a time); the misses' write probes and the writes run alone.
      const read = await Promise.all([
        ...aliases.map((alias) => store.get(alias, 'salesforce')),
        store.get('ss-many-missing', 'okta'),
        store.set('ss-many-0', 'okta', tokens),
        ...aliases.map((alias) => store.get(alias, 'salesforce')),
      ]);
      const users = read.map((t) => (t && typeof t === 'object' ? t.username : t));
      expect(users).toEqual([...aliases, undefined, undefined, ...aliases]);
      for (const alias of aliases) await store.deleteAll(alias);
      expect(await accountsInKeyring()).toEqual([]);
    });

    it('reports a damaged item as storage without echoing its content', async () => {
      const keytar = await rawKeytar();
      await keytar.setPassword(SERVICE, 'ss-acme/okta', '{"accessToken":"leaky-secret-value"');
      const error = await store.get('ss-acme', 'okta').catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'storage',
        hint: expect.stringMatching(/Sign in to ss-acme \(Okta\) again/),
      });
      expect(JSON.stringify(error)).not.toContain('leaky-secret-value');
      expect(String((error as Error).message)).not.toContain('leaky-secret-value');
      expect(await store.delete('ss-acme', 'okta')).toBe(true);
      expect(await accountsInKeyring()).toEqual([]);
    });

    it('moves the items an earlier version saved (one per provider) into the org item', async () => {
      const keytar = await rawKeytar();
      const okta = { ...tokens, tokenType: 'DPoP', instanceUrl: 'https://acme.okta.com' };
      await keytar.setPassword(SERVICE, 'ss-old/salesforce', JSON.stringify(tokens));
      await keytar.setPassword(SERVICE, 'ss-old/okta', JSON.stringify(okta));
      expect(await Promise.all([store.get('ss-old', 'salesforce'), store.get('ss-old', 'okta')])).toEqual([
        tokens,
        okta,
      ]);
      expect(await accountsInKeyring()).toEqual(['ss-old/sign-ins']);
      expect(await new SecretStore().get('ss-old', 'okta')).toEqual(okta);
      await store.deleteAll('ss-old');
      expect(await accountsInKeyring()).toEqual([]);
    });
  },
);

describe.skipIf(!isLinux || !hasCommand('dbus-run-session'))(
  'SecretStore without a usable Secret Service (child processes)',
  () => {
    let child = { file: '', folder: '' };
    let busConfig = '';
    beforeAll(async () => {
      child = await bundleForChild(path.resolve(__dirname, '../helpers/secret-store-child.ts'));
      // A session bus that knows no .service files, so nothing can provide org.freedesktop.secrets.
      busConfig = path.join(await mkdtemp(path.join(os.tmpdir(), 'pilot-bus-')), 'session.conf');
      await writeFile(
        busConfig,
        `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig><type>session</type><listen>unix:tmpdir=${os.tmpdir()}</listen><auth>EXTERNAL</auth>
<policy context="default"><allow send_destination="*" eavesdrop="true"/><allow receive_sender="*"/><allow own="*"/></policy></busconfig>`,
      );
    });
    afterAll(async () => {
      if (child.folder) await rm(child.folder, { recursive: true, force: true });
      if (busConfig) await rm(path.dirname(busConfig), { recursive: true, force: true });
    });

    async function runChild(command: string[], env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
      const [file = '', ...args] = command;
      const { stdout } = await run(file, args, { env, timeout: 20_000 });
      const line = stdout.trim().split('\n').pop() ?? '';
      return JSON.parse(line) as Record<string, unknown>;
    }

    // Its own private bus and keyring (with-keyring.sh again): gnome-keyring cannot be unlocked again
    // headless, so locking the shared test keyring would break every keychain test running beside it.
    it.skipIf(!hasCommand('gnome-keyring-daemon'))(
      'a locked keyring gives keychain-unavailable for get, set and delete (not "not signed in")',
      async () => {
        const withKeyring = path.resolve(__dirname, '../../scripts/with-keyring.sh');
        const result = await runChild([withKeyring, process.execPath, child.file, 'locked'], childEnv({}));
        expect(result['outcomes']).toHaveLength(3);
        for (const outcome of result['outcomes'] as Record<string, unknown>[]) {
          expect(outcome).toMatchObject({
            ok: false,
            code: 'keychain-unavailable',
            message: 'The system keychain is locked.',
            hint: expect.stringMatching(/Unlock your keyring/),
            reason: 'locked',
            leaked: false,
          });
        }
      },
    );

    it.each(['get', 'set', 'delete'])(
      'no session bus at all: %s fails fast with a clear message',
      async (operation) => {
        const env = childEnv({
          DBUS_SESSION_BUS_ADDRESS: undefined,
          DISPLAY: undefined,
          WAYLAND_DISPLAY: undefined,
          XDG_RUNTIME_DIR: undefined,
        });
        const result = await runChild([process.execPath, child.file, operation], env);
        expect(result).toMatchObject({
          ok: false,
          code: 'keychain-unavailable',
          reason: 'no-session-bus',
          message: expect.stringMatching(/no D-Bus session/),
          hint: expect.stringMatching(/desktop session.*dbus-run-session/),
        });
      },
    );

    it.each(['get', 'set', 'delete'])(
      'a bus without a Secret Service provider: %s names the missing provider',
      async (operation) => {
        const result = await runChild(
          ['dbus-run-session', `--config-file=${busConfig}`, '--', process.execPath, child.file, operation],
          childEnv({}),
        );
        expect(result).toMatchObject({
          ok: false,
          code: 'keychain-unavailable',
          reason: 'no-provider',
          message: expect.stringMatching(/no Secret Service provider/),
          hint: expect.stringMatching(/gnome-keyring or KWallet/),
        });
      },
    );
  },
);
