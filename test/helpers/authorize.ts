/**
 * The browser step of a PKCE sign-in against the test servers, done with fetch: builds the
 * authorization request (RFC 6749 §4.1.1 + RFC 7636 §4.3), signs in and consents on the server's
 * pages, and returns the authorization code from the redirect — for tests that exercise the token
 * client directly rather than through SignInService.
 */
import type { ProviderEndpoints } from '../../main/core/auth/providers';
import { codeChallengeS256 } from '../../main/core/auth/pkce';
import { completeAuthorizationWithFetch } from '../servers/fetch-login';

export interface AuthorizeOptions {
  readonly endpoints: ProviderEndpoints;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly verifier: string;
  readonly scope?: string;
  readonly login?: string;
}

export async function authorizeForCode(o: AuthorizeOptions): Promise<string> {
  const url = new URL(o.endpoints.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: o.clientId,
    redirect_uri: o.redirectUri,
    scope: o.scope ?? 'api refresh_token id',
    state: 'st',
    code_challenge: codeChallengeS256(o.verifier),
    code_challenge_method: 'S256',
  }).toString();
  const callback = await completeAuthorizationWithFetch(url.href, { login: o.login ?? 'ada' });
  // Custom schemes and loopback URLs both parse once the redirect URI part is swapped for a plain base.
  const code = new URL(callback.replace(o.redirectUri, 'http://cb/')).searchParams.get('code');
  if (!code) throw new Error('the server redirected without a code');
  return code;
}
