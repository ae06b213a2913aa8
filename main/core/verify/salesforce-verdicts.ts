/**
 * Pure verdicts for the Salesforce checks: read values in, CheckVerdict out. No I/O here, so every
 * situation (PKCE on/off, app missing, unreadable metadata…) is unit-testable. A verdict is 'pass'
 * only when the values that prove it were actually read.
 */
import { isOktaCallbackUrl, OKTA_CALLBACK_EXAMPLE, oktaCallbackHosts } from './okta-callback';
import {
  readFailed,
  readOk,
  type CheckVerdict,
  type Evidence,
  type EvidenceValue,
  type ReadResult,
} from './types';

/** What the sign-in tells us, without any secret. */
export interface SignInFacts {
  readonly pkce: string | undefined;
  readonly hasAccessToken: boolean;
  readonly username?: string;
  readonly issuedAt?: number;
  readonly loginHost?: string;
  /**
   * This run used the grant: the identity call (after at most one refresh) succeeded, or failed with
   * the reason (revoked / expired grant). Undefined = not tried.
   */
  readonly grant?: ReadResult<{ readonly refreshed: boolean }>;
  /** System Administrator permissions read from the user's permission set assignments (profile included). */
  readonly admin?: ReadResult<AdminPermissions>;
}

export interface AdminPermissions {
  readonly modifyAllData: boolean;
  readonly customizeApplication: boolean;
  /** Names of the permission sets (profile-owned included) that grant them. */
  readonly grantedBy: readonly string[];
}

/** One OAuth client found in metadata (Connected App or External Client App global settings). */
export interface OAuthAppInfo {
  readonly kind: 'ConnectedApp' | 'ExternalClientApp';
  readonly fullName: string;
  /**
   * The app's label as Setup shows it — the value OauthToken.AppName carries (OauthToken reference:
   * "AppName: the label for the connected app"). Undefined when it could not be read.
   */
  readonly label?: string;
  readonly callbackUrls: readonly string[];
  /** Metadata's string 'true'/'false' (jsforce does not cast unknown fields); undefined when absent. */
  readonly isPkceRequired?: string;
  /** FileProperties.lastModifiedDate from listMetadata (Metadata API reference, FileProperties). */
  readonly lastModifiedDate?: string;
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

export function isOktaProvisioningApp(app: OAuthAppInfo, hosts: ReadonlySet<string>): boolean {
  return app.callbackUrls.some((u) => isOktaCallbackUrl(u, hosts));
}

export function signInVerdict(
  facts: SignInFacts | undefined,
  at: string,
  notSignedInReason?: string,
): CheckVerdict {
  const api = 'PKCE Pilot sign-in (keychain) + Salesforce identity URL';
  const id = 'salesforce.signin.pkce' as const;
  if (!facts) {
    return {
      id,
      status: 'unknown',
      summary:
        notSignedInReason ??
        'Could not check: not signed in to Salesforce; to allow the check, sign in to this org (`pkce-pilot login`).',
      evidence: evidence(api, at),
    };
  }
  const admin = facts.admin?.ok ? facts.admin.value : undefined;
  const values: Record<string, EvidenceValue> = {
    pkce: facts.pkce ?? null,
    username: facts.username ?? null,
    issuedAt: facts.issuedAt ? new Date(facts.issuedAt).toISOString() : null,
    loginHost: facts.loginHost ?? null,
    grantUsed: facts.grant ? facts.grant.ok : null,
    refreshed: facts.grant?.ok ? facts.grant.value.refreshed : null,
    // true/false only when the permissions were read; null = not shown (the admin confirms it).
    systemAdministrator: admin ? admin.modifyAllData && admin.customizeApplication : null,
    adminPermissionsFrom: admin ? [...admin.grantedBy] : [],
  };
  if (facts.pkce !== 'S256' || !facts.hasAccessToken) {
    return {
      id,
      status: 'fail',
      summary: 'The stored Salesforce sign-in did not use PKCE S256 or has no access token: sign in again.',
      evidence: evidence(api, at, values),
    };
  }
  if (!facts.grant) {
    return {
      id,
      status: 'unknown',
      summary:
        'Could not check: the stored sign-in used PKCE, but this run did not use it, so it is not proven to work; verify again.',
      evidence: evidence(api, at, values),
    };
  }
  if (!facts.grant.ok) {
    return { id, status: 'unknown', summary: facts.grant.reason, evidence: evidence(api, at, values) };
  }
  return {
    id,
    status: 'pass',
    summary: `Signed in with PKCE (S256)${facts.username ? ` as ${facts.username}` : ''}${facts.loginHost ? ` via ${facts.loginHost}` : ''}; Salesforce accepted the sign-in just now${facts.grant.value.refreshed ? ' (after a refresh)' : ''}.`,
    evidence: evidence(api, at, values),
  };
}

export function orgPkceVerdict(
  read: ReadResult<{ isPkceRequired?: unknown } | undefined>,
  at: string,
): CheckVerdict {
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
        'Could not check: the org-wide "Require PKCE" setting was not in Salesforce\'s answer (it needs API 59.0+); to allow the check, look at OAuth and OpenID Connect Settings in Setup and confirm it yourself.',
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
  /** Hosts Okta's callback may carry (okta-callback.ts); default: every Okta cell. */
  readonly callbackHosts?: ReadonlySet<string>;
}

export function oktaAppsIn(discovery: AppDiscovery): OAuthAppInfo[] {
  const hosts = discovery.callbackHosts ?? oktaCallbackHosts();
  const all = [
    ...(discovery.connectedApps.ok ? discovery.connectedApps.value : []),
    ...(discovery.externalClientApps.ok ? discovery.externalClientApps.value : []),
  ];
  return all.filter((a) => isOktaProvisioningApp(a, hosts));
}

function kindName(app: OAuthAppInfo): string {
  return app.kind === 'ConnectedApp' ? 'Connected App' : 'External Client App';
}

export function appName(app: OAuthAppInfo): string {
  return app.label && app.label !== app.fullName ? `${app.label} (${app.fullName})` : app.fullName;
}

function appNameWithKind(app: OAuthAppInfo): string {
  return `${kindName(app)} ${appName(app)}`;
}

export function oktaAppFoundVerdict(discovery: AppDiscovery, at: string): CheckVerdict {
  const api = 'Metadata API listMetadata/readMetadata(ConnectedApp, ExtlClntAppGlobalOauthSettings)';
  const id = 'salesforce.okta-app.found' as const;
  const found = oktaAppsIn(discovery);
  const values: Record<string, EvidenceValue> = {
    apps: found.map(appName),
    kinds: found.map(kindName),
    connectedAppsRead: discovery.connectedApps.ok ? discovery.connectedApps.value.length : null,
    externalClientAppsRead: discovery.externalClientApps.ok
      ? discovery.externalClientApps.value.length
      : null,
  };
  if (found.length > 0) {
    const several = found.length > 1 ? `${found.length} apps carry Okta's callback URL: ` : '';
    const unread = !discovery.connectedApps.ok
      ? ' (Connected Apps could not be read, so there may be more)'
      : !discovery.externalClientApps.ok
        ? ' (External Client Apps could not be read, so there may be more)'
        : '';
    return {
      id,
      status: 'pass',
      summary: `Okta's provisioning app found: ${several}${found.map(appNameWithKind).join(', ')}${unread}.`,
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
      summary: `No Connected App uses Okta's callback URL, and External Client Apps could not be read. ${discovery.externalClientApps.reason}`,
      evidence: evidence(api, at, values),
    };
  }
  return {
    id,
    status: 'fail',
    summary: `No Connected App or External Client App in this org uses Okta's callback URL (${OKTA_CALLBACK_EXAMPLE}, or the one of your Okta cell): check that Okta provisions to this org.`,
    evidence: evidence(api, at, values),
  };
}

/** What OauthToken shows for one of Okta's apps. */
export interface AppTokenFacts {
  readonly app: OAuthAppInfo;
  /** Rows for the app's label; a failed read when the label or the query was not available. */
  readonly rows: ReadResult<readonly OAuthTokenRow[]>;
}

/** Groups the OauthToken rows by app label; an app without a known label gets the reason instead. */
export function tokensByApp(
  apps: readonly OAuthAppInfo[],
  read: ReadResult<readonly OAuthTokenRow[]> | undefined,
): AppTokenFacts[] {
  return apps.map((app): AppTokenFacts => {
    if (!app.label)
      return {
        app,
        rows: readFailed(
          `the label of ${kindName(app)} ${app.fullName} could not be read, and OauthToken lists tokens by label only`,
        ),
      };
    if (!read) return { app, rows: readFailed('OauthToken was not read') };
    if (!read.ok) return { app, rows: read };
    return { app, rows: readOk(read.value.filter((r) => r.appName === app.label)) };
  });
}

function lastUseText(facts: AppTokenFacts | undefined): string {
  if (!facts || !facts.rows.ok) return 'its token use could not be read';
  const rows = facts.rows.value;
  if (rows.length === 0) return 'it holds no token';
  const used = latest(rows.map((r) => r.lastUsedDate));
  return used ? `its tokens were last used ${used}` : 'its tokens were never used';
}

export function oktaAppPkceVerdict(
  discovery: AppDiscovery,
  at: string,
  tokens: readonly AppTokenFacts[] = [],
): CheckVerdict {
  const api =
    'Metadata API readMetadata(ConnectedApp oauthConfig / ExtlClntAppGlobalOauthSettings).isPkceRequired';
  const id = 'salesforce.okta-app.pkce-required' as const;
  const found = oktaAppsIn(discovery);
  const values: Record<string, EvidenceValue> = {
    apps: found.map(appName),
    isPkceRequired: found.map((a) => `${a.fullName}=${a.isPkceRequired ?? 'absent'}`),
    lastTokenUse: tokens.map((t) => `${t.app.fullName}: ${lastUseText(t)}`),
  };
  if (found.length === 0) {
    const why =
      !discovery.externalClientApps.ok && discovery.externalClientApps.missing
        ? `Could not check: External Client App settings could not be read; to allow the check, the signed-in user needs ${discovery.externalClientApps.missing} — or confirm "Require PKCE" on Okta's app yourself.`
        : "Could not check: Okta's provisioning app was not found, so its PKCE setting could not be read; to allow the check, make sure Okta's app in Salesforce carries Okta's callback URL (see the check above).";
    return { id, status: 'unknown', summary: why, evidence: evidence(api, at, values) };
  }
  const notRequired = found.filter((a) => metadataBoolean(a.isPkceRequired) === false);
  if (notRequired.length > 0) {
    const tokenOf = (a: OAuthAppInfo) => tokens.find((t) => t.app === a);
    const named = notRequired.map((a) => `${appNameWithKind(a)} (${lastUseText(tokenOf(a))})`).join('; ');
    const several =
      found.length > 1
        ? ` ${found.length} apps carry Okta's callback; every one must require PKCE — any Okta org still provisioning through one without it breaks; if it is unused, remove it.`
        : '';
    return {
      id,
      status: 'fail',
      summary: `"Require PKCE" is off on ${named}: edit the app, check Require PKCE and save.${several}`,
      evidence: evidence(api, at, values),
    };
  }
  const unread = found.filter((a) => metadataBoolean(a.isPkceRequired) === undefined);
  if (unread.length > 0) {
    return {
      id,
      status: 'unknown',
      summary: `Could not check: Salesforce did not report "Require PKCE" for ${unread.map(appNameWithKind).join(', ')}; confirm it in App Manager.`,
      evidence: evidence(api, at, values),
    };
  }
  if (!discovery.connectedApps.ok || !discovery.externalClientApps.ok) {
    return {
      id,
      status: 'unknown',
      summary: `Could not check every app: "Require PKCE" is on for ${found.map(appNameWithKind).join(', ')}, but ${!discovery.connectedApps.ok ? 'Connected Apps' : 'External Client Apps'} could not be read, so another app with Okta's callback may not require it; to allow the check, the signed-in user needs ${(!discovery.connectedApps.ok ? discovery.connectedApps.missing : !discovery.externalClientApps.ok ? discovery.externalClientApps.missing : undefined) ?? 'the permissions to read them'} — or confirm it in App Manager.`,
      evidence: evidence(api, at, values),
    };
  }
  return {
    id,
    status: 'pass',
    summary: `"Require PKCE" is on for ${found.length > 1 ? `all ${found.length} apps with Okta's callback: ` : ''}${found.map(appNameWithKind).join(', ')}.`,
    evidence: evidence(api, at, values),
  };
}

function latest(dates: readonly (string | null | undefined)[]): string | undefined {
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

/** One app's answer to "did Okta get a token after the app was last changed?". */
type AppProof =
  | { readonly kind: 'proven'; readonly created: string; readonly lastUsed?: string }
  | { readonly kind: 'stale'; readonly created: string; readonly changed: string; readonly lastUsed?: string }
  | { readonly kind: 'none' }
  | { readonly kind: 'unknown'; readonly reason: string };

function proofFor(facts: AppTokenFacts): AppProof {
  if (!facts.rows.ok) return { kind: 'unknown', reason: facts.rows.reason };
  const rows = facts.rows.value;
  if (rows.length === 0) return { kind: 'none' };
  const created = latest(rows.map((r) => r.createdDate));
  const lastUsed = latest(rows.map((r) => r.lastUsedDate));
  const used = lastUsed ? { lastUsed } : {};
  if (!created) return { kind: 'unknown', reason: 'the token rows carry no readable CreatedDate' };
  const changedMs = facts.app.lastModifiedDate ? Date.parse(facts.app.lastModifiedDate) : NaN;
  if (Number.isNaN(changedMs))
    return {
      kind: 'unknown',
      reason: `Salesforce did not say when ${appName(facts.app)} was last changed (listMetadata lastModifiedDate), so the newest token (created ${created}) cannot be placed before or after the PKCE change`,
    };
  const changed = new Date(changedMs).toISOString();
  return Date.parse(created) > changedMs
    ? { kind: 'proven', created, ...used }
    : { kind: 'stale', created, changed, ...used };
}

function proofText(facts: AppTokenFacts, proof: AppProof): string {
  const name = appName(facts.app);
  const used = (p: { lastUsed?: string }) => (p.lastUsed ? `, last used ${p.lastUsed}` : ', never used');
  switch (proof.kind) {
    case 'proven':
      return `${name}: Okta got a token ${proof.created}, after the app was last changed ${facts.app.lastModifiedDate ?? ''}${used(proof)}`;
    case 'stale':
      return `${name}: Okta's newest token was created ${proof.created}, before the app was last changed ${proof.changed}${used(proof)}`;
    case 'none':
      return `${name}: no token`;
    case 'unknown':
      return `${name}: ${proof.reason}`;
  }
}

/**
 * Rule: Salesforce checks PKCE only when a token is *issued*, and a refresh token from before the change
 * keeps working. So a token proves Okta re-authenticated under "Require PKCE" only when it was created
 * after the app was last changed (FileProperties.lastModifiedDate from listMetadata). Pass: the app check
 * passed and at least one of Okta's apps holds such a token. Fail: every app was fully read and none
 * holds a token created after its change (none at all, or only older ones). Unknown otherwise, with the
 * dates in the evidence.
 */
export function oktaTokensVerdict(
  appPkce: CheckVerdict,
  tokens: readonly AppTokenFacts[],
  at: string,
): CheckVerdict {
  const api =
    'SOQL OauthToken (AppName = app label; CreatedDate, LastUsedDate, UseCount) vs listMetadata lastModifiedDate';
  const id = 'salesforce.okta-app.tokens' as const;
  if (tokens.length === 0) {
    return {
      id,
      status: 'unknown',
      summary:
        "Could not check: Okta's provisioning app was not found, so its tokens could not be read; to allow the check, make sure Okta's app in Salesforce carries Okta's callback URL (see the check above).",
      evidence: evidence(api, at),
    };
  }
  const proofs = tokens.map((t) => ({ facts: t, proof: proofFor(t) }));
  const allRows = tokens.flatMap((t) => (t.rows.ok ? t.rows.value : []));
  const values: Record<string, EvidenceValue> = {
    apps: tokens.map((t) => appName(t.app)),
    appLastModified: tokens.map((t) => `${t.app.fullName}=${t.app.lastModifiedDate ?? 'unknown'}`),
    tokens: allRows.length,
    lastCreated: latest(allRows.map((r) => r.createdDate)) ?? null,
    lastUsed: latest(allRows.map((r) => r.lastUsedDate)) ?? null,
    users: [...new Set(allRows.map((r) => r.userId))],
    useCount: allRows.reduce((n, r) => n + (r.useCount ?? 0), 0),
    perApp: proofs.map((p) => proofText(p.facts, p.proof)),
    appRequiresPkce: appPkce.status === 'pass',
  };
  const facts = proofs.map((p) => proofText(p.facts, p.proof)).join('; ');
  const proven = proofs.filter((p) => p.proof.kind === 'proven');
  const unknown = proofs.filter((p) => p.proof.kind === 'unknown');
  if (proven.length > 0 && appPkce.status === 'pass') {
    return {
      id,
      status: 'pass',
      summary: `Okta re-authenticated after "Require PKCE" was set — ${facts}.`,
      evidence: evidence(api, at, values),
    };
  }
  if (proven.length > 0) {
    return {
      id,
      status: 'unknown',
      summary: `Could not check: Okta got a new token (${facts}), but Okta's app does not (provably) require PKCE, so the token does not show a PKCE sign-in; to allow the check, turn on "Require PKCE" on Okta's app, then re-authenticate in Okta.`,
      evidence: evidence(api, at, values),
    };
  }
  if (unknown.length > 0) {
    return {
      id,
      status: 'unknown',
      summary: `Could not check whether Okta re-authenticated after the change — ${facts}; to allow the check, the signed-in user needs "Customize Application" and the metadata permissions that show the app's label and last change, or look at Setup > Connected Apps OAuth Usage yourself.`,
      evidence: evidence(api, at, values),
    };
  }
  const anyToken = proofs.some((p) => p.proof.kind === 'stale');
  return {
    id,
    status: 'fail',
    summary: anyToken
      ? `Okta has not re-authenticated since the app was last changed — ${facts}: in Okta, re-authenticate with Salesforce.com, click Allow and save.`
      : 'Okta holds no token for its Salesforce app: in Okta, re-authenticate with Salesforce.com, click Allow and save.',
    evidence: evidence(api, at, values),
  };
}
