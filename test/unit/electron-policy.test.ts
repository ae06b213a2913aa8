import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  buildCsp,
  isAllowedExternalUrl,
  isAllowedSignInUrl,
  isAppOrigin,
  isPermissionGranted,
  isTrustedIpcSender,
} from '../../main/electron/policy';

const hosts = ['login.salesforce.com', 'acme.my.salesforce.com', 'acme-admin.okta.com'];

describe('isAllowedExternalUrl', () => {
  it('allows https URLs on an allow-listed host, case-insensitively', () => {
    expect(isAllowedExternalUrl('https://login.salesforce.com/services/oauth2/authorize?x=1', hosts)).toBe(
      true,
    );
    expect(isAllowedExternalUrl('https://ACME-Admin.Okta.com/admin/apps', hosts)).toBe(true);
  });

  it.each([
    ['http (not https)', 'http://login.salesforce.com/'],
    ['host not listed', 'https://example.com/'],
    ['suffix trick', 'https://login.salesforce.com.evil.example/'],
    ['prefix trick', 'https://evil-login.salesforce.com/'],
    ['sub-domain of a listed host', 'https://x.login.salesforce.com/'],
    ['credentials in URL', 'https://user:pw@login.salesforce.com/'],
    ['non-default port', 'https://login.salesforce.com:8443/'],
    ['javascript:', 'javascript:alert(1)'],
    ['file:', 'file:///etc/passwd'],
    ['custom scheme', 'com.pkcepilot.app:/callback'],
    ['relative', '/admin'],
    ['garbage', 'not a url'],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedExternalUrl(url, hosts)).toBe(false);
  });

  it('refuses everything with an empty allow-list', () => {
    expect(isAllowedExternalUrl('https://login.salesforce.com/', [])).toBe(false);
  });
});

describe('isAppOrigin / isTrustedIpcSender', () => {
  it('recognises the app origin only', () => {
    expect(isAppOrigin(APP_ENTRY_URL)).toBe(true);
    expect(isAppOrigin('app://pkce-pilot/assets/index.js')).toBe(true);
    expect(isAppOrigin('app://other/index.html')).toBe(false);
    expect(isAppOrigin('https://pkce-pilot/index.html')).toBe(false);
    expect(isAppOrigin('file:///index.html')).toBe(false);
    expect(isAppOrigin('')).toBe(false);
  });

  it('trusts only the top frame of the app origin', () => {
    expect(isTrustedIpcSender({ url: APP_ENTRY_URL, isTopFrame: true })).toBe(true);
    expect(isTrustedIpcSender({ url: APP_ENTRY_URL, isTopFrame: false })).toBe(false);
    expect(isTrustedIpcSender({ url: 'https://evil.example/', isTopFrame: true })).toBe(false);
    expect(isTrustedIpcSender({ url: undefined, isTopFrame: true })).toBe(false);
  });
});

describe('isPermissionGranted', () => {
  it('grants only clipboard writes, and only to the app origin', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', APP_ENTRY_URL)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', undefined)).toBe(false);
    for (const p of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'fullscreen',
    ]) {
      expect(isPermissionGranted(p, APP_ENTRY_URL)).toBe(false);
    }
  });
});

describe('buildCsp', () => {
  const directives = new Map(
    buildCsp()
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .map(([name, ...values]) => [name, values] as const),
  );

  it('allows nothing remote', () => {
    expect(directives.get('default-src')).toEqual(["'self'"]);
    for (const [, values] of directives) {
      for (const v of values) expect(v).toMatch(/^('self'|'none'|'unsafe-inline'|data:)$/);
    }
  });

  it('never allows inline or eval script', () => {
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
  });
});

describe('isAllowedSignInUrl', () => {
  const origins = ['https://acme.my.salesforce.com', 'https://acme.okta.com', 'http://127.0.0.1:4010'];

  it('allows the authorize endpoint of a configured authorization server', () => {
    expect(
      isAllowedSignInUrl('https://acme.my.salesforce.com/services/oauth2/authorize?client_id=x', origins),
    ).toBe(true);
    expect(isAllowedSignInUrl('https://ACME.okta.com/oauth2/v1/authorize', origins)).toBe(true);
    expect(isAllowedSignInUrl('http://127.0.0.1:4010/services/oauth2/authorize', origins)).toBe(true);
  });

  it.each([
    ['another host', 'https://login.salesforce.com/services/oauth2/authorize'],
    ['another port on loopback', 'http://127.0.0.1:4011/authorize'],
    ['http on a configured https host', 'http://acme.my.salesforce.com/authorize'],
    ['credentials', 'https://u:p@acme.okta.com/authorize'],
    ['custom scheme', 'com.pkcepilot.app:/oauth/callback'],
    ['garbage', '%%%'],
  ])('refuses %s', (_label, url) => {
    expect(isAllowedSignInUrl(url, origins)).toBe(false);
  });

  it('never allows http to a non-loopback host, even if configured', () => {
    expect(isAllowedSignInUrl('http://intranet.example/authorize', ['http://intranet.example'])).toBe(false);
  });
});
