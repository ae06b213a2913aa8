import { describe, expect, it } from 'vitest';
import {
  defaultLayout,
  legacyValue,
  orgAccount,
  orgItemText,
  parseOrgItem,
  providerAccount,
} from '../../main/core/storage/org-sign-ins';

describe('keychain layout of sign-ins', () => {
  it('keeps one item per org, except on Windows (2.5 KB per Credential Manager item)', () => {
    expect(defaultLayout('linux')).toBe('per-org');
    expect(defaultLayout('darwin')).toBe('per-org');
    expect(defaultLayout('win32')).toBe('per-provider');
  });

  it("names the org item apart from the provider items and the store's probe", () => {
    expect(orgAccount('acme')).toBe('acme/sign-ins');
    expect(providerAccount('acme', 'okta')).toBe('acme/okta');
    expect(orgAccount('keychain-probe')).not.toBe('keychain-probe');
  });

  it('reads back what it writes, provider by provider, and nothing else', () => {
    const text = orgItemText({ salesforce: { accessToken: 'a' }, okta: { accessToken: 'b' } });
    expect(parseOrgItem(text)).toEqual({
      signIns: { salesforce: { accessToken: 'a' }, okta: { accessToken: 'b' } },
      damaged: false,
    });
    expect(parseOrgItem('{"salesforce":{"accessToken":"a"},"github":{}}').signIns).toEqual({
      salesforce: { accessToken: 'a' },
    });
  });

  it('calls an item that is not a JSON object damaged', () => {
    for (const text of ['', '{"salesforce":', 'null', '[]', '"text"', '42'])
      expect(parseOrgItem(text)).toEqual({ signIns: {}, damaged: true });
  });

  it('keeps an old item that is not JSON as its text, so it still reads as unreadable after the move', () => {
    expect(legacyValue('{"accessToken":"a"}')).toEqual({ accessToken: 'a' });
    expect(legacyValue('{"accessToken":')).toBe('{"accessToken":');
  });
});
