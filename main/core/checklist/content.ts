/**
 * The migration checklist: every prerequisite, step, date and caveat of Okta's article "Update
 * Salesforce Provisioning Applications to Support PKCE", plus field guidance beyond it (source
 * 'guidance', from the shared Salesforce/Okta notes). ONE source for the app, the CLI and reports —
 * item ids are stable because stored progress refers to them.
 */
import type { ChecklistItem, ChecklistSection, KeyDate } from './types';

export const ARTICLE_TITLE = 'Update Salesforce Provisioning Applications to Support PKCE (Okta)';

/** Okta's callback URL on the Salesforce side of the provisioning connection (Okta setup guide). */
export const OKTA_PROVISIONING_CALLBACK_URL =
  'https://system-admin.okta.com/admin/app/generic/oauth20redirect';

export const KEY_DATES: readonly KeyDate[] = [
  {
    id: 'preview',
    label: 'Okta update in Preview',
    date: '2026-06-09',
    detail: 'The PKCE-capable Salesforce connector is available in Okta Preview environments.',
  },
  {
    id: 'production',
    label: 'Okta update in Production',
    date: '2026-06-11',
    detail: 'The PKCE-capable Salesforce connector is available in Okta Production environments.',
  },
  {
    id: 'enforcement',
    label: 'Salesforce enforces PKCE',
    date: '2026-06-25',
    detail:
      'Extended to 25 June 2026: Salesforce strictly enforces PKCE across all commercial and government environments. ' +
      'Without the migration, REST API provisioning fails and user creation, updates and deactivations from Okta to Salesforce stop.',
  },
];

const appliesTo: ChecklistSection = {
  id: 'scope',
  title: 'Who needs to act',
  source: 'article',
  items: [
    {
      id: 'scope.rest-api-provisioning',
      kind: 'info',
      source: 'article',
      title:
        'This applies to the Okta Salesforce integration used for User Provisioning through the REST API (OAuth) with a Connected App.',
      detail:
        "Okta is adding native PKCE support to match Salesforce's platform-wide requirement that connected apps use PKCE, which blocks authorization code interception.",
      checkIds: ['okta.salesforce-app.found', 'salesforce.okta-app.found'],
    },
    {
      id: 'scope.saml-only',
      kind: 'info',
      source: 'article',
      title:
        'If you use Okta only for Salesforce single sign-on (SAML) and do not provision or update users from Okta, no action is required.',
    },
    {
      id: 'scope.workflows-connector',
      kind: 'caveat',
      source: 'article',
      title: 'The Okta Workflows Salesforce Connector is also updated (production 2026.06.0).',
      detail:
        'Flows that run infrequently may hit an OAuth refresh error; if that happens, re-authenticate the connection.',
      link: 'okta.workflows-connections',
    },
  ],
};

const dates: ChecklistSection = {
  id: 'dates',
  title: 'Important dates',
  source: 'article',
  items: KEY_DATES.map((d): ChecklistItem => ({
    id: `date.${d.id}`,
    kind: 'info',
    source: 'article',
    title: `${d.label}: ${d.date}`,
    detail: d.detail,
  })),
};

const prerequisites: ChecklistSection = {
  id: 'prereq',
  title: 'Prerequisites',
  source: 'article',
  items: [
    {
      id: 'prereq.okta-rest-provisioning-app',
      kind: 'prerequisite',
      source: 'article',
      title: 'An active Salesforce app integration in Okta that uses the REST API for User Provisioning.',
      checkIds: ['okta.salesforce-app.found'],
      link: 'okta.applications',
    },
    {
      id: 'prereq.okta-admin-role',
      kind: 'prerequisite',
      source: 'article',
      title:
        "An App Administrator or Super Administrator role in Okta, to change the application's provisioning settings.",
    },
    {
      id: 'prereq.salesforce-system-admin',
      kind: 'prerequisite',
      source: 'article',
      title:
        'A Salesforce System Administrator login, to update the Connected App settings in your Salesforce org.',
      // Ticked only when the signed-in user's permissions show it (verify/run.ts ADMIN_ITEMS).
      checkIds: ['salesforce.signin.pkce'],
    },
  ],
};

const salesforceStep: ChecklistSection = {
  id: 'sf',
  title: 'Step 1: Update the Connected App in Salesforce',
  source: 'article',
  intro: 'The migration needs changes in both Salesforce and the Okta Admin Console. Start in Salesforce.',
  items: [
    {
      id: 'sf.log-in',
      kind: 'action',
      source: 'article',
      title: 'Log in to Salesforce as a System Administrator.',
      checkIds: ['salesforce.signin.pkce'],
    },
    {
      id: 'sf.open-setup',
      kind: 'action',
      source: 'article',
      title: 'Open Setup (the gear icon, top right).',
      link: 'salesforce.setup',
    },
    {
      id: 'sf.open-app-manager',
      kind: 'action',
      source: 'article',
      title: 'In Quick Find, type App Manager and select it.',
      link: 'salesforce.app-manager',
    },
    {
      id: 'sf.edit-okta-connected-app',
      kind: 'action',
      source: 'article',
      title:
        'Find the Connected App you created for Okta provisioning, open the drop-down arrow next to it and select Edit.',
      detail: `Okta's app is the one whose callback URL is ${OKTA_PROVISIONING_CALLBACK_URL}.`,
      checkIds: ['salesforce.okta-app.found'],
      link: 'salesforce.app-manager',
    },
    {
      id: 'sf.require-pkce',
      kind: 'action',
      source: 'article',
      title: 'Under API (Enable OAuth Settings), check Require Proof Key for Code Exchange (PKCE) Extension.',
      checkIds: ['salesforce.okta-app.pkce-required'],
    },
    {
      id: 'sf.save',
      kind: 'action',
      source: 'article',
      title: 'Click Save.',
      checkIds: ['salesforce.okta-app.pkce-required'],
    },
  ],
};

const oktaStep: ChecklistSection = {
  id: 'okta',
  title: 'Step 2: Re-authenticate the integration in Okta',
  source: 'article',
  items: [
    {
      id: 'okta.open-applications',
      kind: 'action',
      source: 'article',
      title: 'In the Okta Admin Console, go to Applications > Applications.',
      link: 'okta.applications',
    },
    {
      id: 'okta.select-salesforce-app',
      kind: 'action',
      source: 'article',
      title: 'Select your Salesforce application.',
      checkIds: ['okta.salesforce-app.found'],
      link: 'okta.salesforce-provisioning',
    },
    {
      id: 'okta.open-provisioning-integration',
      kind: 'action',
      source: 'article',
      title: 'Open the Provisioning tab, then select Integration in the Settings menu on the left.',
      link: 'okta.salesforce-provisioning',
    },
    { id: 'okta.click-edit', kind: 'action', source: 'article', title: 'Click Edit.' },
    {
      id: 'okta.enable-pkce',
      kind: 'action',
      source: 'article',
      title: 'Select the PKCE Enabled checkbox.',
      detail:
        'No Okta API exposes this checkbox: confirm it yourself. A clean System Log after re-authenticating supports it.',
      checkIds: ['okta.provisioning.pkce-enabled'],
    },
    {
      id: 'okta.reauthenticate',
      kind: 'action',
      source: 'article',
      title: 'Click Re-authenticate with Salesforce.com.',
    },
    {
      id: 'okta.consent',
      kind: 'action',
      source: 'article',
      title:
        'In the Salesforce window that opens, sign in with your Salesforce System Administrator credentials and click Allow.',
      detail: 'This consents to the new, PKCE-compliant OAuth flow.',
      checkIds: ['salesforce.okta-app.tokens'],
    },
    {
      id: 'okta.save',
      kind: 'action',
      source: 'article',
      title: 'Back in the Okta Admin Console, click Save.',
      checkIds: ['okta.provisioning.auth-failures'],
    },
  ],
};

const guidance: ChecklistSection = {
  id: 'guidance',
  title: "What admins trip on (guidance beyond Okta's article)",
  source: 'guidance',
  intro: "Collected from Salesforce and Okta documentation and field reports; not part of Okta's article.",
  items: [
    {
      id: 'guidance.org-wide-pkce',
      kind: 'caveat',
      source: 'guidance',
      title: 'Salesforce can also require PKCE for the whole org (OAuth and OpenID Connect Settings).',
      detail:
        "When it is on, every app — Okta's included — must use PKCE, so complete both steps before turning it on.",
      checkIds: ['salesforce.org.pkce-required'],
      link: 'salesforce.oauth-oidc-settings',
    },
    {
      id: 'guidance.external-client-apps',
      kind: 'caveat',
      source: 'guidance',
      title:
        "Since Spring '26 new connected apps cannot be created without Salesforce Support; new setups use External Client Apps.",
      detail:
        'Your existing connected app for Okta keeps working and stays editable. If your Okta app was set up as an External Client App, change it in External Client App Manager instead of App Manager.',
      link: 'salesforce.external-client-apps',
    },
    {
      id: 'guidance.stale-guides',
      kind: 'caveat',
      source: 'guidance',
      title:
        'Older Okta and partner guides said to leave Require PKCE disabled — that advice is out of date.',
    },
    {
      id: 'guidance.callback-url',
      kind: 'caveat',
      source: 'guidance',
      title: `Okta's callback URL on the Salesforce app stays ${OKTA_PROVISIONING_CALLBACK_URL}.`,
      detail: 'Do not change it while editing the connected app.',
      checkIds: ['salesforce.okta-app.found'],
    },
    {
      id: 'guidance.propagation',
      kind: 'caveat',
      source: 'guidance',
      title: 'Changes to a Salesforce app take 2–10 minutes to take effect.',
      detail:
        'If re-authenticating fails right after saving in Salesforce, wait a few minutes and try again.',
    },
    {
      id: 'guidance.invalid-credentials-error',
      kind: 'caveat',
      source: 'guidance',
      title:
        'Okta error "The credentials used to connect to the API were invalid; please check your configuration" means the connection is broken.',
      detail: 'Fix: Provisioning > Integration > Edit > Re-authenticate with Salesforce.com > Allow > Save.',
      checkIds: ['okta.provisioning.auth-failures'],
      link: 'okta.salesforce-provisioning',
    },
    {
      id: 'guidance.retry-failed-tasks',
      kind: 'action',
      source: 'guidance',
      title: 'Retry provisioning tasks that failed while the connection was broken.',
      substeps: [
        'In the Okta Admin Console open Dashboard > Tasks.',
        'Select the failed Salesforce tasks and click Retry Selected.',
      ],
      link: 'okta.tasks',
    },
    {
      id: 'guidance.token-limit',
      kind: 'caveat',
      source: 'guidance',
      title: 'Salesforce keeps only the five most recent tokens per user per app.',
      detail:
        'A sixth connection by the same Salesforce user silently revokes the oldest — use a dedicated integration user for Okta.',
      checkIds: ['salesforce.okta-app.tokens'],
    },
    {
      id: 'guidance.workflows-reauthorize',
      kind: 'action',
      source: 'guidance',
      title: 'If a Workflows flow shows "OAuth Refresh Error", reauthorize its Salesforce connection.',
      substeps: [
        'Open the Workflows Console > Connections.',
        'Choose Reauthorize on the Salesforce connection (pick Production or Sandbox; tick Use Custom Domain for My Domain orgs).',
      ],
      detail: "No public API reports a Workflows connection's health, so only you can confirm this.",
      link: 'okta.workflows-connections',
    },
  ],
};

export const CHECKLIST: readonly ChecklistSection[] = [
  appliesTo,
  dates,
  prerequisites,
  salesforceStep,
  oktaStep,
  guidance,
];

/** All items in display order. */
export function allItems(sections: readonly ChecklistSection[] = CHECKLIST): ChecklistItem[] {
  return sections.flatMap((s) => s.items);
}

/** Items the admin ticks (they count towards progress). */
export function isTickable(item: ChecklistItem): boolean {
  return item.kind === 'action' || item.kind === 'prerequisite';
}

export function findItem(
  itemId: string,
  sections: readonly ChecklistSection[] = CHECKLIST,
): ChecklistItem | undefined {
  return allItems(sections).find((i) => i.id === itemId);
}
