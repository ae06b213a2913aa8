/**
 * Who signed in, for the status display: Salesforce's identity URL (the `id` of the token response)
 * and Okta's userinfo (OIDC Core §5.3). The token goes in the Authorization header only, never the query.
 */
import * as oauth from 'oauth4webapi';
import { PilotError } from '../errors';
import { readJsonAnswer, readJsonResponse, type HttpClient } from '../http';
import { isOk, plainRequestOf, type MaybePlain } from '../plain-answer';
import { isLoopbackHost } from './login-url';
import type { TokenSet } from '../model';
import { dpopHandleFor } from './token-client';

export interface Identity {
  readonly username: string;
  readonly userId: string;
  readonly orgId?: string;
  readonly displayName?: string;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function assertSafeTarget(url: URL): void {
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return;
  throw new PilotError(
    'bad-response',
    `The identity address ${url.host} is not https.`,
    'Sign in again; if it persists, report it.',
    { host: url.host },
  );
}

async function checkStatus(res: Response, what: string): Promise<void> {
  if (res.ok) return;
  await res.body?.cancel();
  throw statusError(res.status, res.url, what);
}

/** The error for an identity answer that is not 2xx (401: the sign-in is gone; 403: a scope is missing). */
function statusError(status: number, answeredUrl: string, what: string): PilotError {
  const host = new URL(answeredUrl || 'http://unknown').host;
  if (status === 401) {
    return new PilotError(
      'not-signed-in',
      `${host} no longer accepts PKCE Pilot's sign-in.`,
      'Sign in again.',
      { status: 401, host },
    );
  }
  if (status === 403) {
    return new PilotError(
      'forbidden',
      `${host} refused to share the ${what}.`,
      'Check that the app has the "id" (Salesforce) or "openid profile" (Okta) scope, then sign in again.',
      { status: 403, host },
    );
  }
  if (status === 429) {
    return new PilotError(
      'rate-limited',
      `${host} is limiting requests right now (HTTP 429, too many requests).`,
      'Wait a minute, then try again.',
      { status: 429, host },
    );
  }
  return new PilotError(
    'bad-response',
    `${host} answered the ${what} request with HTTP ${status}.`,
    'Try again later.',
    { status, host },
  );
}

/** GET the identity URL with Bearer auth; returns username, user id and org id. */
export async function fetchSalesforceIdentity(http: MaybePlain, tokens: TokenSet): Promise<Identity> {
  if (!tokens.identityUrl) {
    throw new PilotError(
      'bad-response',
      'Salesforce did not return an identity URL.',
      'Make sure the app allows the "id" scope, then sign in again.',
    );
  }
  const url = new URL(tokens.identityUrl);
  assertSafeTarget(url);
  // A plain answer: verify calls this once per org, and a Response's stream machinery is not needed here.
  const answer = await plainRequestOf(http)(url.href, {
    headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
    redirect: 'error',
  });
  if (!isOk(answer)) throw statusError(answer.status, answer.url, 'identity');
  const body = readJsonAnswer(answer, 'identity response');
  const username = str(body.username);
  const userId = str(body.user_id);
  if (!username || !userId) {
    throw new PilotError(
      'bad-response',
      `The identity response from ${url.host} has no user name.`,
      'Sign in again; if it persists, report it.',
      { host: url.host },
    );
  }
  const orgId = str(body.organization_id);
  const displayName = str(body.display_name);
  return { username, userId, ...(orgId ? { orgId } : {}), ...(displayName ? { displayName } : {}) };
}

/** GET `${base}/oauth2/v1/userinfo` (with a DPoP proof when the tokens are DPoP-bound). */
export async function fetchOktaIdentity(
  http: HttpClient,
  baseUrl: string,
  tokens: TokenSet,
): Promise<Identity> {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/oauth2/v1/userinfo`);
  assertSafeTarget(url);
  const dpop = await dpopHandleFor(tokens);
  const res = await oauth.protectedResourceRequest(
    tokens.accessToken,
    'GET',
    url,
    new Headers({ accept: 'application/json' }),
    null,
    {
      [oauth.customFetch]: (u: string, init: oauth.CustomFetchOptions<string, unknown>) =>
        http(u, init as unknown as RequestInit),
      ...(url.protocol === 'http:' ? { [oauth.allowInsecureRequests]: true } : {}),
      ...(dpop ? { DPoP: dpop } : {}),
    },
  );
  await checkStatus(res, 'user profile');
  const body = await readJsonResponse(res, 'userinfo response');
  const userId = str(body.sub);
  const username = str(body.preferred_username) ?? str(body.email) ?? userId;
  if (!username || !userId) {
    throw new PilotError(
      'bad-response',
      `The user profile from ${url.host} has no user name.`,
      'Make sure the app allows the "openid profile" scopes, then sign in again.',
      { host: url.host },
    );
  }
  const displayName = str(body.name);
  return { username, userId, ...(displayName ? { displayName } : {}) };
}
