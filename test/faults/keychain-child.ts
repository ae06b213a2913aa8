/**
 * Child process for the keychain fault rows: stores a token set through TokenService's refresh path
 * (the way a refresh persists a rotated set) with the real keytar, in whatever D-Bus environment the
 * parent gave it, then reports the outcome as one JSON line. `lock` first locks the login collection
 * of the (private) gnome-keyring it runs under. Never prints token values.
 */
import { execFileSync } from 'node:child_process';
import { isPilotError } from '../../main/core/errors';
import type { TokenSet } from '../../main/core/model';
import { SecretStore } from '../../main/core/storage/secret-store';
import { TokenService } from '../../main/core/auth/token-service';

const STALE: TokenSet = {
  accessToken: 'child-old-access',
  refreshToken: 'child-old-refresh',
  tokenType: 'Bearer',
  instanceUrl: 'https://x.example',
  issuedAt: 1,
  pkce: 'S256',
};

function lockLoginCollection(): void {
  execFileSync('dbus-send', [
    '--session',
    '--print-reply',
    '--dest=org.freedesktop.secrets',
    '/org/freedesktop/secrets',
    'org.freedesktop.Secret.Service.Lock',
    'array:objpath:/org/freedesktop/secrets/collection/login',
  ]);
}

async function main(): Promise<void> {
  const [mode = 'plain'] = process.argv.slice(2);
  const store = new SecretStore();
  let refreshCalls = 0;
  let result: Record<string, unknown>;
  try {
    if (mode === 'lock') {
      // A signed-in set exists before the keyring gets locked (screen lock, idle timeout).
      await store.set('child-org', 'salesforce', STALE);
      lockLoginCollection();
    }
    const service = new TokenService({
      secretStore: store,
      refresh: async (_alias, _provider, tokens) => {
        refreshCalls++;
        return { ...tokens, accessToken: 'child-new-access', refreshToken: 'child-new-refresh' };
      },
    });
    await service.refresh('child-org', 'salesforce');
    result = { ok: true };
  } catch (e) {
    result = isPilotError(e)
      ? { ok: false, code: e.code, message: e.message, hint: e.hint, reason: e.details['reason'] }
      : { ok: false, code: 'not-a-pilot-error', message: String(e) };
  }
  // refreshCalls 0 = the token endpoint was never asked, so no rotated token can have been lost.
  console.log(JSON.stringify({ ...result, refreshCalls }));
}

void main();
