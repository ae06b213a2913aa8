/**
 * Child process for secret-store integration tests: runs one SecretStore operation with the real keytar
 * in whatever D-Bus environment the parent gave it and prints the outcome as one JSON line.
 * Never prints token values: only whether a value came back.
 */
import { execFileSync } from 'node:child_process';
import { isPilotError } from '../../main/core/errors';
import { SecretStore } from '../../main/core/storage/secret-store';

async function main(): Promise<void> {
  const [operation = 'get', alias = 'child-org'] = process.argv.slice(2);
  const store = new SecretStore();
  try {
    if (operation === 'locked') {
      await lockedScenario(store, alias);
      return;
    }
    if (operation === 'get') {
      const tokens = await store.get(alias, 'salesforce');
      console.log(JSON.stringify({ ok: true, found: tokens !== undefined }));
    } else if (operation === 'set') {
      await store.set(alias, 'salesforce', {
        accessToken: 'child-access',
        tokenType: 'Bearer',
        instanceUrl: 'https://x.example',
        issuedAt: 1,
        pkce: 'S256',
      });
      console.log(JSON.stringify({ ok: true }));
    } else {
      console.log(JSON.stringify({ ok: true, deleted: await store.delete(alias, 'salesforce') }));
    }
  } catch (e) {
    console.log(
      JSON.stringify(
        isPilotError(e)
          ? { ok: false, code: e.code, message: e.message, hint: e.hint, reason: e.details['reason'] }
          : { ok: false, code: 'not-a-pilot-error', message: String(e) },
      ),
    );
  }
}

/**
 * Stores an item, locks this child's own keyring over D-Bus, then tries get, set and delete.
 * gnome-keyring cannot be unlocked again headless, so this runs only in a private keyring session.
 */
async function lockedScenario(store: SecretStore, alias: string): Promise<void> {
  await store.set(alias, 'salesforce', {
    accessToken: 'child-access',
    tokenType: 'Bearer',
    instanceUrl: 'https://x.example',
    issuedAt: 1,
    pkce: 'S256',
  });
  execFileSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    'array:objpath:/org/freedesktop/secrets/collection/login',
  ]);
  const outcomes = [];
  for (const attempt of [
    () => store.get(alias, 'salesforce'),
    () =>
      store.set(alias, 'salesforce', {
        accessToken: 'child-access-2',
        tokenType: 'Bearer',
        instanceUrl: 'https://x.example',
        issuedAt: 2,
        pkce: 'S256',
      }),
    () => store.delete(alias, 'salesforce'),
  ]) {
    outcomes.push(
      await attempt().then(
        () => ({ ok: true }),
        (e: unknown) =>
          isPilotError(e)
            ? {
                ok: false,
                code: e.code,
                message: e.message,
                hint: e.hint,
                reason: e.details['reason'],
                leaked: JSON.stringify(e).includes('child-access'),
              }
            : { ok: false, code: 'not-a-pilot-error' },
      ),
    );
  }
  console.log(JSON.stringify({ ok: true, outcomes }));
}

void main();
