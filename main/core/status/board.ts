/**
 * The org status board: "is this org done, and if not, what now?" — the migration's steps with their
 * state, built from the last verification, the checklist progress and (when known) the sign-in state.
 * Pure: the app's board, the fleet view and the fleet report all read this one answer.
 *
 * Required or optional comes from the check catalogue by id, so an optional check (the org-wide PKCE
 * setting) is never a failure, whatever a stored result says.
 */
import type { CheckId, ChecklistProgress, LinkTarget } from '../checklist/types';
import { CHECK_CATALOG } from '../verify/check-catalog';
import type { CheckResult, CheckStatus, EvidenceValue, VerificationResult } from '../verify/types';
import type { ProviderId } from '../model';

export type BoardStepId = 'salesforce-app' | 'okta-pkce' | 'provisioning' | 'workflows' | 'org-wide';

/**
 * verified: every check passed · failing: a required check failed · could-not-check: a check could not
 * tell (why is in its summary) · confirm-yourself: no API can tell · not-set: an optional setting is off ·
 * not-checked: no result yet · checking: checks are running now.
 */
export type StepState =
  'verified' | 'failing' | 'could-not-check' | 'confirm-yourself' | 'not-set' | 'not-checked' | 'checking';

export interface BoardCheck {
  readonly id: string;
  readonly title: string;
  readonly required: boolean;
  readonly status: CheckStatus;
  readonly summary: string;
  readonly api: string;
  readonly at: string;
  readonly values: Readonly<Record<string, EvidenceValue>>;
}

export interface BoardStep {
  readonly id: BoardStepId;
  readonly title: string;
  readonly state: StepState;
  /** Optional steps are shown as optional and never decide the next action. */
  readonly optional: boolean;
  /** One plain line: what was found, why it could not be checked (and what would allow it), or what to do. */
  readonly detail: string;
  /** The checks behind the state: evidence on demand. */
  readonly checks: readonly BoardCheck[];
  /** Checklist steps this board step covers (the board links to them). */
  readonly itemIds: readonly string[];
  /** The console page where the admin fixes or confirms it. */
  readonly link: LinkTarget;
  /** When the admin ticked a step no check can confirm. */
  readonly confirmedAt?: string;
}

export type NextAction =
  | { readonly kind: 'checking' }
  | { readonly kind: 'sign-in'; readonly provider: ProviderId }
  | { readonly kind: 'add-okta' }
  | { readonly kind: 'run-checks'; readonly again: boolean }
  | { readonly kind: 'open-link'; readonly target: LinkTarget; readonly stepId: BoardStepId }
  | { readonly kind: 'done' };

/** old: older than a day · changed: the admin ticked a step after the checks ran. */
export type Staleness = 'old' | 'changed';

export interface Board {
  readonly steps: readonly BoardStep[];
  readonly next: NextAction;
  readonly checkedAt?: string;
  readonly stale?: Staleness;
  /** Set when the last run could not verify the org at all. */
  readonly error?: string;
}

interface StepDef {
  readonly id: BoardStepId;
  readonly title: string;
  readonly checkIds: readonly CheckId[];
  readonly itemIds: readonly string[];
  readonly link: LinkTarget;
  /** The sign-ins whose absence makes this step uncheckable. */
  readonly needs: readonly ProviderId[];
  readonly optional?: boolean;
}

/** The migration in Okta's article, in the order the admin does it; the org-wide setting last, optional. */
export const BOARD_STEPS: readonly StepDef[] = [
  {
    id: 'salesforce-app',
    title: "Salesforce: Okta's app requires PKCE",
    checkIds: ['salesforce.okta-app.found', 'salesforce.okta-app.pkce-required'],
    itemIds: ['sf.edit-okta-connected-app', 'sf.require-pkce', 'sf.save'],
    link: 'salesforce.app-manager',
    needs: ['salesforce'],
  },
  {
    id: 'okta-pkce',
    title: 'Okta: PKCE Enabled and re-authenticated',
    checkIds: ['okta.salesforce-app.found', 'okta.provisioning.pkce-enabled', 'salesforce.okta-app.tokens'],
    itemIds: ['okta.enable-pkce', 'okta.reauthenticate', 'okta.consent'],
    link: 'okta.salesforce-provisioning',
    needs: ['okta', 'salesforce'],
  },
  {
    id: 'provisioning',
    title: 'Provisioning works again',
    checkIds: ['okta.provisioning.auth-failures', 'okta.provisioning.recent-success'],
    itemIds: ['okta.save', 'guidance.retry-failed-tasks'],
    link: 'okta.tasks',
    needs: ['okta'],
  },
  {
    id: 'workflows',
    title: 'Workflows connector re-authorized (if you use it)',
    checkIds: [],
    itemIds: ['guidance.workflows-reauthorize'],
    link: 'okta.workflows-connections',
    needs: [],
  },
  {
    id: 'org-wide',
    title: 'Org-wide "Require PKCE" in Salesforce',
    checkIds: ['salesforce.org.pkce-required'],
    itemIds: ['guidance.org-wide-pkce'],
    link: 'salesforce.oauth-oidc-settings',
    needs: ['salesforce'],
    optional: true,
  },
];

const DAY_MS = 24 * 60 * 60 * 1000;

export interface BoardInput {
  readonly hasOkta: boolean;
  readonly progress: ChecklistProgress;
  readonly latest?: VerificationResult | undefined;
  /** Sign-in state per provider when known; unknown leaves sign-in out of the next action. */
  readonly signedIn?: Partial<Record<ProviderId, boolean>>;
  readonly running?: boolean;
  readonly now: Date;
}

function isRequired(id: string): boolean {
  // Ids unknown to this version count as required: a new check must not hide a failure.
  return (CHECK_CATALOG as Record<string, { required: boolean } | undefined>)[id]?.required ?? true;
}

function titleOf(id: string): string {
  return (CHECK_CATALOG as Record<string, { title: string } | undefined>)[id]?.title ?? id;
}

function boardCheck(c: CheckResult): BoardCheck {
  return {
    id: c.id,
    title: titleOf(c.id),
    required: isRequired(c.id),
    status: c.status,
    summary: c.summary,
    api: c.evidence.api,
    at: c.evidence.at,
    values: c.evidence.values,
  };
}

/** The latest time the admin (not a check) ticked or unticked a step. */
export function lastAdminChange(progress: ChecklistProgress): string | undefined {
  let latest: string | undefined;
  for (const p of Object.values(progress)) {
    if (p?.doneBy === 'admin' && p.doneAt && (!latest || p.doneAt > latest)) latest = p.doneAt;
  }
  return latest;
}

/** Whether a result should be re-run: older than a day, or older than a change the admin made. */
export function stalenessOf(
  checkedAt: string,
  lastChange: string | undefined,
  now: Date,
): Staleness | undefined {
  const at = Date.parse(checkedAt);
  if (Number.isNaN(at) || now.getTime() - at > DAY_MS) return 'old';
  if (lastChange && Date.parse(lastChange) > at) return 'changed';
  return undefined;
}

function defOf(id: BoardStepId): StepDef {
  return BOARD_STEPS.find((d) => d.id === id) as StepDef;
}

function missingSignIns(def: StepDef, input: BoardInput): ProviderId[] {
  return def.needs.filter((p) => (p === 'okta' && !input.hasOkta) || input.signedIn?.[p] === false);
}

function stepOf(def: StepDef, input: BoardInput): BoardStep {
  const base = { id: def.id, title: def.title, optional: def.optional === true, itemIds: def.itemIds };
  const link = def.link;
  const checks = (input.latest?.checks ?? []).filter((c) => def.checkIds.includes(c.id)).map(boardCheck);

  if (def.checkIds.length === 0) {
    const ticked = def.itemIds.map((id) => input.progress[id]).find((p) => p?.done);
    return {
      ...base,
      link,
      checks,
      state: 'confirm-yourself',
      detail: ticked
        ? 'You confirmed this step.'
        : 'No API can tell. Open Workflows Connections, re-authorize the Salesforce connection, then tick the step.',
      ...(ticked?.doneAt ? { confirmedAt: ticked.doneAt } : {}),
    };
  }
  if (input.running) return { ...base, link, checks, state: 'checking', detail: 'Checking…' };
  if (checks.length === 0) {
    return {
      ...base,
      link,
      checks,
      state: 'not-checked',
      detail: input.latest ? 'Not part of the last run. Run the checks again.' : 'Not checked yet.',
    };
  }
  const failed = checks.filter((c) => c.status === 'fail');
  const unknown = checks.find((c) => c.status === 'unknown');
  const manual = checks.find((c) => c.status === 'manual');
  const requiredFail = failed.find((c) => c.required && !def.optional);
  if (requiredFail) return { ...base, link, checks, state: 'failing', detail: requiredFail.summary };
  if (failed[0]) return { ...base, link, checks, state: 'not-set', detail: failed[0].summary };
  if (unknown) {
    // Which sign-in would allow it (a missing Okta configuration is already in the check's own summary).
    // (Only when the check's own words do not already say to sign in.)
    const missing = /sign in/i.test(unknown.summary)
      ? []
      : missingSignIns(def, input).filter((p) => p !== 'okta' || input.hasOkta);
    const allow = missing.length
      ? ` ${missing.map((p) => `Sign in to ${p === 'okta' ? 'Okta' : 'Salesforce'}`).join(' and ')} to check it.`
      : '';
    return { ...base, link, checks, state: 'could-not-check', detail: `${unknown.summary}${allow}` };
  }
  if (manual) return { ...base, link, checks, state: 'confirm-yourself', detail: manual.summary };
  return {
    ...base,
    link,
    checks,
    state: 'verified',
    detail: checks.map((c) => c.title).join(' · '),
  };
}

function nextAction(
  steps: readonly BoardStep[],
  input: BoardInput,
  stale: Staleness | undefined,
): NextAction {
  if (input.running) return { kind: 'checking' };
  if (input.signedIn?.salesforce === false) return { kind: 'sign-in', provider: 'salesforce' };
  if (input.hasOkta && input.signedIn?.okta === false) return { kind: 'sign-in', provider: 'okta' };
  if (!input.latest) return { kind: 'run-checks', again: false };
  if (stale) return { kind: 'run-checks', again: true };
  const required = steps.filter((s) => !s.optional);
  const failing = required.find((s) => s.state === 'failing');
  if (failing) {
    // Okta's console pages need the org's Okta address first.
    if (failing.link.startsWith('okta.') && !input.hasOkta) return { kind: 'add-okta' };
    return { kind: 'open-link', target: failing.link, stepId: failing.id };
  }
  // A step that could not be checked but now could (its sign-ins are there) is worth another run.
  const recheck = required.some(
    (s) =>
      (s.state === 'could-not-check' || s.state === 'not-checked') &&
      missingSignIns(defOf(s.id), input).length === 0,
  );
  if (recheck) return { kind: 'run-checks', again: true };
  // Without Okta, two of the four steps can never be checked.
  if (!input.hasOkta) return { kind: 'add-okta' };
  const unconfirmed = required.find((s) => s.state === 'confirm-yourself' && !s.confirmedAt);
  if (unconfirmed) return { kind: 'open-link', target: unconfirmed.link, stepId: unconfirmed.id };
  return { kind: 'done' };
}

export function buildBoard(input: BoardInput): Board {
  const steps = BOARD_STEPS.map((def) => stepOf(def, input));
  const latest = input.latest;
  const stale = latest
    ? stalenessOf(latest.checkedAt, lastAdminChange(input.progress), input.now)
    : undefined;
  return {
    steps,
    next: nextAction(steps, input, stale),
    ...(latest ? { checkedAt: latest.checkedAt } : {}),
    ...(stale ? { stale } : {}),
    ...(latest?.error ? { error: `${latest.error.message} ${latest.error.hint}`.trim() } : {}),
  };
}

/** "production", "sandbox", … from the Salesforce login URL (for the fleet view; a guess, shown as such). */
export type OrgEnvironment = 'production' | 'sandbox' | 'scratch' | 'developer' | 'local';

export function environmentOf(salesforceBaseUrl: string): OrgEnvironment {
  let host: string;
  try {
    host = new URL(salesforceBaseUrl).hostname.toLowerCase();
  } catch {
    return 'production';
  }
  if (host === '127.0.0.1' || host === 'localhost' || host === '[::1]') return 'local';
  if (host === 'test.salesforce.com' || /\.sandbox\.my\.salesforce\.(com|mil)$/.test(host)) return 'sandbox';
  if (/\.scratch\.my\.salesforce\.com$/.test(host)) return 'scratch';
  if (/\.develop\.my\.salesforce\.com$/.test(host)) return 'developer';
  return 'production';
}
