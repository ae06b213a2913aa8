import { describe, expect, it } from 'vitest';
import { explainOAuthError, type OAuthPhase } from '../../main/core/auth/oauth-errors';
import type { ProviderId } from '../../main/core/model';

interface Row {
  provider: ProviderId;
  phase: OAuthPhase;
  error: string;
  description?: string;
  /** A fragment the message or hint must contain (case-insensitive). */
  says: RegExp;
}

const rows: Row[] = [
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'invalid_request',
    description: 'missing required code challenge',
    says: /no code challenge/i,
  },
  {
    provider: 'salesforce',
    phase: 'token',
    error: 'invalid_grant',
    description: 'invalid code verifier',
    says: /code verifier/i,
  },
  {
    provider: 'salesforce',
    phase: 'refresh',
    error: 'invalid_request',
    description: 'unexpected code verifier',
    says: /did not expect/i,
  },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'redirect_uri_mismatch',
    description: 'redirect_uri must match configuration',
    says: /callback URL/i,
  },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'invalid_request',
    description: 'redirect_uri must match configuration',
    says: /exact match, port included/i,
  },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'invalid_client_id',
    description: 'client identifier invalid',
    says: /2–10 minutes/,
  },
  {
    provider: 'salesforce',
    phase: 'token',
    error: 'invalid_grant',
    description: 'expired authorization code',
    says: /expired/i,
  },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'OAUTH_APPROVAL_ERROR_GENERIC',
    says: /without giving a reason/i,
  },
  { provider: 'salesforce', phase: 'authorize', error: 'OAUTH_APP_BLOCKED', says: /blocked/i },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'OAUTH_APP_ACCESS_DENIED',
    says: /not allowed to use the app/i,
  },
  { provider: 'salesforce', phase: 'authorize', error: 'OAUTH_EC_APP_NOT_FOUND', says: /not installed/i },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'invalid_request',
    description: 'External client app is not installed in this org',
    says: /External Client App/,
  },
  {
    provider: 'salesforce',
    phase: 'authorize',
    error: 'access_denied',
    description: 'end-user denied authorization',
    says: /Deny/,
  },
  {
    provider: 'salesforce',
    phase: 'refresh',
    error: 'invalid_grant',
    description: 'expired access/refresh token',
    says: /sign in again/i,
  },
  {
    provider: 'salesforce',
    phase: 'token',
    error: 'invalid_grant',
    description: 'inactive user',
    says: /inactive/i,
  },
  { provider: 'salesforce', phase: 'token', error: 'inactive_org', says: /inactive or locked/i },
  {
    provider: 'okta',
    phase: 'token',
    error: 'invalid_client',
    description: "Invalid value for 'client_id' parameter.",
    says: /Native app/,
  },
  { provider: 'okta', phase: 'authorize', error: 'invalid_scope', says: /Okta API Scopes/ },
  { provider: 'okta', phase: 'authorize', error: 'access_denied', says: /assigned to you/ },
  {
    provider: 'okta',
    phase: 'refresh',
    error: 'invalid_grant',
    description: 'The refresh token is invalid or expired.',
    says: /expired or was revoked/,
  },
  { provider: 'okta', phase: 'revoke', error: 'invalid_token', says: /removed its stored copy/ },
];

describe('explainOAuthError', () => {
  it.each(rows)('$provider $phase $error $description', (row) => {
    const err = explainOAuthError({
      error: row.error,
      errorDescription: row.description,
      provider: row.provider,
      phase: row.phase,
    });
    expect(err.code).toBe('oauth-error');
    expect(`${err.message} ${err.hint}`).toMatch(row.says);
    expect(err.details.error).toBe(row.error);
    expect(err.hint.length).toBeGreaterThan(0);
  });

  it('keeps the server code for unknown errors and never echoes the description', () => {
    const err = explainOAuthError({
      error: 'weird_error',
      errorDescription: 'token=abc123secret',
      provider: 'salesforce',
      phase: 'token',
    });
    expect(err.message).toContain('weird_error');
    expect(`${err.message} ${err.hint}`).not.toContain('abc123secret');
  });

  it('replaces error codes that do not look like codes', () => {
    const err = explainOAuthError({
      error: 'eyJhbGciOi.secret token<script>',
      provider: 'okta',
      phase: 'token',
    });
    expect(err.message).toContain('unrecognised');
    expect(err.message).not.toContain('secret');
    expect(err.details.error).toBe('unrecognised');
  });
});
