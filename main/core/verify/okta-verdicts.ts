/**
 * Pure verdicts for the Okta checks, and the parsing of Okta's JSON into the few fields they need.
 *
 * Sources: Okta Management API "Applications" (settings.app.instanceType / loginUrl of the Salesforce
 * app), "System Log" (LogEvent: eventType, published, outcome.result/reason, target[]), and Okta's help
 * page "Provisioning integration error events" (ref-apps-events), which lists the event types that
 * carry provisioning errors with outcome.result FAILURE.
 */
import type { CheckVerdict, Evidence, EvidenceValue, ReadResult } from './types';

export const LOG_WINDOW_DAYS = 7;

/** Event-type families of "Provisioning integration error events" (Okta help, ref-apps-events). */
export const PROVISIONING_ERROR_EVENT_TYPES: readonly string[] = [
  'application.configuration.import_schema',
  'application.configuration.update',
  'application.integration.authentication_failure',
  'application.integration.general_failure',
  'application.integration.rate_limit_exceeded',
];
export const PROVISIONING_ERROR_PREFIXES: readonly string[] = [
  'application.provision.user.',
  'application.provision.group.',
  'application.provision.group_membership.',
];

export interface OktaAppFacts {
  readonly id: string;
  readonly label: string;
  readonly status: string;
  readonly instanceType?: string;
  readonly loginUrl?: string;
  readonly features: readonly string[];
}

export interface ProvisioningEvent {
  readonly published: string;
  readonly eventType: string;
  /** outcome.result: SUCCESS, FAILURE, SKIPPED, ALLOW, DENY, CHALLENGE, UNKNOWN — or absent. */
  readonly result?: string;
  readonly displayMessage?: string;
  readonly reason?: string;
  /** Ids of the AppInstance targets (which Okta app instance the event is about). */
  readonly appIds: readonly string[];
}

function rec(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function s(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function parseOktaApps(items: readonly unknown[]): OktaAppFacts[] {
  return items.flatMap((raw): OktaAppFacts[] => {
    const a = rec(raw);
    const id = s(a['id']);
    if (!id) return [];
    const app = rec(rec(a['settings'])['app']);
    const instanceType = s(app['instanceType']);
    const loginUrl = s(app['loginUrl']);
    return [
      {
        id,
        label: s(a['label']) ?? id,
        status: s(a['status']) ?? 'UNKNOWN',
        ...(instanceType ? { instanceType } : {}),
        ...(loginUrl ? { loginUrl } : {}),
        features: Array.isArray(a['features'])
          ? (a['features'] as unknown[]).filter((f): f is string => typeof f === 'string')
          : [],
      },
    ];
  });
}

/** Parses LogEvents; `fallbackAppId` is used when an event names no AppInstance target. */
export function parseProvisioningEvents(
  items: readonly unknown[],
  fallbackAppId?: string,
): ProvisioningEvent[] {
  return items.flatMap((raw): ProvisioningEvent[] => {
    const e = rec(raw);
    const published = s(e['published']);
    const eventType = s(e['eventType']);
    if (!published || !eventType || Number.isNaN(Date.parse(published))) return [];
    const outcome = rec(e['outcome']);
    const result = s(outcome['result']);
    const displayMessage = s(e['displayMessage']);
    const reason = s(outcome['reason']);
    const targets = Array.isArray(e['target']) ? (e['target'] as unknown[]).map(rec) : [];
    const appIds = targets
      .filter((t) => s(t['type']) === 'AppInstance')
      .flatMap((t) => (s(t['id']) ? [s(t['id']) as string] : []));
    return [
      {
        published,
        eventType,
        ...(result ? { result } : {}),
        ...(displayMessage ? { displayMessage } : {}),
        ...(reason ? { reason } : {}),
        appIds: appIds.length > 0 ? appIds : fallbackAppId ? [fallbackAppId] : [],
      },
    ];
  });
}

/** Kept for callers that only need the failures. */
export function parseAuthFailures(items: readonly unknown[]): ProvisioningEvent[] {
  return parseProvisioningEvents(items).filter(isProvisioningFailure);
}

export function isProvisioningErrorType(eventType: string): boolean {
  return (
    PROVISIONING_ERROR_EVENT_TYPES.includes(eventType) ||
    PROVISIONING_ERROR_PREFIXES.some((p) => eventType.startsWith(p))
  );
}

/**
 * An error event: one of the listed types with outcome.result FAILURE. The application.integration.*
 * types name a failure in themselves, so one without an outcome counts too.
 */
export function isProvisioningFailure(e: ProvisioningEvent): boolean {
  if (!isProvisioningErrorType(e.eventType)) return false;
  if (e.result?.toUpperCase() === 'FAILURE') return true;
  return e.result === undefined && e.eventType.startsWith('application.integration.');
}

/** Provisioning that went through: any application.provision.* event with outcome SUCCESS. */
export function isProvisioningSuccess(e: ProvisioningEvent): boolean {
  return e.eventType.startsWith('application.provision.') && e.result?.toUpperCase() === 'SUCCESS';
}

/** Credential / authorization failures: the broken-connection symptom of the PKCE change. */
export function isCredentialFailure(e: ProvisioningEvent): boolean {
  if (e.eventType === 'application.integration.authentication_failure') return true;
  const text = `${e.displayMessage ?? ''} ${e.reason ?? ''}`;
  return /credentials used to connect to the API were invalid|credential|invalid_grant|invalid_client|expired access\/refresh token|authenticat|unauthori[sz]ed|OAuth/i.test(
    text,
  );
}

function ev(api: string, at: string, values: Record<string, EvidenceValue> = {}): Evidence {
  return { api, at, values };
}

const APPS_API = 'Okta GET /api/v1/apps?filter=name eq "salesforce"';
const LOGS_API = `Okta GET /api/v1/logs (provisioning error and provisioning event types per app instance, last ${LOG_WINDOW_DAYS} days)`;

export function activeApps(apps: readonly OktaAppFacts[]): OktaAppFacts[] {
  return apps.filter((a) => a.status === 'ACTIVE');
}

export function describeApp(a: OktaAppFacts): string {
  const host = hostOf(a.loginUrl);
  const parts = [a.instanceType, host].filter(Boolean).join(', ');
  return `${a.label}${parts ? ` [${parts}]` : ''}`;
}

export function oktaAppFoundVerdict(read: ReadResult<readonly OktaAppFacts[]>, at: string): CheckVerdict {
  const id = 'okta.salesforce-app.found' as const;
  if (!read.ok) return { id, status: 'unknown', summary: read.reason, evidence: ev(APPS_API, at) };
  const active = activeApps(read.value);
  const values: Record<string, EvidenceValue> = {
    active: active.map(describeApp),
    inactive: read.value.filter((a) => a.status !== 'ACTIVE').map(describeApp),
    features: [...new Set(active.flatMap((a) => a.features))],
  };
  if (active.length === 0) {
    return {
      id,
      status: 'fail',
      summary:
        read.value.length > 0
          ? 'Okta has Salesforce apps but none is active: activate the one that provisions.'
          : 'Okta has no Salesforce app: this migration may not apply (SAML-only or another Okta org).',
      evidence: ev(APPS_API, at, values),
    };
  }
  const provisioning = active.filter((a) =>
    a.features.some((f) => f.startsWith('PUSH_') || f === 'REACTIVATE_USERS'),
  );
  const note = provisioning.length === 0 ? ' (no provisioning features reported)' : '';
  return {
    id,
    status: 'pass',
    summary: `Active Salesforce app in Okta: ${active.map(describeApp).join(', ')}${note}.`,
    evidence: ev(APPS_API, at, values),
  };
}

// ---- Which Okta app instance provisions this Salesforce org ----

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Salesforce's shared login hosts: they say production or sandbox, not which org. */
const GENERIC_LOGIN_HOSTS: Readonly<Record<string, string>> = {
  'login.salesforce.com': 'PRODUCTION',
  'test.salesforce.com': 'SANDBOX',
};

/** PRODUCTION / SANDBOX from a Salesforce host, when the host says so. */
export function instanceKindOfHost(host: string): string | undefined {
  const generic = GENERIC_LOGIN_HOSTS[host];
  if (generic) return generic;
  if (/\.sandbox\.my\.salesforce\.com$/.test(host) || /--[^.]+\.[^.]*\.?my\.salesforce\.com$/.test(host))
    return 'SANDBOX';
  if (/\.my\.salesforce\.com$/.test(host)) return 'PRODUCTION';
  return undefined;
}

export interface Attribution {
  /** The instance(s) that provision this org; empty with `reason` when it cannot be told. */
  readonly mine: readonly OktaAppFacts[];
  readonly others: readonly OktaAppFacts[];
  readonly reason?: string;
}

/**
 * Matches active Salesforce app instances to this org through what Okta's app settings expose
 * (settings.app.loginUrl and instanceType) and the org's hosts (its login URL and, when signed in,
 * its instance and identity hosts). An exact My Domain host decides; a shared login host
 * (login/test.salesforce.com) only fits when the instance type agrees and no other instance fits too.
 */
export function attributeInstances(apps: readonly OktaAppFacts[], orgHosts: readonly string[]): Attribution {
  const active = activeApps(apps);
  const hosts = new Set(orgHosts.map((h) => h.toLowerCase()));
  const orgKinds = new Set([...hosts].map(instanceKindOfHost).filter((k): k is string => !!k));
  const exact: OktaAppFacts[] = [];
  const possible: OktaAppFacts[] = [];
  for (const app of active) {
    const host = hostOf(app.loginUrl);
    const generic = host ? GENERIC_LOGIN_HOSTS[host] : undefined;
    if (host && !generic) {
      if (hosts.has(host)) exact.push(app);
      continue;
    }
    // Shared host or none: the instance type must agree with what the org's hosts say.
    const kind = generic ?? app.instanceType;
    if (kind && orgKinds.size > 0 && orgKinds.has(kind)) possible.push(app);
    else if (!kind || orgKinds.size === 0) possible.push(app);
  }
  if (exact.length > 0) return { mine: exact, others: active.filter((a) => !exact.includes(a)) };
  if (possible.length === 1) return { mine: possible, others: active.filter((a) => !possible.includes(a)) };
  return {
    mine: [],
    others: active,
    reason:
      possible.length > 1
        ? `${possible.length} Okta Salesforce app instances could provision this org (${possible.map(describeApp).join('; ')}), and their login URLs do not say which`
        : `no active Okta Salesforce app instance has this org's login host (${[...hosts].join(', ') || 'unknown'}) in its settings (${active.map(describeApp).join('; ')})`,
  };
}

// ---- System Log verdicts ----

export interface ProvisioningFindings {
  readonly attribution: Attribution;
  /** Events of every active instance read (mine and others), or why they could not be read. */
  readonly events: ReadResult<readonly ProvisioningEvent[]>;
  readonly since: string;
}

function latestOf<T extends { published: string }>(events: readonly T[]): T | undefined {
  return [...events].sort((a, b) => Date.parse(b.published) - Date.parse(a.published))[0];
}

function eventsOf(events: readonly ProvisioningEvent[], apps: readonly OktaAppFacts[]): ProvisioningEvent[] {
  const ids = new Set(apps.map((a) => a.id));
  return events.filter((e) => e.appIds.some((id) => ids.has(id)));
}

function detailOf(e: ProvisioningEvent): string {
  return [e.displayMessage, e.reason].filter(Boolean).join(': ');
}

function othersInfo(events: readonly ProvisioningEvent[], attribution: Attribution): string {
  const lines = attribution.others.flatMap((app) => {
    const failures = eventsOf(events, [app]).filter(isProvisioningFailure);
    const latest = latestOf(failures);
    return latest ? [`${describeApp(app)}: ${failures.length}, latest ${latest.published}`] : [];
  });
  return lines.length > 0
    ? ` For information, failures of other Okta Salesforce instances (not this org): ${lines.join('; ')}.`
    : '';
}

export function authFailuresVerdict(
  findings: ProvisioningFindings | undefined,
  appsUnknownReason: string | undefined,
  at: string,
): CheckVerdict {
  const id = 'okta.provisioning.auth-failures' as const;
  if (!findings)
    return {
      id,
      status: 'unknown',
      summary:
        appsUnknownReason ??
        'Could not check: Okta has no active Salesforce app instance to read the System Log for; to allow the check, activate the Salesforce app that provisions this org (see "Salesforce app found in Okta").',
      evidence: ev(LOGS_API, at),
    };
  const { attribution, since } = findings;
  if (!findings.events.ok)
    return { id, status: 'unknown', summary: findings.events.reason, evidence: ev(LOGS_API, at, { since }) };
  const all = findings.events.value;
  const otherFailures = eventsOf(all, attribution.others).filter(isProvisioningFailure);
  const baseValues: Record<string, EvidenceValue> = {
    since,
    instances: attribution.mine.map(describeApp),
    otherInstances: attribution.others.map(describeApp),
    otherInstanceFailures: otherFailures.length,
  };
  if (attribution.mine.length === 0) {
    return {
      id,
      status: 'unknown',
      summary: `Could not check: ${attribution.reason ?? 'the Okta app instance of this org is unknown'}; to allow the check, set the Salesforce app's login URL in Okta (General > App Settings) to this org's My Domain.${othersInfo(all, attribution)}`,
      evidence: ev(LOGS_API, at, baseValues),
    };
  }
  const failures = eventsOf(all, attribution.mine).filter(isProvisioningFailure);
  const latest = latestOf(failures);
  const credential = failures.filter(isCredentialFailure);
  const values: Record<string, EvidenceValue> = {
    ...baseValues,
    failures: failures.length,
    credentialFailures: credential.length,
    eventTypes: [...new Set(failures.map((f) => f.eventType))],
    latest: latest?.published ?? null,
    latestMessage: latest ? (latest.reason ?? latest.displayMessage ?? null) : null,
  };
  const who = attribution.mine.map(describeApp).join(', ');
  if (!latest) {
    return {
      id,
      status: 'pass',
      summary: `No provisioning errors for ${who} in Okta's System Log since ${since}.${othersInfo(all, attribution)}`,
      evidence: ev(LOGS_API, at, values),
    };
  }
  const detail = detailOf(latest);
  const symptom =
    credential.length > 0
      ? ` ${credential.length} of them are credential/authorization failures — the broken-connection symptom: re-authenticate with Salesforce.com in Okta (Provisioning > Integration > Edit), then retry the failed tasks.`
      : ' Open the failed tasks in Okta (Dashboard > Tasks) for details, fix the cause and retry them.';
  const laterSuccess = latestOf(
    eventsOf(all, attribution.mine)
      .filter(isProvisioningSuccess)
      .filter((e) => Date.parse(e.published) > Date.parse(latest.published)),
  );
  const later = laterSuccess
    ? ` A later provisioning succeeded (${laterSuccess.published}), so these may predate the fix: retry the failed tasks in Okta (Dashboard > Tasks) so none is left behind.`
    : '';
  return {
    id,
    status: 'fail',
    summary: `${failures.length} provisioning error(s) for ${who} since ${since}, latest ${latest.published} (${latest.eventType})${detail ? ` — ${detail}` : ''}.${symptom}${later}${othersInfo(all, attribution)}`,
    evidence: ev(LOGS_API, at, values),
  };
}

/**
 * okta.provisioning.recent-success: a successful provisioning event for this org's instance after the
 * last failure and after the re-authentication (when known) → pass; none in the window → unknown with
 * the next step. Never fail: the absence of a push proves nothing.
 */
export function recentSuccessVerdict(
  findings: ProvisioningFindings | undefined,
  unknownReason: string | undefined,
  reauthenticatedAt: string | undefined,
  verifyCommand: string,
  at: string,
): CheckVerdict {
  const id = 'okta.provisioning.recent-success' as const;
  const api = `Okta GET /api/v1/logs (application.provision.* with outcome SUCCESS, last ${LOG_WINDOW_DAYS} days)`;
  const nextStep = `push a test update from Okta (for example edit a test user assigned to the Salesforce app) and re-run \`${verifyCommand}\``;
  if (!findings)
    return {
      id,
      status: 'unknown',
      summary:
        unknownReason ??
        'Could not check: Okta has no active Salesforce app instance to read the System Log for; to allow the check, activate the Salesforce app that provisions this org (see "Salesforce app found in Okta").',
      evidence: ev(api, at),
    };
  if (!findings.events.ok)
    return { id, status: 'unknown', summary: findings.events.reason, evidence: ev(api, at) };
  const { attribution, since } = findings;
  if (attribution.mine.length === 0)
    return {
      id,
      status: 'unknown',
      summary: `Could not check: ${attribution.reason ?? 'the Okta app instance of this org is unknown'}; to allow the check, set the Salesforce app's login URL in Okta to this org's My Domain.`,
      evidence: ev(api, at, { since }),
    };
  const mine = eventsOf(findings.events.value, attribution.mine);
  const lastFailure = latestOf(mine.filter(isProvisioningFailure));
  const starts = [lastFailure?.published, reauthenticatedAt].filter((d): d is string => !!d);
  const afterMs = starts.length > 0 ? Math.max(...starts.map((d) => Date.parse(d))) : -Infinity;
  const success = latestOf(
    mine.filter(isProvisioningSuccess).filter((e) => Date.parse(e.published) > afterMs),
  );
  const values: Record<string, EvidenceValue> = {
    since,
    instances: attribution.mine.map(describeApp),
    lastFailure: lastFailure?.published ?? null,
    reauthenticatedAt: reauthenticatedAt ?? null,
    lastSuccess: success?.published ?? null,
    lastSuccessType: success?.eventType ?? null,
  };
  const after = [
    lastFailure ? `the last failure (${lastFailure.published})` : '',
    reauthenticatedAt ? `the re-authentication (${reauthenticatedAt})` : '',
  ]
    .filter(Boolean)
    .join(' and ');
  if (success) {
    return {
      id,
      status: 'pass',
      summary: `Okta provisioned to this org successfully at ${success.published} (${success.eventType})${after ? `, after ${after}` : ''}.`,
      evidence: ev(api, at, values),
    };
  }
  return {
    id,
    status: 'unknown',
    summary: `No successful provisioning for ${attribution.mine.map(describeApp).join(', ')} since ${after || since}: ${nextStep}.`,
    evidence: ev(api, at, values),
  };
}

/** No API exposes the "PKCE Enabled" checkbox: always manual, with the log evidence beside it. */
export function pkceEnabledVerdict(authFailures: CheckVerdict, at: string): CheckVerdict {
  const context =
    authFailures.status === 'pass'
      ? "Okta's System Log shows no provisioning errors for this org, which supports it"
      : authFailures.status === 'fail'
        ? "Okta's System Log shows provisioning errors for this org, so re-check it"
        : "Okta's System Log could not be checked for this org";
  return {
    id: 'okta.provisioning.pkce-enabled',
    status: 'manual',
    summary: `Confirm "PKCE Enabled" in Okta (Provisioning > Integration) yourself — no API shows it; ${context}.`,
    evidence: {
      api: 'none (not exposed by any Okta API)',
      at,
      values: { ...authFailures.evidence.values, logCheck: authFailures.status },
    },
  };
}
