/**
 * Entry points the CLI and the app call: verify one org, verify many, and turn verdicts into checklist
 * evidence. Salesforce and Okta run in parallel; nothing here throws for a failed check.
 */
import { CHECKLIST, allItems, isTickable } from '../checklist/content';
import type { ChecklistSection } from '../checklist/types';
import { toPilotError } from '../errors';
import type { OrgSettings, ProviderId, TokenSet } from '../model';
import type { Evidence as StoredEvidence, EvidenceOutcome } from '../storage/progress-store';
import { CHECK_CATALOG, isRequiredCheck } from './check-catalog';
import { runOktaChecks, type OktaChecksOutcome } from './okta-checks';
import { SharedReads, type OktaRunShare } from './okta-shared-reads';
import {
  authFailuresVerdict,
  oktaAppFoundVerdict,
  pkceEnabledVerdict,
  recentSuccessVerdict,
} from './okta-verdicts';
import { runSalesforceChecks } from './salesforce-checks';
import { loginCommand } from './sign-in-again';
import {
  capCodePoints,
  MAX_EVIDENCE_CODE_POINTS,
  MAX_SUMMARY_CODE_POINTS,
  readFailed,
  type CheckId,
  type CheckResult,
  type CheckStatus,
  type CheckVerdict,
  type EvidenceValue,
  type FetchFn,
  type TokenSource,
  type VerificationResult,
} from './types';

export interface RunVerificationOptions {
  readonly alias: string;
  /** The org's settings; without `okta`, the Okta checks report "Okta not configured". */
  readonly org?: OrgSettings;
  readonly tokenService: TokenSource;
  /** main/core/http.ts createHttpClient() (or Electron's net.fetch). */
  readonly http: FetchFn;
  /**
   * Okta's reads, when they need their own client (services.ts limits requests per Okta host: many
   * Salesforce orgs share one Okta org, while each Salesforce org is its own host). Default `http`.
   */
  readonly oktaHttp?: FetchFn;
  readonly now?: () => Date;
  /** For tests: replaces the 429 back-off wait. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly timeoutMs?: number;
  /** Okta reads shared with the other orgs of the run (runMany makes one per run). */
  readonly oktaRun?: OktaRunShare;
}

function oktaNotConfigured(alias: string, at: string): OktaChecksOutcome {
  const reason = `Could not check: Okta is not configured for this org; to allow the check, add the Okta org URL and client id (\`pkce-pilot org update ${alias} --okta-url … --okta-client-id …\`), then \`${loginCommand(alias, 'okta')}\`.`;
  const failures = authFailuresVerdict(undefined, reason, at);
  return {
    verdicts: [oktaAppFoundVerdict(readFailed(reason), at), failures, pkceEnabledVerdict(failures, at)],
    unknownReason: reason,
  };
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** This Salesforce org's hosts: the configured login URL and, when signed in, its instance and identity hosts. */
async function salesforceHosts(opts: RunVerificationOptions): Promise<string[]> {
  const hosts = [hostOf(opts.org?.salesforce.baseUrl)];
  try {
    const tokens = await opts.tokenService.getTokens(opts.alias, 'salesforce');
    hosts.push(hostOf(tokens.instanceUrl), hostOf(tokens.identityUrl));
  } catch {
    // Not signed in: the configured login URL is all there is.
  }
  return [...new Set(hosts.filter((h): h is string => !!h))];
}

/** The time Okta's re-authentication was proven (salesforce.okta-app.tokens passed), if it was. */
function reauthenticatedAt(checks: readonly CheckVerdict[]): string | undefined {
  const tokens = checks.find((c) => c.id === 'salesforce.okta-app.tokens');
  const created = tokens?.status === 'pass' ? tokens.evidence.values['lastCreated'] : undefined;
  return typeof created === 'string' ? created : undefined;
}

function capValue(v: EvidenceValue): EvidenceValue {
  if (typeof v === 'string') return capCodePoints(v, MAX_EVIDENCE_CODE_POINTS);
  if (Array.isArray(v)) return v.slice(0, 50).map((x: string) => capCodePoints(x, MAX_EVIDENCE_CODE_POINTS));
  return v;
}

/**
 * The result as stored and printed: `required` from the catalogue, summaries and evidence strings capped
 * by code points here, where results are built, so one server's long text never breaks a result.
 */
export function finalizeCheck(v: CheckVerdict): CheckResult {
  return {
    id: v.id,
    status: v.status,
    required: isRequiredCheck(v.id),
    summary: capCodePoints(v.summary, MAX_SUMMARY_CODE_POINTS),
    evidence: {
      api: capCodePoints(v.evidence.api, MAX_EVIDENCE_CODE_POINTS),
      at: v.evidence.at,
      values: Object.fromEntries(Object.entries(v.evidence.values).map(([k, val]) => [k, capValue(val)])),
    },
  };
}

/**
 * One org's verification reads each sign-in once (the Salesforce hosts and the Salesforce checks both
 * need it); a refresh's result replaces what was read.
 */
function readEachSignInOnce(source: TokenSource): TokenSource {
  const read = new Map<string, Promise<TokenSet>>();
  const key = (alias: string, provider: ProviderId) => `${alias}\u0000${provider}`;
  return {
    getTokens: (alias, provider) => {
      let tokens = read.get(key(alias, provider));
      if (!tokens) read.set(key(alias, provider), (tokens = source.getTokens(alias, provider)));
      return tokens;
    },
    refresh: async (alias, provider, stale) => {
      const next = await source.refresh(alias, provider, stale);
      read.set(key(alias, provider), Promise.resolve(next));
      return next;
    },
  };
}

export async function runVerification(options: RunVerificationOptions): Promise<VerificationResult> {
  const opts = { ...options, tokenService: readEachSignInOnce(options.tokenService) };
  const now = opts.now ?? (() => new Date());
  const checkedAt = now().toISOString();
  const timeout = opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {};
  const oktaUrl = opts.org?.okta?.baseUrl;
  // Both sign-ins are asked for at once: keychain calls run one at a time, process-wide, and the Okta
  // reads (limited per Okta host, so the slowest part of `verify --all`) need both before they start.
  // Whoever uses a sign-in later awaits the same read and handles its failure.
  if (!opts.org || opts.org.okta)
    for (const provider of ['salesforce', 'okta'] as const)
      opts.tokenService.getTokens(opts.alias, provider).catch(() => undefined);
  const [salesforce, okta] = await Promise.all([
    runSalesforceChecks({
      alias: opts.alias,
      tokenService: opts.tokenService,
      http: opts.http,
      now,
      ...(oktaUrl ? { oktaUrl } : {}),
      ...timeout,
    }),
    opts.org && !opts.org.okta
      ? Promise.resolve(oktaNotConfigured(opts.alias, checkedAt))
      : salesforceHosts(opts).then((orgHosts) =>
          runOktaChecks({
            alias: opts.alias,
            tokenService: opts.tokenService,
            fetch: opts.oktaHttp ?? opts.http,
            now,
            orgHosts,
            ...(opts.sleep ? { sleep: opts.sleep } : {}),
            ...(opts.oktaRun ? { shared: opts.oktaRun.reads, logWindowEnd: opts.oktaRun.logWindowEnd } : {}),
            ...timeout,
          }),
        ),
  ]);
  const recent = recentSuccessVerdict(
    okta.findings,
    okta.unknownReason,
    reauthenticatedAt(salesforce),
    `pkce-pilot verify ${opts.alias}`,
    now().toISOString(),
  );
  const [found, failures, pkceEnabled] = okta.verdicts;
  const oktaChecks = [found, failures, recent, pkceEnabled].filter((c): c is CheckVerdict => !!c);
  return { org: opts.alias, checkedAt, checks: [...salesforce, ...oktaChecks].map(finalizeCheck) };
}

export interface RunManyDeps {
  /** main/core/storage/org-store.ts OrgStore (only get is used). */
  readonly orgs: { get(alias: string): Promise<OrgSettings> };
  readonly tokens: TokenSource;
  readonly http: FetchFn;
  /** See RunVerificationOptions.oktaHttp. */
  readonly oktaHttp?: FetchFn;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly timeoutMs?: number;
  /** Orgs verified at the same time (default 4). */
  readonly concurrency?: number;
}

/** Every check, in the order results list them. */
export const ALL_CHECK_IDS: readonly CheckId[] = Object.keys(CHECK_CATALOG) as CheckId[];

/** The result for an org that could not be verified at all: every check 'unknown' with the reason. */
export function unverifiedResult(alias: string, e: unknown, at: string): VerificationResult {
  const err = toPilotError(e);
  const summary = `${err.message} ${err.hint}`.trim();
  return {
    org: alias,
    checkedAt: at,
    checks: ALL_CHECK_IDS.map((id) =>
      finalizeCheck({ id, status: 'unknown', summary, evidence: { api: 'none', at, values: {} } }),
    ),
    error: { code: err.code, message: err.message, hint: err.hint },
  };
}

/** Runs `work` over items with at most `concurrency` in flight; results keep input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return out;
}

/** Verifies many orgs (4 at a time by default); one org's failure becomes its own 'unknown' result and never stops the others. */
export async function runMany(aliases: readonly string[], deps: RunManyDeps): Promise<VerificationResult[]> {
  const now = deps.now ?? (() => new Date());
  // Orgs provisioned from the same Okta org by the same admin read Okta once (okta-shared-reads.ts).
  const oktaRun: OktaRunShare = { reads: new SharedReads(), logWindowEnd: now() };
  return mapConcurrent(aliases, deps.concurrency ?? 4, async (alias) => {
    try {
      const org = await deps.orgs.get(alias);
      return await runVerification({
        alias,
        org,
        tokenService: deps.tokens,
        http: deps.http,
        oktaRun,
        ...(deps.oktaHttp ? { oktaHttp: deps.oktaHttp } : {}),
        now,
        ...(deps.sleep ? { sleep: deps.sleep } : {}),
        ...(deps.timeoutMs ? { timeoutMs: deps.timeoutMs } : {}),
      });
    } catch (e) {
      return unverifiedResult(alias, e, now().toISOString());
    }
  });
}

/** Worst first: one failing check decides an item; all must pass to tick it. */
const SEVERITY: Record<CheckStatus, number> = { fail: 3, unknown: 2, manual: 1, pass: 0 };

/** Combines the verdicts of an item's checks into the one evidence the progress store keeps. */
export function itemEvidence(checks: readonly CheckResult[]): StoredEvidence | undefined {
  const worst = [...checks].sort((a, b) => SEVERITY[b.status] - SEVERITY[a.status])[0];
  if (!worst) return undefined;
  if (worst.status !== 'pass')
    return { checkId: worst.id, status: worst.status, summary: worst.summary, at: worst.evidence.at };
  return {
    checkId: worst.id,
    status: 'pass',
    summary: checks
      .map((c) => c.summary)
      .join(' ')
      .slice(0, 2000),
    at: worst.evidence.at,
  };
}

/** What applyToChecklist needs from main/core/storage/progress-store.ts. */
export interface EvidenceRecorder {
  recordEvidenceMany(entries: readonly EvidenceEntry[]): Promise<EvidenceOutcome[]>;
}

export interface EvidenceEntry {
  readonly alias: string;
  readonly itemId: string;
  readonly evidence: StoredEvidence;
}

export interface ChecklistConflict {
  readonly alias: string;
  readonly itemId: string;
  readonly conflict: string;
}

/**
 * Items that say "as a System Administrator": PKCE Pilot's own sign-in ticks them only when the signed-in
 * user's permissions (Modify All Data and Customize Application, read through PermissionSetAssignment)
 * show it; otherwise the admin confirms them.
 */
const ADMIN_ITEMS: ReadonlySet<string> = new Set(['sf.log-in', 'prereq.salesforce-system-admin']);

function adminShown(checks: readonly CheckResult[]): boolean {
  const signin = checks.find((c) => c.id === 'salesforce.signin.pkce');
  return signin?.status === 'pass' && signin.evidence.values['systemAdministrator'] === true;
}

function adminNotShown(evidence: StoredEvidence): StoredEvidence {
  return {
    ...evidence,
    status: 'manual',
    summary:
      "PKCE Pilot signed in with PKCE, but the user's System Administrator permissions (Modify All Data and Customize Application) were not shown: confirm this step yourself.",
  };
}

/** Each tickable item's combined verdict for one org's result (pure). */
export function evidenceEntries(
  alias: string,
  result: VerificationResult,
  sections: readonly ChecklistSection[] = CHECKLIST,
): EvidenceEntry[] {
  const entries: EvidenceEntry[] = [];
  for (const item of allItems(sections)) {
    const checkIds = item.checkIds ?? [];
    if (!isTickable(item) || checkIds.length === 0) continue;
    const combined = itemEvidence(result.checks.filter((c) => checkIds.includes(c.id)));
    const evidence =
      combined && combined.status === 'pass' && ADMIN_ITEMS.has(item.id) && !adminShown(result.checks)
        ? adminNotShown(combined)
        : combined;
    if (evidence) entries.push({ alias, itemId: item.id, evidence });
  }
  return entries;
}

/**
 * Records each tickable item's combined verdict as evidence, for every result, in one store write.
 * The store decides ticks: a pass ticks an undecided item, never overrides the admin; disagreements
 * come back here as conflicts.
 */
export async function applyManyToChecklist(
  progressStore: EvidenceRecorder,
  results: readonly VerificationResult[],
  sections: readonly ChecklistSection[] = CHECKLIST,
): Promise<ChecklistConflict[]> {
  const entries = results.flatMap((r) => evidenceEntries(r.org, r, sections));
  const outcomes = await progressStore.recordEvidenceMany(entries);
  return entries.flatMap((e, i) => {
    const conflict = outcomes[i]?.conflict;
    return conflict ? [{ alias: e.alias, itemId: e.itemId, conflict }] : [];
  });
}

/** applyManyToChecklist for one org. */
export function applyToChecklist(
  progressStore: EvidenceRecorder,
  alias: string,
  result: VerificationResult,
  sections: readonly ChecklistSection[] = CHECKLIST,
): Promise<ChecklistConflict[]> {
  return applyManyToChecklist(progressStore, [{ ...result, org: alias }], sections);
}
