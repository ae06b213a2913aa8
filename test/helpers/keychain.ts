/**
 * The keychain in tests. scripts/with-keyring.sh runs a suite inside a D-Bus session with a throwaway
 * gnome-keyring; without that session the tests that need the real keychain skip, saying why.
 */
import type { TokenVault } from '../../main/core/auth/token-service';
import type { ProviderId, TokenSet } from '../../main/core/model';
import { SecretStore, type KeychainBackend } from '../../main/core/storage/secret-store';

export const HAS_KEYCHAIN = Boolean(process.env['DBUS_SESSION_BUS_ADDRESS']);

/** The skip reason of tests that need the real keychain. */
export const NEEDS_KEYCHAIN =
  'needs the real keychain: run under scripts/with-keyring.sh (DBUS_SESSION_BUS_ADDRESS is unset)';

/** A keychain stand-in in memory, for flows that do not test the keychain itself. */
export function memoryBackend(): KeychainBackend {
  const m = new Map<string, string>();
  return {
    getPassword: async (s, a) => m.get(`${s}/${a}`) ?? null,
    setPassword: async (s, a, p) => void m.set(`${s}/${a}`, p),
    deletePassword: async (s, a) => m.delete(`${s}/${a}`),
  };
}

/** The real keychain under scripts/with-keyring.sh, else SecretStore over memory. */
export function testSecrets(): SecretStore {
  return HAS_KEYCHAIN
    ? new SecretStore()
    : new SecretStore({ backend: memoryBackend(), confirmMisses: false });
}

/** A token vault in memory (the TokenService seam), whose items a test can read back. */
export class MemoryVault implements TokenVault {
  readonly items = new Map<string, TokenSet>();
  async get(alias: string, provider: ProviderId): Promise<TokenSet | undefined> {
    return this.items.get(`${alias}/${provider}`);
  }
  async set(alias: string, provider: ProviderId, tokens: TokenSet): Promise<void> {
    this.items.set(`${alias}/${provider}`, tokens);
  }
  async delete(alias: string, provider: ProviderId): Promise<boolean> {
    return this.items.delete(`${alias}/${provider}`);
  }
}
