/**
 * Runs the three Okta checks for one org. Never throws; without an Okta sign-in every check is
 * 'unknown' saying so (except the checkbox, which is always 'manual').
 */
import { OktaApi, type OktaApiOptions } from './okta-api';
import {
  activeApps,
  AUTH_FAILURE_EVENT,
  authFailuresVerdict,
  LOG_WINDOW_DAYS,
  oktaAppFoundVerdict,
  parseAuthFailures,
  parseOktaApps,
  pkceEnabledVerdict,
  type AuthFailureEvent,
  type AuthFailureFindings,
} from './okta-verdicts';
import { readOk, type CheckResult, type ReadResult } from './types';

export type OktaCheckOptions = Omit<OktaApiOptions, 'nowMs'> & { readonly now: () => Date };

const DAY_MS = 24 * 60 * 60 * 1000;

export function appsPath(): string {
  return `/api/v1/apps?${new URLSearchParams({ filter: 'name eq "salesforce"', limit: '200' }).toString()}`;
}

export function logsPath(appId: string, since: string): string {
  const filter = `eventType eq "${AUTH_FAILURE_EVENT}" and target.id eq "${appId.replace(/"/g, '')}"`;
  return `/api/v1/logs?${new URLSearchParams({ since, filter, limit: '1000', sortOrder: 'DESCENDING' }).toString()}`;
}

export async function runOktaChecks(opts: OktaCheckOptions): Promise<CheckResult[]> {
  const at = opts.now().toISOString();
  const api = new OktaApi({ ...opts, nowMs: () => opts.now().getTime() });
  const signedIn = await api.signIn();
  if (!signedIn.ok) {
    const found = oktaAppFoundVerdict(signedIn, at);
    const failures = authFailuresVerdict(undefined, signedIn.reason, at);
    return [found, failures, pkceEnabledVerdict(failures, at)];
  }

  const appsRead = await api.getAll(appsPath(), 'okta.apps.read');
  const apps: ReadResult<ReturnType<typeof parseOktaApps>> = appsRead.ok
    ? readOk(parseOktaApps(appsRead.value))
    : appsRead;
  const found = oktaAppFoundVerdict(apps, at);

  let findings: AuthFailureFindings | undefined;
  if (apps.ok && activeApps(apps.value).length > 0) {
    const since = new Date(opts.now().getTime() - LOG_WINDOW_DAYS * DAY_MS).toISOString();
    const checked = activeApps(apps.value);
    const all: AuthFailureEvent[] = [];
    let failure: ReadResult<readonly AuthFailureEvent[]> | undefined;
    for (const app of checked) {
      const logs = await api.getAll(logsPath(app.id, since), 'okta.logs.read');
      if (!logs.ok) {
        failure = logs;
        break;
      }
      all.push(...parseAuthFailures(logs.value));
    }
    findings = { appsChecked: checked, since, failures: failure ?? readOk(all) };
  }
  const failures = authFailuresVerdict(findings, apps.ok ? undefined : apps.reason, at);
  return [found, failures, pkceEnabledVerdict(failures, at)];
}
