/**
 * Pure verdicts for the Salesforce checks: read values in, CheckResult out. No I/O here, so every
 * situation (PKCE on/off, app missing, unreadable metadata…) is unit-testable. A verdict is 'pass'
 * only when the values that prove it were actually read.
 */
import type { CheckResult, Evidence, EvidenceValue, ReadResult } from './types';

/** Okta's provisioning callback (Okta's Salesforce setup guide); matched as a substring, any host prefix. */
export const OKTA_CALLBACK_MARKER = 'okta.com/admin/app/generic/oauth20redirect';

/** How recent Okta's token activity must be to count as proof that provisioning works with PKCE. */
export const TOKEN_RECENCY_DAYS = 7;

/** What the sign-in tells us, without any secret. */
export interface SignInFacts {
  readonly pkce: string | undefined;
  readonly hasAccessToken: boolean;
  readonly username?: string;
  readonly issuedAt?: number;
  readonly loginHost?: string;
}

/** One OAuth client found in metadata (Connected App or External Client App global settings). */
export interface OAuthAppInfo {
  readonly kind: 'ConnectedApp' | 'ExternalClientApp';
  readonly fullName: string;
  readonly label?: string;
  readonly callbackUrls: readonly string[];
  /** Metadata's string 'true'/'false' (jsforce does not cast unknown fields); undefined when absent. */
  readonly isPkceRequired?: string;
}

export interface OAuthTokenRow {
  readonly appName: string;
  readonly userId: string;
  readonly createdDate: string;
  readonly lastUsedDate: string | null;
  readonly useCount: number | null;
}

function evidence(api: string, at: string, values: Record<string, EvidenceValue> = {}): Evidence {
  return { api, at, values };
}

/** Metadata booleans arrive as strings; accept real booleans too. undefined = not present / unreadable. */
export function metadataBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  return undefined;
}

export function isOktaProvisioningApp(app: OAuthAppInfo): boolean {
  return app.callbackUrls.some((u) => u.toLowerCase().includes(OKTA_CALLBACK_MARKER));
}

export function signInVerdict(
  facts: SignInFacts | undefined,
  at: string,
  notSignedInReason?: string,
): CheckResult {
  const api = 'PKCE Pilot sign-in (keychain)';
  if (!facts) {
    return {
      id: 'salesforce.signin.pkce',
      status: 'unknown',
      summary: notSignedInReason ?? 'Not signed in to Salesforce: sign in to this org first.',
      evidence: evidence(api, at),
    };
  }
  const values: Record<string, EvidenceValue> = {
    pkce: facts.pkce ?? null,
    username: facts.username ?? null,
    issuedAt: facts.issuedAt ? new Date(facts.issuedAt).toISOString() : null,
    loginHost: facts.loginHost ?? null,
  };
  if (facts.pkce === 'S256' && facts.hasAccessToken) {
    return {
      id: 'salesforce.signin.pkce',
      status: 'pass',
      summary: `Signed in with PKCE (S256)${facts.username ? ` as ${facts.username}` : ''}${facts.loginHost ? ` via ${facts.loginHost}` : ''}.`,
      evidence: evidence(api, at, values),
    };
  }
  return {
    id: 'salesforce.signin.pkce',
    status: 'fail',
    summary: 'The stored Salesforce sign-in did not use PKCE S256 or has no access token: sign in again.',
    evidence: evidence(api, at, values),
  };
}

export function orgPkceVerdict(
  read: ReadResult<{ isPkceRequired?: unknown } | undefined>,
  at: string,
): CheckResult {
  const api = 'Metadata API readMetadata(OauthOidcSettings, OauthOidc)';
  const id = 'salesforce.org.pkce-required' as const;
  if (!read.ok) return { id, status: 'unknown', summary: read.reason, evidence: evidence(api, at) };
  const raw = read.value?.isPkceRequired;
  const value = metadataBoolean(raw);
  const values = { isPkceRequired: raw === undefined ? null : String(raw) };
  if (value === undefined) {
    return {
      id,
      status: 'unknown',
      summary:
        'The org-wide "Require PKCE" setting was not in Salesforce\'s answer (needs API 59.0+): check OAuth and OpenID Connect Settings in Setup.',
      evidence: evidence(api, at, values),
    };
  }
  return value
    ? {
        id,
        status: 'pass',
        summary: 'The org requires PKCE for every OAuth app.',
        evidence: evidence(api, at, values),
      }
    : {
        id,
        status: 'fail',
        summary:
          'The org does not require PKCE org-wide (optional: turn it on after both migration steps are done).',
        evidence: evidence(api, at, values),
      };
}

export interface AppDiscovery {
  readonly connectedApps: ReadResult<readonly OAuthAppInfo[]>;
  readonly externalClientApps: ReadResult<readonly OAuthAppInfo[]>;
}

export function oktaAppsIn(discovery: AppDiscovery): OAuthAppInfo[] {
  const all = [
    ...(discovery.connectedApps.ok ? discovery.connectedApps.value : []),
    ...(discovery.externalClientApps.ok ? discovery.externalClientApps.value : []),
  ];
  return all.filter(isOktaProvisioningApp);
}

function appName(app: OAuthAppInfo): string {
  return app.label && app.label !== app.fullName ? `${app.label} (${app.fullName})` : app.fullName;
}

export function oktaAppFoundVerdict(discovery: AppDiscovery, at: string): CheckResult {
  const api = 'Metadata API listMetadata/readMetadata(ConnectedApp, ExtlClntAppGlobalOauthSettings)';
  const id = 'salesforce.okta-app.found' as const;
  const found = oktaAppsIn(discovery);
  const values: Record<string, EvidenceValue> = {
    apps: found.map(appName),
    connectedAppsRead: discovery.connectedApps.ok ? discovery.connectedApps.value.length : null,
    externalClientAppsRead: discovery.externalClientApps.ok
      ? discovery.externalClientApps.value.length
      : null,
  };
  if (found.length > 0) {
    return {
      id,
      status: 'pass',
      summary: `Okta's provisioning app found: ${found.map(appName).join(', ')}.`,
      evidence: evidence(api, at, values),
    };
  }
  if (!discovery.connectedApps.ok)
    return {
      id,
      status: 'unknown',
      summary: discovery.connectedApps.reason,
      evidence: evidence(api, at, values),
    };
  if (!discovery.externalClientApps.ok) {
    return {
      id,
      status: 'unknown',
      summary: `No Connected App uses Okta's callback URL, and External Client Apps could not be checked: ${discovery.externalClientApps.reason}`,
      evidence: evidence(api, at, values),
    };
  }
  return {
    id,
    status: 'fail',
    summary: `No app in this org uses Okta's callback URL (…${OKTA_CALLBACK_MARKER}): check that Okta provisions to this org.`,
    evidence: evidence(api, at, values),
  };
}

export function oktaAppPkceVerdict(discovery: AppDiscovery, at: string): CheckResult {
  const api =
    'Metadata API readMetadata(ConnectedApp oauthConfig / ExtlClntAppGlobalOauthSettings).isPkceRequired';
  const id = 'salesforce.okta-app.pkce-required' as const;
  const found = oktaAppsIn(discovery);
  const values: Record<string, EvidenceValue> = {
    apps: found.map(appName),
    isPkceRequired: found.map((a) => `${a.fullName}=${a.isPkceRequired ?? 'absent'}`),
  };
  if (found.length === 0) {
    const why =
      !discovery.externalClientApps.ok && discovery.externalClientApps.missing
        ? `External Client App settings could not be read (needs ${discovery.externalClientApps.missing}); confirm "Require PKCE" on Okta's app yourself.`
        : "Okta's provisioning app was not found, so its PKCE setting could not be read.";
    return { id, status: 'unknown', summary: why, evidence: evidence(api, at, values) };
  }
  const notRequired = found.filter((a) => metadataBoolean(a.isPkceRequired) === false);
  if (notRequired.length > 0) {
    return {
      id,
      status: 'fail',
      summary: `"Require PKCE" is off on ${notRequired.map(appName).join(', ')}: edit the app, check Require PKCE and save.`,
      evidence: evidence(api, at, values),
    };
  }
  const unread = found.filter((a) => metadataBoolean(a.isPkceRequired) === undefined);
  if (unread.length > 0) {
    return {
      id,
      status: 'unknown',
      summary: `Salesforce did not report "Require PKCE" for ${unread.map(appName).join(', ')}: confirm it in App Manager.`,
      evidence: evidence(api, at, values),
    };
  }
  return {
    id,
    status: 'pass',
    summary: `"Require PKCE" is on for ${found.map(appName).join(', ')}.`,
    evidence: evidence(api, at, values),
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

function latest(dates: readonly (string | null)[]): string | undefined {
  let best: string | undefined;
  let bestMs = -Infinity;
  for (const d of dates) {
    const ms = d ? Date.parse(d) : NaN;
    if (!Number.isNaN(ms) && ms > bestMs) {
      bestMs = ms;
      best = new Date(ms).toISOString();
    }
  }
  return best;
}

/**
 * Rule (documented in DEVELOPERS-facing comment and the summary): Salesforce checks PKCE only when a
 * token is *issued*, and no API says when "Require PKCE" was switched on. So a token proves the
 * migration only when (1) the app requires PKCE now, (2) a token for it was created within the last
 * TOKEN_RECENCY_DAYS (Okta re-authenticated recently — with PKCE required, that sign-in must have used
 * PKCE) and (3) a token was used within the same window (provisioning runs). No token at all while
 * the app exists → fail (Okta must re-authenticate). Everything else → unknown with the reason.
 */
export function oktaTokensVerdict(
  appPkce: CheckResult,
  apps: readonly OAuthAppInfo[],
  read: ReadResult<readonly OAuthTokenRow[]> | undefined,
  nowMs: number,
  at: string,
): CheckResult {
  const api = 'SOQL OauthToken (AppName, UserId, CreatedDate, LastUsedDate, UseCount)';
  const id = 'salesforce.okta-app.tokens' as const;
  if (apps.length === 0 || !read) {
    return {
      id,
      status: 'unknown',
      summary: "Okta's provisioning app was not found, so its tokens could not be checked.",
      evidence: evidence(api, at),
    };
  }
  if (!read.ok) return { id, status: 'unknown', summary: read.reason, evidence: evidence(api, at) };
  const rows = read.value;
  const lastCreated = latest(rows.map((r) => r.createdDate));
  const lastUsed = latest(rows.map((r) => r.lastUsedDate));
  const values: Record<string, EvidenceValue> = {
    tokens: rows.length,
    lastCreated: lastCreated ?? null,
    lastUsed: lastUsed ?? null,
    users: [...new Set(rows.map((r) => r.userId))],
    useCount: rows.reduce((n, r) => n + (r.useCount ?? 0), 0),
    appRequiresPkce: appPkce.status === 'pass',
  };
  if (rows.length === 0) {
    return {
      id,
      status: 'fail',
      summary:
        'Okta holds no token for its Salesforce app: in Okta, re-authenticate with Salesforce.com, click Allow and save.',
      evidence: evidence(api, at, values),
    };
  }
  const cutoff = nowMs - TOKEN_RECENCY_DAYS * DAY_MS;
  const createdRecently = lastCreated !== undefined && Date.parse(lastCreated) >= cutoff;
  const usedRecently = lastUsed !== undefined && Date.parse(lastUsed) >= cutoff;
  if (appPkce.status !== 'pass') {
    return {
      id,
      status: 'unknown',
      summary: "Okta's app does not (provably) require PKCE yet, so its tokens do not show a PKCE sign-in.",
      evidence: evidence(api, at, values),
    };
  }
  if (!createdRecently) {
    return {
      id,
      status: 'unknown',
      summary: `Okta's newest token is older than ${TOKEN_RECENCY_DAYS} days, so it may predate "Require PKCE": re-authenticate in Okta if you have not since.`,
      evidence: evidence(api, at, values),
    };
  }
  if (!usedRecently) {
    return {
      id,
      status: 'unknown',
      summary: `Okta re-authenticated (token created ${lastCreated}) but has not used it within ${TOKEN_RECENCY_DAYS} days: provision a test user to confirm.`,
      evidence: evidence(api, at, values),
    };
  }
  return {
    id,
    status: 'pass',
    summary: `Okta re-authenticated with PKCE required (token created ${lastCreated}) and used it ${lastUsed}.`,
    evidence: evidence(api, at, values),
  };
}
