import { describe, expect, it } from 'vitest';
import { defaultScopes, endpointsFor } from '../../main/core/auth/providers';

describe('providers', () => {
  it('puts Salesforce endpoints under /services/oauth2', () => {
    expect(endpointsFor('salesforce', 'https://acme.my.salesforce.com')).toEqual({
      issuer: 'https://acme.my.salesforce.com',
      authorizationEndpoint: 'https://acme.my.salesforce.com/services/oauth2/authorize',
      tokenEndpoint: 'https://acme.my.salesforce.com/services/oauth2/token',
      revocationEndpoint: 'https://acme.my.salesforce.com/services/oauth2/revoke',
    });
  });
  it('uses the Okta org authorization server (/oauth2/v1), not /oauth2/default', () => {
    const e = endpointsFor('okta', 'https://acme.okta.com/');
    expect(e.issuer).toBe('https://acme.okta.com');
    expect(e.authorizationEndpoint).toBe('https://acme.okta.com/oauth2/v1/authorize');
    expect(e.tokenEndpoint).toBe('https://acme.okta.com/oauth2/v1/token');
    expect(e.revocationEndpoint).toBe('https://acme.okta.com/oauth2/v1/revoke');
    expect(e.userinfoEndpoint).toBe('https://acme.okta.com/oauth2/v1/userinfo');
  });
  it('asks Salesforce for api refresh_token id (no openid) and Okta for read-only API scopes', () => {
    expect(defaultScopes('salesforce')).toBe('api refresh_token id');
    expect(defaultScopes('okta').split(' ')).toEqual([
      'openid',
      'profile',
      'offline_access',
      'okta.apps.read',
      'okta.logs.read',
    ]);
  });
});
