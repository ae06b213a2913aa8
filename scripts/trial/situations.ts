/**
 * Named situations for the trial server: what a Salesforce org and its Okta org look like at each stage
 * of the migration, as their APIs would answer (shaped from Salesforce's and Okta's documentation: the
 * Metadata API's ConnectedApp.oauthConfig.isPkceRequired and OauthOidcSettings, SOQL OauthToken rows
 * keyed by the app's label, Okta's /api/v1/apps Salesforce instances with their provisioning features,
 * and System Log events with their outcome). `expect` is the essential outcome a newcomer should see.
 */
import type { OktaApiState, TestLogEvent } from '../../test/servers/okta-api';
import type { SalesforceApiState, TestConnectedApp } from '../../test/servers/salesforce-api';

export type CheckOutcome = 'pass' | 'fail' | 'unknown' | 'manual';

export interface Situation {
  readonly name: string;
  /** One line for `--help`. */
  readonly summary: string;
  /** What `verify` shows, by check id: the checks this situation is about. */
  readonly expect: Readonly<Record<string, CheckOutcome>>;
  salesforce(now: number): Partial<SalesforceApiState>;
  okta(now: number): Partial<OktaApiState>;
}

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const iso = (ms: number) => new Date(ms).toISOString();

/** Okta's callback on the Salesforce side of the provisioning connection (okta.com cell). */
export const OKTA_PROVISIONING_CALLBACK = 'https://system-admin.okta.com/admin/app/generic/oauth20redirect';
export const OKTA_APP_ID = '0oa1trialSalesforce';
const OKTA_APP_LABEL = 'Okta Provisioning';
const INTEGRATION_USER = '005Dn000003TrialAAA';

/** Apps every org has besides Okta's: they must never be mistaken for it. */
const OTHER_APPS: TestConnectedApp[] = [
  {
    fullName: 'Salesforce_CLI',
    label: 'Salesforce CLI',
    callbackUrl: 'http://localhost:1717/OauthRedirect',
    isPkceRequired: false,
  },
  {
    fullName: 'Workbench',
    label: 'Workbench',
    callbackUrl: 'https://workbench.developerforce.com/sessionCallback.php',
    isPkceRequired: false,
  },
];

function oktaApp(pkce: boolean): TestConnectedApp {
  return {
    fullName: 'Okta_Provisioning',
    label: OKTA_APP_LABEL,
    callbackUrl: OKTA_PROVISIONING_CALLBACK,
    isPkceRequired: pkce,
  };
}

function oktaToken(created: number, lastUsed: number, uses: number) {
  return {
    AppName: OKTA_APP_LABEL,
    UserId: INTEGRATION_USER,
    CreatedDate: iso(created),
    LastUsedDate: iso(lastUsed),
    UseCount: uses,
  };
}

/** The Salesforce app instance in Okta that provisions this org (REST API / OAuth provisioning). */
const OKTA_SALESFORCE_APPS: OktaApiState['apps'] = [
  {
    id: OKTA_APP_ID,
    name: 'salesforce',
    label: 'Salesforce.com',
    status: 'ACTIVE',
    instanceType: 'PRODUCTION',
    features: ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION', 'REACTIVATE_USERS'],
  },
];

function pushed(at: number, n: number): TestLogEvent {
  return {
    uuid: `trial-push-${n}`,
    published: iso(at),
    eventType: 'application.provision.user.push',
    displayMessage: 'Push user to app',
    outcome: { result: 'SUCCESS' },
    targetIds: [OKTA_APP_ID],
  };
}

function authFailed(at: number, n: number): TestLogEvent {
  return {
    uuid: `trial-authfail-${n}`,
    published: iso(at),
    eventType: 'application.integration.authentication_failure',
    displayMessage: 'Authentication of an app integration failed',
    outcome: {
      result: 'FAILURE',
      reason: 'The credentials used to connect to the API were invalid; please check your configuration',
    },
    targetIds: [OKTA_APP_ID],
  };
}

/** Faults as Salesforce returns them to a user without the Metadata API permissions. */
const NO_METADATA_ACCESS = {
  code: 'INSUFFICIENT_ACCESS',
  message:
    'INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions',
};

export const SITUATIONS: readonly Situation[] = [
  {
    name: 'done',
    summary:
      "Both steps done: Okta's connected app requires PKCE, Okta re-authenticated yesterday and provisions without errors.",
    expect: {
      'salesforce.signin.pkce': 'pass',
      'salesforce.okta-app.found': 'pass',
      'salesforce.okta-app.pkce-required': 'pass',
      'salesforce.okta-app.tokens': 'pass',
      'okta.salesforce-app.found': 'pass',
      'okta.provisioning.auth-failures': 'pass',
      'okta.provisioning.pkce-enabled': 'manual',
    },
    salesforce: (now) => ({
      orgPkceRequired: true,
      connectedApps: [...OTHER_APPS, oktaApp(true)],
      oauthTokens: [oktaToken(now - DAY, now - HOUR, 57)],
    }),
    okta: (now) => ({
      apps: OKTA_SALESFORCE_APPS,
      logs: [pushed(now - 20 * HOUR, 1), pushed(now - 2 * HOUR, 2)],
    }),
  },
  {
    name: 'step1-missing',
    summary:
      'Step 1 not done: "Require Proof Key for Code Exchange (PKCE) Extension" is off on Okta\'s connected app.',
    expect: {
      'salesforce.signin.pkce': 'pass',
      'salesforce.okta-app.found': 'pass',
      'salesforce.okta-app.pkce-required': 'fail',
      'okta.salesforce-app.found': 'pass',
    },
    salesforce: (now) => ({
      orgPkceRequired: false,
      connectedApps: [...OTHER_APPS, oktaApp(false)],
      // Okta still uses the token it got long before the migration.
      oauthTokens: [oktaToken(now - 240 * DAY, now - 3 * HOUR, 4210)],
    }),
    okta: (now) => ({ apps: OKTA_SALESFORCE_APPS, logs: [pushed(now - 3 * HOUR, 1)] }),
  },
  {
    name: 'step2-missing',
    summary:
      'Step 1 done, step 2 not: PKCE is required in Salesforce but Okta never re-authenticated, so provisioning fails.',
    expect: {
      'salesforce.okta-app.found': 'pass',
      'salesforce.okta-app.pkce-required': 'pass',
      'okta.salesforce-app.found': 'pass',
      'okta.provisioning.auth-failures': 'fail',
    },
    salesforce: (now) => ({
      orgPkceRequired: false,
      connectedApps: [...OTHER_APPS, oktaApp(true)],
      oauthTokens: [oktaToken(now - 240 * DAY, now - 4 * DAY, 4210)],
    }),
    okta: (now) => ({
      apps: OKTA_SALESFORCE_APPS,
      logs: [
        pushed(now - 5 * DAY, 1),
        authFailed(now - 3 * DAY, 1),
        authFailed(now - 2 * DAY, 2),
        authFailed(now - 6 * HOUR, 3),
      ],
    }),
  },
  {
    name: 'not-authorized',
    summary:
      'Signed in as a user without the Metadata API permissions, and an Okta admin without a role that reads apps and logs.',
    expect: {
      'salesforce.signin.pkce': 'pass',
      'salesforce.okta-app.found': 'unknown',
      'salesforce.okta-app.pkce-required': 'unknown',
      'okta.salesforce-app.found': 'unknown',
    },
    salesforce: () => ({
      connectedApps: [...OTHER_APPS, oktaApp(true)],
      faults: {
        orgSettings: NO_METADATA_ACCESS,
        connectedApps: NO_METADATA_ACCESS,
        externalClientApps: NO_METADATA_ACCESS,
      },
    }),
    okta: () => ({ apps: OKTA_SALESFORCE_APPS, faults: { forbidden: { apps: true, logs: true } } }),
  },
  {
    name: 'wrong-org',
    summary:
      "No app in this Salesforce org uses Okta's callback URL: Okta provisions another org (or a sandbox).",
    expect: {
      'salesforce.signin.pkce': 'pass',
      'salesforce.okta-app.found': 'fail',
      'okta.salesforce-app.found': 'pass',
    },
    salesforce: () => ({ orgPkceRequired: false, connectedApps: OTHER_APPS }),
    okta: (now) => ({ apps: OKTA_SALESFORCE_APPS, logs: [pushed(now - 2 * HOUR, 1)] }),
  },
];

export function findSituation(name: string): Situation | undefined {
  return SITUATIONS.find((s) => s.name === name);
}

/** A situation other code is built on (the bench world, the leak scan): missing is a programming error. */
export function requireSituation(name: string): Situation {
  const situation = findSituation(name);
  if (!situation) throw new Error(`the trial server has no "${name}" situation`);
  return situation;
}
