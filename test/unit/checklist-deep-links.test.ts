import { describe, expect, it } from 'vitest';
import {
  allowedExternalHosts,
  buildLink,
  oktaAdminOrigin,
  oktaWorkflowsOrigin,
} from '../../main/core/deep-links';
import { PilotError } from '../../main/core/errors';

const org = {
  salesforceBaseUrl: 'https://acme.my.salesforce.com',
  oktaBaseUrl: 'https://acme.okta.com',
  oktaSalesforceAppId: '0oa1b2c3d4E5f6G7h8',
};

describe('deep links', () => {
  it("opens Salesforce Setup pages on the org's own My Domain", () => {
    expect(buildLink(org, 'salesforce.app-manager')).toBe(
      'https://acme.my.salesforce.com/lightning/setup/NavigationMenus/home',
    );
    expect(buildLink(org, 'salesforce.external-client-apps')).toBe(
      'https://acme.my.salesforce.com/lightning/setup/ManageExternalClientApplication/home',
    );
    expect(buildLink(org, 'salesforce.oauth-oidc-settings')).toBe(
      'https://acme.my.salesforce.com/lightning/setup/OauthOidcSettings/home',
    );
  });

  it('uses the login host when no My Domain is known (Salesforce redirects after login)', () => {
    expect(buildLink({ salesforceBaseUrl: 'https://test.salesforce.com/' }, 'salesforce.app-manager')).toBe(
      'https://test.salesforce.com/lightning/setup/NavigationMenus/home',
    );
  });

  it('builds Okta admin console links, with the provisioning tab when the app id is known', () => {
    expect(buildLink(org, 'okta.applications')).toBe('https://acme-admin.okta.com/admin/apps/active');
    expect(buildLink(org, 'okta.salesforce-provisioning')).toBe(
      'https://acme-admin.okta.com/admin/app/salesforce/instance/0oa1b2c3d4E5f6G7h8/#tab-provisioning',
    );
    expect(buildLink({ ...org, oktaSalesforceAppId: undefined }, 'okta.salesforce-provisioning')).toBe(
      'https://acme-admin.okta.com/admin/apps/active',
    );
    expect(buildLink({ ...org, oktaSalesforceAppId: '../../evil' }, 'okta.salesforce-provisioning')).toBe(
      'https://acme-admin.okta.com/admin/apps/active',
    );
    expect(buildLink(org, 'okta.workflows-connections')).toBe(
      'https://acme.workflows.okta.com/app/connections',
    );
  });

  it('maps Okta hosts to their admin and Workflows hosts', () => {
    expect(oktaAdminOrigin('https://acme-admin.oktapreview.com')).toBe('https://acme-admin.oktapreview.com');
    expect(oktaAdminOrigin('https://login.acme.example')).toBe('https://login.acme.example');
    expect(oktaWorkflowsOrigin('https://acme.oktapreview.com')).toBe(
      'https://acme.workflows.oktapreview.com',
    );
    expect(oktaWorkflowsOrigin('https://login.acme.example')).toBeUndefined();
  });

  it('refuses non-https and missing Okta settings with a PilotError', () => {
    expect(() =>
      buildLink({ salesforceBaseUrl: 'http://acme.my.salesforce.com' }, 'salesforce.setup'),
    ).toThrow(PilotError);
    expect(() => buildLink({ salesforceBaseUrl: 'https://acme.my.salesforce.com' }, 'okta.tasks')).toThrow(
      /no Okta address/,
    );
  });

  it('allow-lists exactly the hosts the links use', () => {
    const hosts = allowedExternalHosts([
      org,
      { salesforceBaseUrl: 'https://login.salesforce.com' },
      { salesforceBaseUrl: 'not a url' },
    ]);
    expect(hosts).toEqual([
      'acme-admin.okta.com',
      'acme.my.salesforce.com',
      'acme.okta.com',
      'acme.workflows.okta.com',
      'login.salesforce.com',
    ]);
    for (const t of [
      'salesforce.setup',
      'okta.applications',
      'okta.salesforce-provisioning',
      'okta.tasks',
      'okta.workflows-connections',
    ] as const) {
      expect(hosts).toContain(new URL(buildLink(org, t)).hostname);
    }
  });
});
