/**
 * One line per verification check: the plain name people read (the app, the CLI's human output,
 * reports) and whether the migration needs it. Ids stay in JSON and evidence details only.
 *
 * `required: false` marks checks that are not a step of Okta's article: they stay visible, but their
 * `fail` never fails `verify` and is never shown as a red failure.
 */
import type { CheckId } from '../checklist/types';

export interface CheckInfo {
  /** Plain name, e.g. "Okta's Salesforce app requires PKCE". */
  readonly title: string;
  readonly required: boolean;
}

export const CHECK_CATALOG: Readonly<Record<CheckId, CheckInfo>> = {
  'salesforce.signin.pkce': { title: 'PKCE Pilot can sign in to Salesforce with PKCE', required: true },
  'salesforce.org.pkce-required': {
    title: 'Salesforce requires PKCE for all supported flows (org-wide, optional)',
    required: false,
  },
  'salesforce.okta-app.found': { title: "Okta's provisioning app found in Salesforce", required: true },
  'salesforce.okta-app.pkce-required': { title: "Okta's Salesforce app requires PKCE", required: true },
  'salesforce.okta-app.tokens': {
    title: 'Okta re-authenticated with Salesforce after the PKCE change',
    required: true,
  },
  'okta.salesforce-app.found': { title: 'Salesforce app found in Okta', required: true },
  'okta.provisioning.auth-failures': { title: 'No provisioning failures in Okta', required: true },
  'okta.provisioning.recent-success': {
    title: 'Okta provisioned to Salesforce successfully',
    required: true,
  },
  'okta.provisioning.pkce-enabled': { title: '"PKCE Enabled" ticked in Okta', required: true },
};

export function checkTitle(id: CheckId): string {
  return CHECK_CATALOG[id].title;
}

export function isRequiredCheck(id: CheckId): boolean {
  return CHECK_CATALOG[id].required;
}

/** A result's `required`, falling back to the catalogue for results stored before the field existed. */
export function checkIsRequired(check: { readonly id: CheckId; readonly required?: boolean }): boolean {
  return check.required ?? isRequiredCheck(check.id);
}
