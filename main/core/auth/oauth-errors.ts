/**
 * Turns an OAuth error (RFC 6749 §4.1.2.1 redirect errors, §5.2 token errors, RFC 7009 revocation)
 * into one plain sentence and a next step for an identity admin. Salesforce often puts the useful part in
 * error_description, so rules match on either. The server's error code is kept in `details.error`;
 * the description is matched but never echoed verbatim (it is server-controlled text).
 */
import { PilotError } from '../errors';
import type { ProviderId } from '../model';
import { providerLabel } from './providers';

export type OAuthPhase = 'authorize' | 'token' | 'refresh' | 'revoke';

export interface OAuthErrorInput {
  readonly error: string;
  readonly errorDescription?: string | undefined;
  readonly provider: ProviderId;
  readonly phase: OAuthPhase;
}

interface Rule {
  /** Error codes (exact, case-insensitive) this rule covers; empty = any. */
  readonly errors?: readonly string[];
  /** Substrings of error_description (case-insensitive); any one matches. */
  readonly descriptions?: readonly string[];
  readonly providers?: readonly ProviderId[];
  readonly phases?: readonly OAuthPhase[];
  readonly message: (p: string) => string;
  readonly hint: (p: string) => string;
}

const APP_SETTINGS = 'In Salesforce Setup, open the External Client App (or Connected App) for PKCE Pilot';

/** Order matters: the first matching rule wins, specific descriptions before generic codes. */
const RULES: readonly Rule[] = [
  {
    descriptions: ['missing required code challenge'],
    message: () => 'Salesforce requires PKCE but the sign-in request carried no code challenge.',
    hint: () =>
      'Update PKCE Pilot and sign in again; if it persists, report it (PKCE Pilot always sends a challenge).',
  },
  {
    descriptions: ['unexpected code verifier'],
    message: () =>
      'Salesforce received a code verifier it did not expect (the sign-in request had no code challenge).',
    hint: () => 'Sign in again from PKCE Pilot so the request and the exchange use the same PKCE pair.',
  },
  {
    descriptions: ['invalid code verifier'],
    message: () => 'Salesforce rejected the PKCE code verifier for this sign-in.',
    hint: () => 'Start the sign-in again; each attempt must be finished in the browser tab it opened.',
  },
  {
    errors: ['redirect_uri_mismatch'],
    descriptions: ['redirect_uri must match configuration', 'redirect_uri mismatch', 'redirect uri'],
    message: (p) => `${p} rejected the callback URL: it does not exactly match one registered for the app.`,
    hint: (p) =>
      p === 'Salesforce'
        ? `${APP_SETTINGS} and add the callback URLs of this org that \`pkce-pilot org list --json\` shows (exact match, port included; each org has its own, the old shared …/oauth/callback no longer works), then wait 2–10 minutes.`
        : "In the Okta Admin Console, add this org's callback URLs that `pkce-pilot org list --json` shows to the app's Sign-in redirect URIs (exact match, port included; each org has its own, the old shared …/oauth/callback no longer works).",
  },
  {
    errors: ['invalid_client_id'],
    descriptions: ['client identifier invalid'],
    message: () => 'Salesforce does not recognise the consumer key (client id).',
    hint: () =>
      `Check the consumer key copied from the app in Salesforce Setup and the login URL (production, sandbox or My Domain); a new or changed app takes 2–10 minutes to become active.`,
  },
  {
    descriptions: ['expired authorization code'],
    message: () => 'The authorization code expired before PKCE Pilot could use it.',
    hint: () => 'Sign in again and let the browser return to PKCE Pilot without delay.',
  },
  {
    errors: ['oauth_ec_app_not_found'],
    descriptions: ['external client app is not installed'],
    message: () =>
      'The External Client App for PKCE Pilot is not installed (or not found) in this Salesforce org.',
    hint: () =>
      'Install or create the External Client App in this org (or sign in to the org where it exists), then try again.',
  },
  {
    errors: ['oauth_app_blocked'],
    message: () => 'The Salesforce app used by PKCE Pilot is blocked in this org.',
    hint: () =>
      'In Setup > Connected Apps OAuth Usage (or the External Client App), unblock the app, then sign in again.',
  },
  {
    errors: ['oauth_app_access_denied'],
    message: () => 'Your Salesforce user is not allowed to use the app PKCE Pilot signs in with.',
    hint: () => `${APP_SETTINGS}, and give your user access (permission set or profile) under its policies.`,
  },
  {
    errors: ['oauth_approval_error_generic'],
    message: () => 'Salesforce refused the sign-in without giving a reason.',
    hint: () =>
      `${APP_SETTINGS}: check that its callback URLs include PKCE Pilot's, that PKCE and the scopes are allowed, and that your user is permitted.`,
  },
  {
    errors: ['inactive_user'],
    descriptions: ['inactive user', 'user is not active'],
    message: (p) => `Your ${p} user is inactive.`,
    hint: () => 'Ask another administrator to reactivate the user, or sign in as an active one.',
  },
  {
    errors: ['inactive_org'],
    descriptions: ['inactive organization', 'org is inactive', 'organization is locked'],
    message: () => 'The Salesforce org is inactive or locked.',
    hint: () => 'Check the org status with Salesforce, or sign in to another org.',
  },
  {
    errors: ['access_denied'],
    phases: ['authorize'],
    message: (p) =>
      `The sign-in was declined in ${p} (Deny was chosen, or your user is not assigned to the app).`,
    hint: (p) =>
      p === 'Okta'
        ? 'Make sure the PKCE Pilot app is assigned to you in Okta, then sign in again and choose Allow.'
        : 'Sign in again and choose Allow; if you did, check that your user may use the app.',
  },
  {
    errors: ['invalid_grant'],
    phases: ['refresh'],
    message: (p) => `Your ${p} session for PKCE Pilot has expired or was revoked.`,
    hint: () => 'Sign in again.',
  },
  {
    errors: ['invalid_grant'],
    message: (p) => `${p} did not accept the authorization code.`,
    hint: () => 'Start the sign-in again and finish it in the browser tab PKCE Pilot opens.',
  },
  {
    errors: ['invalid_client', 'unauthorized_client'],
    message: (p) => `${p} does not accept PKCE Pilot's client id for this kind of sign-in.`,
    hint: (p) =>
      p === 'Okta'
        ? 'Check the client id, and that the Okta app is a Native app using Authorization Code with PKCE and no client secret ("None" client authentication).'
        : `${APP_SETTINGS} and check the consumer key and that no client secret is required.`,
  },
  {
    errors: ['invalid_scope'],
    message: (p) => `${p} refused one of the requested scopes.`,
    hint: (p) =>
      p === 'Okta'
        ? "In the Okta Admin Console, grant okta.apps.read and okta.logs.read on the app's Okta API Scopes tab (Super Admin needed)."
        : `${APP_SETTINGS} and allow the scopes api, refresh_token and id.`,
  },
  {
    errors: ['consent_required', 'login_required', 'interaction_required'],
    message: (p) => `${p} needs you to sign in or approve the app in the browser.`,
    hint: () => 'Sign in again and complete the steps in the browser.',
  },
  {
    errors: ['unsupported_token_type', 'invalid_token'],
    phases: ['revoke'],
    message: (p) => `${p} could not revoke the token (it may already be expired or revoked).`,
    hint: () => 'Nothing to do: PKCE Pilot removed its stored copy.',
  },
  {
    errors: ['temporarily_unavailable', 'server_error'],
    message: (p) => `${p} had a temporary problem.`,
    hint: () => 'Wait a minute and try again.',
  },
];

function matches(rule: Rule, error: string, description: string, input: OAuthErrorInput): boolean {
  if (rule.providers && !rule.providers.includes(input.provider)) return false;
  if (rule.phases && !rule.phases.includes(input.phase)) return false;
  const byError = rule.errors?.includes(error) ?? false;
  const byDescription = rule.descriptions?.some((d) => description.includes(d)) ?? false;
  return byError || byDescription;
}

/** Only plain OAuth-style codes are repeated back; anything else is replaced by a placeholder. */
function safeCode(error: string): string {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(error) ? error : 'unrecognised';
}

export function explainOAuthError(input: OAuthErrorInput): PilotError {
  const error = input.error.trim().toLowerCase();
  const description = (input.errorDescription ?? '').toLowerCase();
  const label = providerLabel(input.provider);
  const code = safeCode(input.error.trim());
  const rule = RULES.find((r) => matches(r, error, description, input));
  if (rule) {
    return new PilotError('oauth-error', rule.message(label), rule.hint(label), {
      error: code,
      provider: input.provider,
      phase: input.phase,
    });
  }
  const step = { authorize: 'sign-in', token: 'sign-in', refresh: 'session refresh', revoke: 'sign-out' }[
    input.phase
  ];
  return new PilotError(
    'oauth-error',
    `${label} refused the ${step} (error "${code}").`,
    `Check the app's settings in ${label} and try again; if it persists, search ${label}'s help for "${code}".`,
    { error: code, provider: input.provider, phase: input.phase },
  );
}
