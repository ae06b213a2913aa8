import { describe, expect, it } from 'vitest';
import {
  normalizeOktaOrgUrl,
  normalizeSalesforceLoginUrl,
  validateAlias,
  validatePort,
} from '../../main/core/auth/login-url';
import { PilotError } from '../../main/core/errors';

function invalid(fn: () => unknown): PilotError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PilotError);
    expect((e as PilotError).code).toBe('invalid-input');
    expect((e as PilotError).hint).not.toBe('');
    return e as PilotError;
  }
  throw new Error('expected an invalid-input error');
}

describe('normalizeSalesforceLoginUrl', () => {
  it.each([
    ['production', 'https://login.salesforce.com'],
    ['Prod', 'https://login.salesforce.com'],
    ['sandbox', 'https://test.salesforce.com'],
    ['https://Acme.My.Salesforce.com/', 'https://acme.my.salesforce.com'],
    ['https://acme.my.salesforce.com/home/home.jsp?x=1#frag', 'https://acme.my.salesforce.com'],
    ['acme--uat.sandbox.my.salesforce.com', 'https://acme--uat.sandbox.my.salesforce.com'],
    ['https://agency.my.salesforce.mil', 'https://agency.my.salesforce.mil'],
    ['https://acme.my.site.com', 'https://acme.my.site.com'],
    ['https://login.salesforce.com:443/', 'https://login.salesforce.com'],
    ['  https://acme.my.salesforce.com  ', 'https://acme.my.salesforce.com'],
    ['http://127.0.0.1:8443/', 'http://127.0.0.1:8443'],
    ['http://localhost:9000', 'http://localhost:9000'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('%s -> %s', (input, expected) => {
    expect(normalizeSalesforceLoginUrl(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['ftp://acme.my.salesforce.com', 'https'],
    ['https://user:pw@acme.my.salesforce.com', 'user name'],
    ['https://user@acme.my.salesforce.com', 'user name'],
    ['http://acme.my.salesforce.com', 'https'],
    ['http://10.0.0.5', 'https'],
    ['https://acme my.salesforce.com', 'spaces'],
    ['https://', 'valid'],
    ['not a url', 'spaces'],
    [`https://acme.my.salesforce.com/${'a'.repeat(2100)}`, '2048'],
  ])('rejects %j', (input, fragment) => {
    expect(invalid(() => normalizeSalesforceLoginUrl(input)).message).toContain(fragment);
  });
});

describe('normalizeOktaOrgUrl', () => {
  it('maps the admin console host to the org host', () => {
    expect(normalizeOktaOrgUrl('https://acme-admin.okta.com/admin/dashboard')).toBe('https://acme.okta.com');
    expect(normalizeOktaOrgUrl('acme-admin.oktapreview.com')).toBe('https://acme.oktapreview.com');
  });
  it('keeps org and custom domains as origins', () => {
    expect(normalizeOktaOrgUrl('https://ACME.okta.com/')).toBe('https://acme.okta.com');
    expect(normalizeOktaOrgUrl('https://login.acme.com')).toBe('https://login.acme.com');
    expect(normalizeOktaOrgUrl('http://127.0.0.1:4000')).toBe('http://127.0.0.1:4000');
  });
  it('rejects bad input', () => {
    invalid(() => normalizeOktaOrgUrl('http://acme.okta.com'));
    invalid(() => normalizeOktaOrgUrl('https://a:b@acme.okta.com'));
    invalid(() => normalizeOktaOrgUrl(''));
  });
});

describe('validateAlias / validatePort', () => {
  it('accepts good aliases and refuses bad ones', () => {
    for (const ok of ['a', 'acme-prod', 'Acme.UAT_2', `a${'b'.repeat(63)}`])
      expect(validateAlias(ok)).toBe(ok);
    for (const bad of ['', '-acme', '.acme', 'ac me', 'acme/prod', `a${'b'.repeat(64)}`, 'ünï'])
      invalid(() => validateAlias(bad));
  });
  it('accepts ports 1024–65535 only', () => {
    expect(validatePort(7171)).toBe(7171);
    expect(validatePort(1024)).toBe(1024);
    expect(validatePort(65535)).toBe(65535);
    for (const bad of [0, 80, 1023, 65536, 7171.5, Number.NaN]) invalid(() => validatePort(bad));
  });
});
