/** Small shared pieces of the attack tests: an org record, a keychain stand-in, a SignInService. */
import { createHttpClient } from '../../main/core/http';
import type { OrgSettings, RedirectKind } from '../../main/core/model';
import { SecretStore, type KeychainBackend } from '../../main/core/storage/secret-store';
import { SignInService } from '../../main/core/auth/sign-in';

export const http = createHttpClient({ env: {}, timeoutMs: 5_000 });

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
  return process.env['DBUS_SESSION_BUS_ADDRESS']
    ? new SecretStore()
    : new SecretStore({ backend: memoryBackend(), confirmMisses: false });
}

export function orgRecord(
  alias: string,
  baseUrl: string,
  clientId: string,
  port: number,
  redirect: RedirectKind = 'loopback',
): OrgSettings {
  const now = new Date().toISOString();
  return { alias, salesforce: { baseUrl, clientId, redirect, port }, createdAt: now, updatedAt: now };
}

export function signInService(orgs: Map<string, OrgSettings>, secrets: SecretStore): SignInService {
  return new SignInService({
    orgs: {
      get: async (alias) => {
        const o = orgs.get(alias);
        if (!o) throw new Error(`no org ${alias}`);
        return o;
      },
    },
    secrets,
    http,
    openBrowser: async () => undefined,
  });
}
