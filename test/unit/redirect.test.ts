import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SCHEME,
  DEV_SCHEME,
  findRedirectInArgv,
  loopbackRedirectUri,
  parseCallbackQuery,
  parseSchemeRedirect,
  redirectUriFor,
  schemeRedirectUri,
} from '../../main/core/auth/redirect';

const S = DEFAULT_SCHEME;

function rejects(fn: () => unknown): void {
  expect(fn).toThrow(expect.objectContaining({ code: 'redirect-invalid' }));
}

describe('redirect URIs', () => {
  it('builds the registered forms', () => {
    // One redirect URI per org and provider (RFC 9700 §4.4.2); before, every org shared /oauth/callback.
    expect(schemeRedirectUri(S, 'acme', 'salesforce')).toBe(
      'com.pkcepilot.app:/oauth/callback/acme/salesforce',
    );
    expect(schemeRedirectUri(DEV_SCHEME, 'acme', 'okta')).toBe(
      'com.pkcepilot.app.dev:/oauth/callback/acme/okta',
    );
    expect(loopbackRedirectUri(7171, 'acme-uat', 'salesforce')).toBe(
      'http://127.0.0.1:7171/oauth/callback/acme-uat/salesforce',
    );
    const base = { baseUrl: 'https://login.salesforce.com', clientId: 'x', port: 7272 };
    expect(redirectUriFor({ ...base, redirect: 'loopback' }, S, 'a', 'okta')).toBe(
      'http://127.0.0.1:7272/oauth/callback/a/okta',
    );
    expect(redirectUriFor({ ...base, redirect: 'scheme' }, DEV_SCHEME, 'b', 'salesforce')).toBe(
      'com.pkcepilot.app.dev:/oauth/callback/b/salesforce',
    );
    expect(schemeRedirectUri(S, 'a', 'salesforce')).not.toBe(schemeRedirectUri(S, 'b', 'salesforce'));
    expect(schemeRedirectUri(S, 'a', 'salesforce')).not.toBe(schemeRedirectUri(S, 'a', 'okta'));
  });
});

describe('parseSchemeRedirect', () => {
  it('returns the code and state of a well-formed redirect', () => {
    expect(parseSchemeRedirect(`${S}:/oauth/callback/acme/salesforce?code=abc&state=xyz`, S)).toEqual({
      code: 'abc',
      state: 'xyz',
      redirectUri: `${S}:/oauth/callback/acme/salesforce`,
    });
  });
  it('compares the scheme case-insensitively', () => {
    expect(
      parseSchemeRedirect(`COM.PkcePilot.App:/oauth/callback/acme/salesforce?code=c&state=s`, S),
    ).toEqual({
      code: 'c',
      state: 's',
      redirectUri: `${S}:/oauth/callback/acme/salesforce`,
    });
  });
  it('returns errors with their description', () => {
    expect(
      parseSchemeRedirect(
        `${S}:/oauth/callback/acme/salesforce?error=access_denied&error_description=end-user%20denied&state=s`,
        S,
      ),
    ).toEqual({
      state: 's',
      error: 'access_denied',
      errorDescription: 'end-user denied',
      redirectUri: `${S}:/oauth/callback/acme/salesforce`,
    });
  });
  it('keeps the RFC 9207 iss parameter', () => {
    expect(
      parseSchemeRedirect(
        `${S}:/oauth/callback/acme/salesforce?code=c&state=s&iss=https%3A%2F%2Facme.okta.com`,
        S,
      ),
    ).toEqual({
      code: 'c',
      state: 's',
      iss: 'https://acme.okta.com',
      redirectUri: `${S}:/oauth/callback/acme/salesforce`,
    });
  });
  it('names the per-org change for a response on the old shared callback', () => {
    expect(() => parseSchemeRedirect(`${S}:/oauth/callback?code=c&state=s`, S)).toThrow(
      expect.objectContaining({ code: 'redirect-invalid', details: { reason: 'legacy-callback' } }),
    );
  });
  it.each([
    ['other scheme', 'com.evil.app:/oauth/callback/acme/salesforce?code=c&state=s'],
    ['dev scheme in a prod build', `${DEV_SCHEME}:/oauth/callback/acme/salesforce?code=c&state=s`],
    ['authority form', `${S}://oauth/callback?code=c&state=s`],
    ['triple slash', `${S}:///oauth/callback?code=c&state=s`],
    ['host + userinfo', `${S}://user@evil/oauth/callback?code=c&state=s`],
    ['wrong path', `${S}:/oauth/callbackx?code=c&state=s`],
    ['path case', `${S}:/OAuth/callback?code=c&state=s`],
    ['extra segment', `${S}:/oauth/callback/x?code=c&state=s`],
    ['no query', `${S}:/oauth/callback`],
    ['fragment', `${S}:/oauth/callback/acme/salesforce?code=c&state=s#x`],
    ['no state', `${S}:/oauth/callback/acme/salesforce?code=c`],
    ['empty state', `${S}:/oauth/callback/acme/salesforce?code=c&state=`],
    ['no code, no error', `${S}:/oauth/callback/acme/salesforce?state=s`],
    ['duplicate code', `${S}:/oauth/callback/acme/salesforce?code=c&code=d&state=s`],
    ['duplicate state', `${S}:/oauth/callback/acme/salesforce?code=c&state=s&state=t`],
    ['whitespace', `${S}:/oauth/callback/acme/salesforce?code=c&state=s x`],
    ['too long', `${S}:/oauth/callback/acme/salesforce?code=${'c'.repeat(9000)}&state=s`],
  ])('rejects %s', (_name, url) => {
    rejects(() => parseSchemeRedirect(url, S));
  });
  it('never echoes the code in its error', () => {
    try {
      parseSchemeRedirect(`${S}:/oauth/callback/acme/salesforce?code=SECRETCODE&code=SECRETCODE&state=s`, S);
    } catch (e) {
      expect(String((e as Error).message)).not.toContain('SECRETCODE');
      return;
    }
    throw new Error('should have thrown');
  });
});

describe('parseCallbackQuery', () => {
  it('accepts a URLSearchParams', () => {
    expect(parseCallbackQuery(new URLSearchParams({ code: 'c', state: 's' }))).toEqual({
      code: 'c',
      state: 's',
    });
  });
  it('prefers the error when both error and code arrive', () => {
    expect(parseCallbackQuery('code=c&error=server_error&state=s')).toEqual({
      state: 's',
      error: 'server_error',
    });
  });
});

describe('findRedirectInArgv', () => {
  const url = `${S}:/oauth/callback/acme/salesforce?code=c&state=s`;
  it('finds exactly one redirect among ordinary arguments', () => {
    expect(findRedirectInArgv(['/opt/PKCE Pilot/pkce-pilot', '--no-sandbox', url], S)).toBe(url);
  });
  it('returns undefined for none, two, or a malformed one', () => {
    expect(findRedirectInArgv(['app', '--flag'], S)).toBeUndefined();
    expect(
      findRedirectInArgv(['app', url, `${S}:/oauth/callback/acme/salesforce?code=d&state=t`], S),
    ).toBeUndefined();
    expect(findRedirectInArgv(['app', `${S}://evil/oauth/callback?code=c&state=s`], S)).toBeUndefined();
    expect(
      findRedirectInArgv(['app', `com.other:/oauth/callback/acme/salesforce?code=c&state=s`], S),
    ).toBeUndefined();
  });
});
