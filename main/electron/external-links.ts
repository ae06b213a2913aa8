/**
 * The two ways the app sends the admin to the system browser (never a webview, RFC 8252 §8.12):
 * admin deep links (https, allow-listed hosts) and sign-in pages (exactly a configured
 * authorization server's origin). Both decisions are the pure rules in policy.ts.
 */
import { shell } from 'electron';
import { PilotError } from '../core/errors';
import { isAllowedExternalUrl, isAllowedSignInUrl } from './policy';

type Source = () => Iterable<string> | Promise<Iterable<string>>;

/** `allowedHosts` is read on every call: the admin can add orgs (and so hosts) while the app runs. */
export function createLinkOpener(allowedHosts: Source) {
  return async function openLink(url: string): Promise<void> {
    if (!isAllowedExternalUrl(url, await allowedHosts())) {
      throw new PilotError(
        'forbidden',
        'PKCE Pilot only opens https pages on the Salesforce and Okta hosts of your configured orgs.',
        'Check the org URLs in the org settings.',
      );
    }
    // electron-security-exception OPEN_EXTERNAL_JS_CHECK: url passed isAllowedExternalUrl (https, exact allow-listed host)
    await shell.openExternal(url, { activate: true });
  };
}

export function createSignInPageOpener(allowedOrigins: Source) {
  return async function openSignInPage(url: string): Promise<void> {
    if (!isAllowedSignInUrl(url, await allowedOrigins())) {
      throw new PilotError(
        'forbidden',
        'The sign-in page is not on the Salesforce or Okta address configured for this org.',
        'Check the org URLs in the org settings, then sign in again.',
      );
    }
    // electron-security-exception OPEN_EXTERNAL_JS_CHECK: url passed isAllowedSignInUrl (configured authorization server origin only)
    await shell.openExternal(url, { activate: true });
  };
}
