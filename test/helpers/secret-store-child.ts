/**
 * Child process for secret-store integration tests: runs one SecretStore operation with the real keytar
 * in whatever D-Bus environment the parent gave it and prints the outcome as one JSON line.
 * Never prints token values: only whether a value came back.
 */
import { isPilotError } from '../../main/core/errors';
import { SecretStore } from '../../main/core/secret-store';

async function main(): Promise<void> {
  const [operation = 'get', alias = 'child-org'] = process.argv.slice(2);
  const store = new SecretStore();
  try {
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

void main();
