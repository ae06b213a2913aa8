/** Small shared pieces of the attack tests: an org record, a keychain stand-in, a SignInService. */
import { createHttpClient } from '../../main/core/http';
import type { OrgSettings, RedirectKind } from '../../main/core/model';
import type { SecretStore } from '../../main/core/storage/secret-store';
import { SignInService } from '../../main/core/auth/sign-in';

export const http = createHttpClient({ env: {}, timeoutMs: 5_000 });

export { memoryBackend, testSecrets } from '../helpers/keychain';

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
