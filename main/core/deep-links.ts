/**
 * Pure builders for links into Salesforce Setup and the Okta Admin Console, plus the host allow-list
 * the Electron shell gives to shell.openExternal (https only, exact hosts).
 *
 * Paths (checked against public admin tooling and guides, 2026-11):
 * - App Manager: /lightning/setup/NavigationMenus/home
 * - External Client App Manager: /lightning/setup/ManageExternalClientApplication/home
 * - OAuth and OpenID Connect Settings: /lightning/setup/OauthOidcSettings/home
 * - Okta: https://<org>-admin.okta.com/admin/apps/active, /admin/app/salesforce/instance/<appId>/#tab-provisioning,
 *   /admin/tasks; Workflows console on https://<org>.workflows.okta.com (…oktapreview.com for Preview).
 * On login.salesforce.com / test.salesforce.com (no My Domain known) the same /lightning/setup path
 * is used: Salesforce sends the admin to their own org after login.
 */
import { PilotError } from './errors';
import type { LinkTarget } from './checklist/types';

export interface LinkOrg {
  /** Salesforce base URL (login host or My Domain origin). */
  readonly salesforceBaseUrl: string;
  /** Okta org origin, e.g. https://acme.okta.com. */
  readonly oktaBaseUrl?: string;
  /** Okta app instance id of the Salesforce app (0oa…), when a check found it. */
  readonly oktaSalesforceAppId?: string;
}

const SALESFORCE_PATHS = {
  'salesforce.setup': '/lightning/setup/SetupOneHome/home',
  'salesforce.app-manager': '/lightning/setup/NavigationMenus/home',
  'salesforce.external-client-apps': '/lightning/setup/ManageExternalClientApplication/home',
  'salesforce.oauth-oidc-settings': '/lightning/setup/OauthOidcSettings/home',
} as const;

function httpsOrigin(raw: string, what: string): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new PilotError(
      'invalid-input',
      `The ${what} address is not a valid URL.`,
      'Edit the org and enter an https:// address.',
    );
  }
  if (u.protocol !== 'https:') {
    throw new PilotError(
      'invalid-input',
      `The ${what} address must use https.`,
      'Edit the org and enter an https:// address.',
    );
  }
  return new URL(u.origin);
}

/**
 * Lightning Setup pages live on the org's "lightning.force.com"/"my.salesforce-setup.com" host, but the
 * My Domain host redirects there itself, so linking to the My Domain keeps the allow-list small.
 */
export function salesforceSetupUrl(salesforceBaseUrl: string, target: keyof typeof SALESFORCE_PATHS): string {
  return new URL(SALESFORCE_PATHS[target], httpsOrigin(salesforceBaseUrl, 'Salesforce')).toString();
}

/** acme.okta.com → acme-admin.okta.com (Okta's admin console host); custom domains stay as they are. */
export function oktaAdminOrigin(oktaBaseUrl: string): string {
  const u = httpsOrigin(oktaBaseUrl, 'Okta');
  const hit =
    /^([a-z0-9-]+?)(?:-admin)?\.(okta\.com|oktapreview\.com|okta-emea\.com|okta-gov\.com|okta\.mil)$/i.exec(
      u.hostname,
    );
  if (!hit) return u.origin;
  return `https://${hit[1]}-admin.${hit[2]}`;
}

/** acme.okta.com → acme.workflows.okta.com; undefined when the org host is a custom domain. */
export function oktaWorkflowsOrigin(oktaBaseUrl: string): string | undefined {
  const u = httpsOrigin(oktaBaseUrl, 'Okta');
  const hit = /^([a-z0-9-]+?)(?:-admin)?\.(okta|oktapreview)\.com$/i.exec(u.hostname);
  return hit ? `https://${hit[1]}.workflows.${hit[2]}.com` : undefined;
}

const APP_ID = /^[A-Za-z0-9]{8,40}$/;

function needOkta(org: LinkOrg): string {
  if (!org.oktaBaseUrl) {
    throw new PilotError(
      'invalid-input',
      'This org has no Okta address yet.',
      'Edit the org and add its Okta URL (for example https://acme.okta.com).',
    );
  }
  return org.oktaBaseUrl;
}

/** The https URL for one link target of one org. */
export function buildLink(org: LinkOrg, target: LinkTarget): string {
  switch (target) {
    case 'salesforce.setup':
    case 'salesforce.app-manager':
    case 'salesforce.external-client-apps':
    case 'salesforce.oauth-oidc-settings':
      return salesforceSetupUrl(org.salesforceBaseUrl, target);
    case 'okta.applications':
      return `${oktaAdminOrigin(needOkta(org))}/admin/apps/active`;
    case 'okta.salesforce-provisioning': {
      const admin = oktaAdminOrigin(needOkta(org));
      // Without a known app id the list of apps is the closest page.
      if (!org.oktaSalesforceAppId || !APP_ID.test(org.oktaSalesforceAppId))
        return `${admin}/admin/apps/active`;
      return `${admin}/admin/app/salesforce/instance/${org.oktaSalesforceAppId}/#tab-provisioning`;
    }
    case 'okta.tasks':
      return `${oktaAdminOrigin(needOkta(org))}/admin/tasks`;
    case 'okta.workflows-connections': {
      const wf = oktaWorkflowsOrigin(needOkta(org));
      if (!wf) {
        throw new PilotError(
          'not-found',
          'The Workflows console address cannot be worked out from a custom Okta domain.',
          'Open Workflows from the Okta Admin Console (Workflow > Workflows console).',
        );
      }
      return `${wf}/app/connections`;
    }
  }
}

/** Every host the app may open in the system browser for these orgs (exact hostnames). */
export function allowedExternalHosts(orgs: readonly LinkOrg[]): string[] {
  const hosts = new Set<string>();
  const add = (url: string | undefined) => {
    if (url) hosts.add(new URL(url).hostname);
  };
  for (const org of orgs) {
    try {
      add(httpsOrigin(org.salesforceBaseUrl, 'Salesforce').origin);
    } catch {
      /* an invalid stored URL simply adds no host */
    }
    if (!org.oktaBaseUrl) continue;
    try {
      add(httpsOrigin(org.oktaBaseUrl, 'Okta').origin);
      add(oktaAdminOrigin(org.oktaBaseUrl));
      add(oktaWorkflowsOrigin(org.oktaBaseUrl));
    } catch {
      /* as above */
    }
  }
  return [...hosts].sort();
}
