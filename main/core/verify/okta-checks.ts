/**
 * Runs the Okta checks for one org. Never throws; without an Okta sign-in every check is 'unknown'
 * saying so and naming the sign-in command (except the checkbox, which is always 'manual').
 */
import { OktaApi, type OktaApiOptions } from './okta-api';
import {
  activeApps,
  attributeInstances,
  authFailuresVerdict,
  LOG_WINDOW_DAYS,
  oktaAppFoundVerdict,
  parseOktaApps,
  parseProvisioningEvents,
  pkceEnabledVerdict,
  PROVISIONING_ERROR_EVENT_TYPES,
  type ProvisioningEvent,
  type ProvisioningFindings,
} from './okta-verdicts';
import { readOk, type CheckVerdict, type ReadResult } from './types';

export type OktaCheckOptions = Omit<OktaApiOptions, 'nowMs'> & {
  readonly now: () => Date;
  /** This Salesforce org's hosts (login URL, instance, identity), to find its Okta app instance. */
  readonly orgHosts?: readonly string[];
  /** End of the System Log window (default now): one per run, so orgs sharing Okta send one query. */
  readonly logWindowEnd?: Date;
};

const DAY_MS = 24 * 60 * 60 * 1000;

export function appsPath(): string {
  return `/api/v1/apps?${new URLSearchParams({ filter: 'name eq "salesforce"', limit: '200' }).toString()}`;
}

/** App instances one System Log query asks about (a short URL; most Okta orgs have one or a few). */
export const APPS_PER_LOG_QUERY = 10;

/**
 * Provisioning events of some app instances: every type of "Provisioning integration error events" plus
 * the application.provision.* types (which also fire on success), in one SCIM filter (System Log API
 * `filter`: SCIM operators with and/or and parentheses; Okta's "ISV Syslog References" shows
 * `eventType sw "user.authentication."` for a whole event-type family).
 */
export function logsFilter(appIds: readonly string[]): string {
  const types = [
    ...PROVISIONING_ERROR_EVENT_TYPES.map((t) => `eventType eq "${t}"`),
    'eventType sw "application.provision."',
  ].join(' or ');
  const targets = appIds.map((id) => `target.id eq "${id.replace(/["\\]/g, '')}"`);
  return `(${types}) and ${targets.length === 1 ? targets[0] : `(${targets.join(' or ')})`}`;
}

export function logsPath(appIds: readonly string[], since: string): string {
  return `/api/v1/logs?${new URLSearchParams({ since, filter: logsFilter(appIds), limit: '1000', sortOrder: 'DESCENDING' }).toString()}`;
}

function inGroups<T>(items: readonly T[], size: number): T[][] {
  const groups: T[][] = [];
  for (let i = 0; i < items.length; i += size) groups.push(items.slice(i, i + size));
  return groups;
}

export interface OktaChecksOutcome {
  readonly verdicts: CheckVerdict[];
  /** What recent-success needs (run.ts combines it with Salesforce's re-authentication time). */
  readonly findings?: ProvisioningFindings;
  readonly unknownReason?: string;
}

export async function runOktaChecks(opts: OktaCheckOptions): Promise<OktaChecksOutcome> {
  const at = opts.now().toISOString();
  const api = new OktaApi({ ...opts, nowMs: () => opts.now().getTime() });
  const signedIn = await api.signIn();
  if (!signedIn.ok) {
    const found = oktaAppFoundVerdict(signedIn, at);
    const failures = authFailuresVerdict(undefined, signedIn.reason, at);
    return { verdicts: [found, failures, pkceEnabledVerdict(failures, at)], unknownReason: signedIn.reason };
  }

  const appsRead = await api.getAll(appsPath(), 'okta.apps.read');
  const apps: ReadResult<ReturnType<typeof parseOktaApps>> = appsRead.ok
    ? readOk(parseOktaApps(appsRead.value))
    : appsRead;
  const found = oktaAppFoundVerdict(apps, at);

  let findings: ProvisioningFindings | undefined;
  if (apps.ok && activeApps(apps.value).length > 0) {
    const windowEnd = (opts.logWindowEnd ?? opts.now()).getTime();
    const since = new Date(windowEnd - LOG_WINDOW_DAYS * DAY_MS).toISOString();
    const attribution = attributeInstances(apps.value, opts.orgHosts ?? []);
    // Every active instance is read: this org's decide, the others are shown as information. Several
    // instances share a query, so an Okta org provisioning many Salesforce orgs is not read once per
    // instance for each of them (its System Log has a per-minute limit of its own).
    const all: ProvisioningEvent[] = [];
    let failure: ReadResult<readonly ProvisioningEvent[]> | undefined;
    for (const group of inGroups(activeApps(apps.value), APPS_PER_LOG_QUERY)) {
      const ids = group.map((app) => app.id);
      const logs = await api.getAll(logsPath(ids, since), 'okta.logs.read');
      if (!logs.ok) {
        failure = logs;
        break;
      }
      // An event without an AppInstance target belongs to the queried instance only when there was one.
      all.push(...parseProvisioningEvents(logs.value, ids.length === 1 ? ids[0] : undefined));
    }
    findings = { attribution, since, events: failure ?? readOk(all) };
  }
  const unknownReason = apps.ok ? undefined : apps.reason;
  const failures = authFailuresVerdict(findings, unknownReason, at);
  return {
    verdicts: [found, failures, pkceEnabledVerdict(failures, at)],
    ...(findings ? { findings } : {}),
    ...(unknownReason ? { unknownReason } : {}),
  };
}
