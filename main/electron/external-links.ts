/** Opens admin pages and sign-in URLs in the system browser, allow-listed hosts only. */
import { shell } from 'electron';
import { PilotError } from '../core/errors';
import { isAllowedExternalUrl } from './policy';

/**
 * Returns the function the core uses to open a URL. `allowedHosts` is read on every call because
 * the admin can add orgs (and so hosts) while the app runs.
 */
export function createExternalOpener(allowedHosts: () => Iterable<string> | Promise<Iterable<string>>) {
  return async function openExternal(url: string): Promise<void> {
    if (!isAllowedExternalUrl(url, await allowedHosts())) {
      throw new PilotError(
        'forbidden',
        'PKCE Pilot only opens https pages on Salesforce, Okta and your configured org hosts.',
        'Check the org URL in the org settings.',
      );
    }
    await shell.openExternal(url, { activate: true });
  };
}
