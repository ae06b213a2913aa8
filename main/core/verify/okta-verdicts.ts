/**
 * Pure verdicts for the Okta checks, and the parsing of Okta's JSON into the few fields they need.
 */
import type { CheckResult, Evidence, EvidenceValue, ReadResult } from './types';

export const AUTH_FAILURE_EVENT = 'application.integration.authentication_failure';
export const LOG_WINDOW_DAYS = 7;

export interface OktaAppFacts {
  readonly id: string;
  readonly label: string;
  readonly status: string;
  readonly instanceType?: string;
  readonly features: readonly string[];
}

export interface AuthFailureEvent {
  readonly published: string;
  readonly displayMessage?: string;
  readonly reason?: string;
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
    const instanceType = s(rec(rec(a['settings'])['app'])['instanceType']);
    return [
      {
        id,
        label: s(a['label']) ?? id,
        status: s(a['status']) ?? 'UNKNOWN',
        ...(instanceType ? { instanceType } : {}),
        features: Array.isArray(a['features'])
          ? (a['features'] as unknown[]).filter((f): f is string => typeof f === 'string')
          : [],
      },
    ];
  });
}

export function parseAuthFailures(items: readonly unknown[]): AuthFailureEvent[] {
  return items.flatMap((raw): AuthFailureEvent[] => {
    const e = rec(raw);
    const published = s(e['published']);
    if (!published) return [];
    const displayMessage = s(e['displayMessage']);
    const reason = s(rec(e['outcome'])['reason']);
    return [{ published, ...(displayMessage ? { displayMessage } : {}), ...(reason ? { reason } : {}) }];
  });
}

function ev(api: string, at: string, values: Record<string, EvidenceValue> = {}): Evidence {
  return { api, at, values };
}

const APPS_API = 'Okta GET /api/v1/apps?filter=name eq "salesforce"';
const LOGS_API = `Okta GET /api/v1/logs (eventType ${AUTH_FAILURE_EVENT}, last ${LOG_WINDOW_DAYS} days)`;

export function activeApps(apps: readonly OktaAppFacts[]): OktaAppFacts[] {
  return apps.filter((a) => a.status === 'ACTIVE');
}

function describeApp(a: OktaAppFacts): string {
  return `${a.label}${a.instanceType ? ` [${a.instanceType}]` : ''}`;
}

export function oktaAppFoundVerdict(read: ReadResult<readonly OktaAppFacts[]>, at: string): CheckResult {
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

export interface AuthFailureFindings {
  readonly appsChecked: readonly OktaAppFacts[];
  readonly failures: ReadResult<readonly AuthFailureEvent[]>;
  readonly since: string;
}

function latestEvent(events: readonly AuthFailureEvent[]): AuthFailureEvent | undefined {
  return [...events].sort((a, b) => Date.parse(b.published) - Date.parse(a.published))[0];
}

export function authFailuresVerdict(
  findings: AuthFailureFindings | undefined,
  appsUnknownReason: string | undefined,
  at: string,
): CheckResult {
  const id = 'okta.provisioning.auth-failures' as const;
  if (!findings)
    return {
      id,
      status: 'unknown',
      summary: appsUnknownReason ?? 'No active Salesforce app in Okta to check the System Log for.',
      evidence: ev(LOGS_API, at),
    };
  if (!findings.failures.ok)
    return {
      id,
      status: 'unknown',
      summary: findings.failures.reason,
      evidence: ev(LOGS_API, at, { since: findings.since }),
    };
  const events = findings.failures.value;
  const latest = latestEvent(events);
  const values: Record<string, EvidenceValue> = {
    since: findings.since,
    apps: findings.appsChecked.map((a) => a.label),
    failures: events.length,
    latest: latest?.published ?? null,
    latestMessage: latest ? (latest.reason ?? latest.displayMessage ?? null) : null,
  };
  if (!latest) {
    return {
      id,
      status: 'pass',
      summary: `No provisioning authentication failures in Okta's System Log since ${findings.since}.`,
      evidence: ev(LOGS_API, at, values),
    };
  }
  const detail = [latest.displayMessage, latest.reason].filter(Boolean).join(': ');
  return {
    id,
    status: 'fail',
    summary: `${events.length} provisioning authentication failure(s) since ${findings.since}, latest ${latest.published}${detail ? ` — ${detail}` : ''}. Re-authenticate with Salesforce.com in Okta.`,
    evidence: ev(LOGS_API, at, values),
  };
}

/** No API exposes the "PKCE Enabled" checkbox: always manual, with the log evidence beside it. */
export function pkceEnabledVerdict(authFailures: CheckResult, at: string): CheckResult {
  const context =
    authFailures.status === 'pass'
      ? 'the System Log shows no authentication failures, which supports it'
      : authFailures.status === 'fail'
        ? 'the System Log shows authentication failures, so re-check it'
        : 'the System Log could not be checked';
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
