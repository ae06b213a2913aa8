/**
 * How sign-ins are laid out in the keychain (pure: names and item text; SecretStore does the I/O).
 *
 * 'per-org': one item per org, account "<alias>/sign-ins", holding both providers' token sets as JSON
 * (`{"salesforce": {…}, "okta": {…}}`). `verify --all` and `status` need both sign-ins of every org, and
 * each keychain read is a round trip through D-Bus to the keyring daemon: one item per org halves them
 * (200 orgs: 200 reads instead of 400, the run 11 % faster on the bench world).
 *
 * 'per-provider': one item per org and provider, account "<alias>/<provider>". Windows keeps it: its
 * Credential Manager holds at most 2.5 KB per item, and an Okta sign-in with its DPoP key is ~2 KB by
 * itself. Elsewhere these items are what earlier versions saved; SecretStore moves them into the org's
 * item when it first meets them.
 */
import type { ProviderId } from '../model';

export type SignInLayout = 'per-org' | 'per-provider';

export function defaultLayout(platform: NodeJS.Platform): SignInLayout {
  return platform === 'win32' ? 'per-provider' : 'per-org';
}

/** Aliases have no "/" (org-store.ts), so neither account can meet another org's or the probe's. */
export function orgAccount(alias: string): string {
  return `${alias}/sign-ins`;
}

export function providerAccount(alias: string, provider: ProviderId): string {
  return `${alias}/${provider}`;
}

/** An org's stored sign-ins by provider, each as stored (validated only when asked for). */
export type StoredSignIns = Partial<Record<ProviderId, unknown>>;

/** What an org item's text holds; `damaged` when it is not a JSON object (nothing in it is usable). */
export function parseOrgItem(text: string): { signIns: StoredSignIns; damaged: boolean } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { signIns: {}, damaged: true };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { signIns: {}, damaged: true };
  const signIns: StoredSignIns = {};
  const record = json as Record<string, unknown>;
  if ('salesforce' in record) signIns.salesforce = record['salesforce'];
  if ('okta' in record) signIns.okta = record['okta'];
  return { signIns, damaged: false };
}

/**
 * A per-provider item's text as a value of the org item: its JSON, or the text itself when it is not
 * JSON — still unreadable after the move, so the admin is told to sign in again rather than told nothing.
 */
export function legacyValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function orgItemText(signIns: StoredSignIns): string {
  return JSON.stringify(signIns);
}

export function isEmpty(signIns: StoredSignIns): boolean {
  return signIns.salesforce === undefined && signIns.okta === undefined;
}
