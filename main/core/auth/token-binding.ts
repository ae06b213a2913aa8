/**
 * Tokens are bound to the server that issued them (issue 13 §2, RFC 9700 §4.4): the keychain record
 * names its token and revocation endpoints and client id, and a token is only ever sent there. The
 * org's settings (orgs.json, the app's form) decide where a *new* sign-in goes, never where an existing
 * token goes. Changing an org's login URL or client id while signed in is refused until sign-out:
 * refusing needs no network and cannot leave a live token behind at a server we no longer know.
 */
import { PilotError } from '../errors';
import type { OrgSettings, ProviderId, ProviderSettings, TokenBinding, TokenSet } from '../model';
import { endpointsFor, providerLabel, type ProviderEndpoints } from './providers';

export function bindingFor(provider: ProviderId, settings: ProviderSettings): TokenBinding {
  const e = endpointsFor(provider, settings.baseUrl);
  return {
    issuer: e.issuer,
    tokenEndpoint: e.tokenEndpoint,
    revocationEndpoint: e.revocationEndpoint,
    clientId: settings.clientId,
  };
}

/** The endpoints a stored token set may use: its own record's, whatever the org's settings say now. */
export function boundEndpoints(provider: ProviderId, binding: TokenBinding): ProviderEndpoints {
  return {
    ...endpointsFor(provider, binding.issuer),
    tokenEndpoint: binding.tokenEndpoint,
    revocationEndpoint: binding.revocationEndpoint,
  };
}

/** True when a sign-in with `settings` would reach the same server and client as `binding`. */
export function sameServer(binding: TokenBinding, provider: ProviderId, settings: ProviderSettings): boolean {
  const now = bindingFor(provider, settings);
  return (
    now.issuer === binding.issuer &&
    now.tokenEndpoint === binding.tokenEndpoint &&
    now.revocationEndpoint === binding.revocationEndpoint &&
    now.clientId === binding.clientId
  );
}

/** A stored set from before tokens were bound: it is not sent anywhere, the admin signs in again. */
export function unboundTokensError(alias: string, provider: ProviderId): PilotError {
  const p = providerLabel(provider);
  return new PilotError(
    'not-signed-in',
    `The ${p} sign-in for ${alias} was saved by an older PKCE Pilot that did not record which server issued it, so it is not used.`,
    `Run \`pkce-pilot login ${alias}${provider === 'okta' ? ' --okta' : ''}\` to sign in again (that replaces it).`,
    { alias, provider },
  );
}

/** The stored set's binding, or the error for an unbound record (written by an earlier version). */
export function requireBinding(alias: string, provider: ProviderId, tokens: TokenSet): TokenBinding {
  if (!tokens.boundTo) throw unboundTokensError(alias, provider);
  return tokens.boundTo;
}

/**
 * The org's settings no longer name the server the tokens came from (edited orgs.json, or a change
 * made by an older version): the tokens are not used for anything but revocation at their own server.
 */
export function retargetedError(alias: string, provider: ProviderId, binding: TokenBinding): PilotError {
  const p = providerLabel(provider);
  return new PilotError(
    'not-signed-in',
    `The ${p} settings of ${alias} no longer match the server PKCE Pilot signed in to (${new URL(binding.issuer).host}), so the saved sign-in is not used.`,
    `Run \`pkce-pilot logout ${alias}${provider === 'okta' ? ' --okta' : ''}\` (it revokes the sign-in at ${new URL(binding.issuer).host}), then sign in again.`,
    { alias, provider },
  );
}

/** Throws unless the stored tokens may be used with the org as configured now. */
export function assertTokensUsable(
  alias: string,
  provider: ProviderId,
  tokens: TokenSet,
  org: OrgSettings,
): void {
  const binding = requireBinding(alias, provider, tokens);
  const settings = provider === 'salesforce' ? org.salesforce : org.okta;
  if (!settings || !sameServer(binding, provider, settings)) throw retargetedError(alias, provider, binding);
}

/** Which providers' server (login URL / client id) a change of settings would move. */
export function movedProviders(before: OrgSettings, after: OrgSettings): ProviderId[] {
  const moved: ProviderId[] = [];
  const changed = (a: ProviderSettings | undefined, b: ProviderSettings | undefined): boolean =>
    a?.baseUrl !== b?.baseUrl || a?.clientId !== b?.clientId;
  if (changed(before.salesforce, after.salesforce)) moved.push('salesforce');
  if (before.okta && changed(before.okta, after.okta)) moved.push('okta');
  return moved;
}

/** The refusal when a change would move a signed-in provider to another server or client. */
export function signedInChangeError(alias: string, provider: ProviderId): PilotError {
  const p = providerLabel(provider);
  const flag = provider === 'okta' ? ' --okta' : '';
  return new PilotError(
    'signed-in',
    `${alias} is signed in to ${p}: its ${provider === 'okta' ? 'Okta org URL or client id' : 'login URL or client id'} cannot change while tokens from the current server are kept.`,
    `Sign out first with \`pkce-pilot logout ${alias}${flag}\` (it revokes the tokens at the current server), change the org, then sign in again.`,
    { alias, provider },
  );
}
