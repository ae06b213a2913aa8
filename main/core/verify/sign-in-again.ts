/**
 * The one next step for every check that could not run because a sign-in is missing or gone: the exact
 * CLI command for this org (and the app's button). Aliases are validated at `org add`, so they are safe
 * to print; a stray character is dropped anyway.
 */
import type { ProviderId } from '../model';

function safeAlias(alias: string): string {
  return alias.replace(/[^A-Za-z0-9._-]/g, '');
}

export function loginCommand(alias: string, provider: ProviderId): string {
  return `pkce-pilot login ${safeAlias(alias)}${provider === 'okta' ? ' --okta' : ''}`;
}

/** "sign in again: `pkce-pilot login acme`, or Sign in to Salesforce in the app". */
export function signInAgain(alias: string, provider: ProviderId): string {
  const where = provider === 'okta' ? 'Sign in to Okta' : 'Sign in to Salesforce';
  return `sign in again: \`${loginCommand(alias, provider)}\` (or "${where}" in the app)`;
}
