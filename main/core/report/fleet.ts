/**
 * The fleet report: every org's migration state (the status board's steps), last check, staleness,
 * next action and a one-line evidence summary per step — in Markdown, HTML, CSV or JSON. Built from
 * plain values (org settings without client ids, progress, the last verification), so no token can
 * reach it.
 */
import type { ChecklistProgress } from '../checklist/types';
import type { OrgSettings } from '../model';
import {
  buildBoard,
  environmentOf,
  type Board,
  type NextAction,
  type OrgEnvironment,
  type StepState,
} from '../status/board';
import type { VerificationResult } from '../verify/types';
import { STEP_STATE_TEXT } from '../../../preload/step-state-text';
import { APP_VERSION } from './app-version';
import { mdText } from './markdown-text';
import { htmlEscape, htmlReportHead } from './render-html';

export type FleetReportFormat = 'md' | 'html' | 'csv' | 'json';
export const FLEET_REPORT_JSON_FORMAT = 'pkce-pilot-fleet-report/1';

export interface FleetReportStep {
  readonly id: string;
  readonly title: string;
  readonly state: StepState;
  readonly optional: boolean;
  /** One line: what was found, why it could not be checked, or what to do. */
  readonly summary: string;
}

export interface FleetReportOrg {
  readonly alias: string;
  readonly environment: OrgEnvironment;
  readonly salesforceUrl: string;
  readonly oktaUrl?: string;
  readonly checkedAt?: string;
  readonly stale?: 'old' | 'changed';
  readonly verifiedSteps: number;
  readonly requiredSteps: number;
  readonly next: string;
  readonly steps: readonly FleetReportStep[];
}

export interface FleetReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly appVersion: string;
  readonly orgs: readonly FleetReportOrg[];
}

export interface FleetReportInput {
  readonly entries: readonly {
    readonly org: OrgSettings;
    readonly progress: ChecklistProgress;
    readonly latest?: VerificationResult | undefined;
  }[];
  readonly now: Date;
  readonly appVersion?: string;
}

export const STATE_TEXT: Readonly<Record<StepState, string>> = STEP_STATE_TEXT;

const LINK_TEXT: Record<string, string> = {
  'salesforce.setup': 'Salesforce Setup',
  'salesforce.app-manager': 'Salesforce App Manager',
  'salesforce.external-client-apps': 'External Client App Manager',
  'salesforce.oauth-oidc-settings': 'OAuth and OpenID Connect Settings',
  'okta.applications': 'Okta Applications',
  'okta.salesforce-provisioning': "the Okta Salesforce app's Provisioning tab",
  'okta.tasks': 'Okta Tasks',
  'okta.workflows-connections': 'Okta Workflows Connections',
};

/** The next action in words, with the CLI command where there is one (using the org's own alias). */
export function nextActionText(next: NextAction, alias: string): string {
  switch (next.kind) {
    case 'checking':
      return 'Checks are running';
    case 'sign-in':
      return next.provider === 'okta'
        ? `Sign in to Okta (pkce-pilot login ${alias} --okta)`
        : `Sign in to Salesforce (pkce-pilot login ${alias})`;
    case 'add-okta':
      return 'Add the Okta org URL and client id, then sign in to Okta';
    case 'run-checks':
      return `${next.again ? 'Run the checks again' : 'Run the checks'} (pkce-pilot verify ${alias})`;
    case 'open-link':
      return `Open ${LINK_TEXT[next.target] ?? next.target} and finish the step`;
    case 'done':
      return 'Nothing: every step is verified';
  }
}

function orgOf(entry: FleetReportInput['entries'][number], now: Date): FleetReportOrg {
  const { org } = entry;
  const board: Board = buildBoard({
    hasOkta: Boolean(org.okta),
    progress: entry.progress,
    latest: entry.latest,
    now,
  });
  const required = board.steps.filter((s) => !s.optional);
  return {
    alias: org.alias,
    environment: environmentOf(org.salesforce.baseUrl),
    salesforceUrl: org.salesforce.baseUrl,
    ...(org.okta ? { oktaUrl: org.okta.baseUrl } : {}),
    ...(board.checkedAt ? { checkedAt: board.checkedAt } : {}),
    ...(board.stale ? { stale: board.stale } : {}),
    verifiedSteps: required.filter(
      (s) => s.state === 'verified' || (s.state === 'confirm-yourself' && s.confirmedAt),
    ).length,
    requiredSteps: required.length,
    next: nextActionText(board.next, org.alias),
    steps: board.steps.map((s) => ({
      id: s.id,
      title: s.title,
      state: s.state,
      optional: s.optional,
      summary:
        s.state === 'confirm-yourself' && s.confirmedAt ? `Confirmed by you ${s.confirmedAt}.` : s.detail,
    })),
  };
}

export function buildFleetReport(input: FleetReportInput): FleetReportData {
  return {
    title: 'PKCE Pilot fleet report',
    generatedAt: input.now.toISOString(),
    appVersion: input.appVersion ?? APP_VERSION,
    orgs: [...input.entries]
      .sort((a, b) => a.org.alias.localeCompare(b.org.alias))
      .map((e) => orgOf(e, input.now)),
  };
}

function stateLabel(s: FleetReportStep): string {
  return `${STATE_TEXT[s.state]}${s.optional ? ' (optional)' : ''}`;
}

export function renderFleetMarkdown(r: FleetReportData): string {
  const out = [
    `# ${mdText(r.title)}`,
    '',
    `Generated ${mdText(r.generatedAt)} by PKCE Pilot ${mdText(r.appVersion)} · ${r.orgs.length} org${r.orgs.length === 1 ? '' : 's'}`,
    '',
    '| Org | Environment | Steps verified | Last checked | Next action |',
    '|---|---|---|---|---|',
  ];
  for (const o of r.orgs)
    out.push(
      `| ${mdText(o.alias)} | ${o.environment} | ${o.verifiedSteps} of ${o.requiredSteps} | ${o.checkedAt ? mdText(o.checkedAt) + (o.stale ? ' (stale)' : '') : 'never'} | ${mdText(o.next)} |`,
    );
  for (const o of r.orgs) {
    out.push('', `## ${mdText(o.alias)}`, '');
    out.push(
      `- Salesforce: ${mdText(o.salesforceUrl)}`,
      `- Okta: ${o.oktaUrl ? mdText(o.oktaUrl) : 'not configured'}`,
    );
    for (const s of o.steps) out.push(`- **${mdText(s.title)}**: ${stateLabel(s)} — ${mdText(s.summary)}`);
  }
  return `${out.join('\n')}\n`;
}

export function renderFleetHtml(r: FleetReportData): string {
  const cls = (s: FleetReportStep) =>
    s.state === 'verified'
      ? 'pass'
      : s.state === 'failing'
        ? 'fail'
        : s.state === 'not-set' || s.state === 'not-checked'
          ? 'optional'
          : 'unknown';
  const rows = r.orgs
    .map(
      (o) =>
        `<tr><th scope="row">${htmlEscape(o.alias)}</th><td>${o.environment}</td><td>${o.verifiedSteps} of ${o.requiredSteps}</td><td>${o.checkedAt ? htmlEscape(o.checkedAt) + (o.stale ? ' (stale)' : '') : 'never'}</td><td>${htmlEscape(o.next)}</td></tr>`,
    )
    .join('\n');
  const details = r.orgs
    .map(
      (o) => `<h2>${htmlEscape(o.alias)}</h2>
<p class="meta">Salesforce ${htmlEscape(o.salesforceUrl)} · Okta ${o.oktaUrl ? htmlEscape(o.oktaUrl) : 'not configured'}</p>
<table><thead><tr><th>Step</th><th>State</th><th>Finding</th></tr></thead><tbody>
${o.steps.map((s) => `<tr><td>${htmlEscape(s.title)}</td><td><span class="status ${cls(s)}">${htmlEscape(stateLabel(s))}</span></td><td>${htmlEscape(s.summary)}</td></tr>`).join('\n')}
</tbody></table>`,
    )
    .join('\n');
  return `${htmlReportHead(r.title)}
<p class="meta">Generated ${htmlEscape(r.generatedAt)} by PKCE Pilot ${htmlEscape(r.appVersion)} · ${r.orgs.length} org${r.orgs.length === 1 ? '' : 's'}</p>
<table><thead><tr><th>Org</th><th>Environment</th><th>Steps verified</th><th>Last checked</th><th>Next action</th></tr></thead><tbody>
${rows}
</tbody></table>
${details}
</body></html>
`;
}

/** One CSV cell (RFC 4180), never read as a formula by a spreadsheet. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function renderFleetCsv(r: FleetReportData): string {
  const stepIds = r.orgs[0]?.steps.map((s) => s.id) ?? [];
  const stepTitles = r.orgs[0]?.steps.map((s) => s.title) ?? [];
  const header = [
    'org',
    'environment',
    'salesforce_url',
    'okta_url',
    'last_checked',
    'stale',
    'steps_verified',
    'steps_required',
    'next_action',
    ...stepTitles.flatMap((t) => [t, `${t}: finding`]),
  ];
  const lines = [header.map(csvCell).join(',')];
  for (const o of r.orgs) {
    const cells = [
      o.alias,
      o.environment,
      o.salesforceUrl,
      o.oktaUrl ?? '',
      o.checkedAt ?? '',
      o.stale ?? '',
      String(o.verifiedSteps),
      String(o.requiredSteps),
      o.next,
      ...stepIds.flatMap((id) => {
        const s = o.steps.find((x) => x.id === id);
        return s ? [stateLabel(s), s.summary] : ['', ''];
      }),
    ];
    lines.push(cells.map(csvCell).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function renderFleetJson(r: FleetReportData): string {
  return `${JSON.stringify({ format: FLEET_REPORT_JSON_FORMAT, ...r }, null, 2)}\n`;
}

export function renderFleetReport(r: FleetReportData, format: FleetReportFormat): string {
  switch (format) {
    case 'md':
      return renderFleetMarkdown(r);
    case 'html':
      return renderFleetHtml(r);
    case 'csv':
      return renderFleetCsv(r);
    case 'json':
      return renderFleetJson(r);
  }
}
