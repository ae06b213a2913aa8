/**
 * What went wrong, in plain words, and which checklist step to redo. Covers every check that can fail
 * and the error strings admins meet in Salesforce, Okta and Okta Workflows (shared notes: salesforce.md,
 * okta.md). Item ids refer to main/core/checklist/content.ts.
 */
import type { CheckId } from '../checklist/types';
import type { CheckResult } from './types';

export interface Advice {
  /** Plain explanation: what it means. */
  readonly explanation: string;
  /** Checklist item to redo (main/core/checklist/content.ts). */
  readonly itemId: string;
}

/** Known error texts, most specific first; matched case-insensitively as substrings. */
export const KNOWN_ERRORS: readonly (Advice & { readonly pattern: RegExp })[] = [
  {
    pattern: /credentials used to connect to the API were invalid/i,
    explanation:
      'Okta can no longer sign in to Salesforce for provisioning (its token was refused). Re-authenticate the integration in Okta, then retry the failed tasks.',
    itemId: 'okta.reauthenticate',
  },
  {
    pattern: /OAuth Refresh Error/i,
    explanation:
      'An Okta Workflows Salesforce connection could not refresh its token (common for rarely run flows after the PKCE change). Reauthorize the connection in the Workflows Console.',
    itemId: 'guidance.workflows-reauthorize',
  },
  {
    pattern: /missing required code challenge|OAUTH_APPROVAL_ERROR_GENERIC/i,
    explanation:
      'Salesforce requires PKCE but the sign-in did not use it: in Okta, tick "PKCE Enabled" before re-authenticating.',
    itemId: 'okta.enable-pkce',
  },
  {
    pattern: /unexpected code verifier/i,
    explanation:
      'A PKCE verifier was sent for a sign-in that started without PKCE: tick "PKCE Enabled" in Okta and re-authenticate from the start.',
    itemId: 'okta.enable-pkce',
  },
  {
    pattern: /invalid code verifier|expired authorization code/i,
    explanation:
      'The sign-in took too long or was mixed up with another attempt. Start the re-authentication again in one go.',
    itemId: 'okta.reauthenticate',
  },
  {
    pattern: /redirect_uri_mismatch|redirect_uri must match/i,
    explanation:
      "The callback URL on the Salesforce app does not match what Okta sends: it must stay Okta's oauth20redirect URL.",
    itemId: 'guidance.callback-url',
  },
  {
    pattern: /invalid_client_id|client identifier invalid/i,
    explanation:
      'Salesforce does not know the app yet — changes take 2–10 minutes to spread. Wait, then try again.',
    itemId: 'guidance.propagation',
  },
  {
    pattern: /OAUTH_EC_APP_NOT_FOUND|External client app is not installed/i,
    explanation:
      'The External Client App is not installed or enabled in this org: check it in External Client App Manager.',
    itemId: 'guidance.external-client-apps',
  },
  {
    pattern: /OAUTH_APP_BLOCKED|OAUTH_APP_ACCESS_DENIED/i,
    explanation:
      "Salesforce blocks this app or the user is not allowed to use it: check the app's policies and permitted users.",
    itemId: 'sf.edit-okta-connected-app',
  },
  {
    pattern: /INSUFFICIENT_ACCESS|View all External Client App Settings|Modify Metadata/i,
    explanation:
      'The Salesforce user you signed in with cannot read these settings: sign in as a System Administrator.',
    itemId: 'prereq.salesforce-system-admin',
  },
  {
    pattern: /okta\.apps\.read|okta\.logs\.read|admin role/i,
    explanation:
      "The Okta sign-in lacks an API scope or admin role: grant okta.apps.read and okta.logs.read on PKCE Pilot's Okta app and sign in as an App or Super Administrator.",
    itemId: 'prereq.okta-admin-role',
  },
];

/** What a failing (or undecidable) check means and where to go back to. */
export const CHECK_ADVICE: Readonly<Record<CheckId, Advice>> = {
  'salesforce.signin.pkce': {
    explanation: 'PKCE Pilot has no working PKCE sign-in to this Salesforce org: sign in again.',
    itemId: 'sf.log-in',
  },
  'salesforce.org.pkce-required': {
    explanation:
      'The org does not require PKCE for all apps. Optional: turn it on only after both migration steps are done.',
    itemId: 'guidance.org-wide-pkce',
  },
  'salesforce.okta-app.found': {
    explanation:
      "No Salesforce app carries Okta's provisioning callback URL, so Okta's connected app could not be identified.",
    itemId: 'sf.edit-okta-connected-app',
  },
  'salesforce.okta-app.pkce-required': {
    explanation:
      'Okta\'s connected app does not require PKCE yet: edit it, check "Require Proof Key for Code Exchange (PKCE)" and save.',
    itemId: 'sf.require-pkce',
  },
  'salesforce.okta-app.tokens': {
    explanation:
      'Okta has not obtained a new Salesforce token since PKCE was required: re-authenticate with Salesforce.com in Okta and click Allow.',
    itemId: 'okta.reauthenticate',
  },
  'okta.salesforce-app.found': {
    explanation: 'No active Salesforce app was found in Okta.',
    itemId: 'prereq.okta-rest-provisioning-app',
  },
  'okta.provisioning.auth-failures': {
    explanation:
      "Okta's System Log shows it could not authenticate to Salesforce: re-authenticate the integration, then retry failed tasks.",
    itemId: 'okta.reauthenticate',
  },
  'okta.provisioning.recent-success': {
    explanation:
      'No successful provisioning to this Salesforce org was seen in Okta after the change: push a test update from Okta, then re-run the checks.',
    itemId: 'guidance.retry-failed-tasks',
  },
  'okta.provisioning.pkce-enabled': {
    explanation: 'Only you can confirm the "PKCE Enabled" checkbox in Okta.',
    itemId: 'okta.enable-pkce',
  },
};

/** Advice for any error text (an Okta task message, a Salesforce error, a check summary). */
export function adviceForError(text: string): Advice | undefined {
  const hit = KNOWN_ERRORS.find((k) => k.pattern.test(text));
  return hit ? { explanation: hit.explanation, itemId: hit.itemId } : undefined;
}

/**
 * What would let an unknown check run: the permission, scope or step. `<alias>` is replaced by the
 * org's alias where it is known.
 */
export const ALLOW_CHECK: Readonly<Record<CheckId, string>> = {
  'salesforce.signin.pkce':
    'sign in to Salesforce again (`pkce-pilot login <alias>`, or "Sign in to Salesforce" in the app)',
  'salesforce.org.pkce-required':
    'sign in as a user with the "View Setup and Configuration" and "Modify Metadata Through Metadata API Functions" permissions (API 59.0 or later)',
  'salesforce.okta-app.found':
    'sign in as a user with "View Setup and Configuration", "Modify Metadata Through Metadata API Functions" and "View all External Client App Settings"',
  'salesforce.okta-app.pkce-required':
    'sign in as a user with "Modify Metadata Through Metadata API Functions" and "View all External Client App Settings", or confirm "Require PKCE" on Okta\'s app in App Manager yourself',
  'salesforce.okta-app.tokens':
    'sign in as a user with "Customize Application" (it shows every user\'s OauthToken rows) and the metadata permissions that show the app\'s label and last change',
  'okta.salesforce-app.found':
    "grant okta.apps.read on PKCE Pilot's Okta app and sign in to Okta as an App, Read-only or Super Administrator (`pkce-pilot login <alias> --okta`)",
  'okta.provisioning.auth-failures':
    "grant okta.logs.read on PKCE Pilot's Okta app, sign in to Okta (`pkce-pilot login <alias> --okta`), and make sure the Salesforce app's login URL in Okta names this org",
  'okta.provisioning.recent-success':
    'push a test update from Okta (edit a test user assigned to the Salesforce app), then re-run `pkce-pilot verify <alias>`',
  'okta.provisioning.pkce-enabled': 'confirm "PKCE Enabled" in Okta yourself — no API shows it',
};

function withAlias(text: string, alias: string | undefined): string {
  return alias ? text.split('<alias>').join(alias) : text;
}

/**
 * What an unknown check means, never stated as a failure: "Could not check: <reason>; to allow the
 * check: <step>". A summary that already says both is used as it is.
 */
export function couldNotCheckText(check: CheckResult, alias?: string): string {
  const reason = check.summary.replace(/^could not check:\s*/i, '').replace(/[.\s]+$/, '');
  if (
    /^could not check:/i.test(check.summary) &&
    /to allow the check|sign in again|pkce-pilot /i.test(check.summary)
  )
    return check.summary;
  return `Could not check: ${reason}; to allow the check: ${withAlias(ALLOW_CHECK[check.id], alias)}.`;
}

/**
 * Advice for a check that did not pass; undefined for a pass. For a failing check a known error in its
 * summary or evidence wins; an unknown check only ever gets "could not check" (it proved nothing
 * failed), pointing at the step the known error names when there is one.
 */
export function adviceForCheck(check: CheckResult, alias?: string): Advice | undefined {
  if (check.status === 'pass') return undefined;
  const evidenceText = Object.values(check.evidence.values)
    .flat()
    .filter((v) => typeof v === 'string')
    .join(' ');
  const known = adviceForError(`${check.summary} ${evidenceText}`);
  if (check.status === 'unknown') {
    return {
      explanation: couldNotCheckText(check, alias),
      itemId: known?.itemId ?? CHECK_ADVICE[check.id].itemId,
    };
  }
  return known ?? CHECK_ADVICE[check.id];
}

export function troubleshoot(
  checks: readonly CheckResult[],
  alias?: string,
): (Advice & { readonly checkId: CheckId })[] {
  return checks.flatMap((c) => {
    const advice = adviceForCheck(c, alias);
    return advice ? [{ ...advice, checkId: c.id }] : [];
  });
}
