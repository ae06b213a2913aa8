/**
 * The data of a report: the org (alias and URLs — never a token), the last verification with its
 * evidence and advice, the checklist with the admin's ticks and notes (who/when), the app version and
 * the time it was generated. Renderers (markdown/html/json) only format this.
 */
import { CHECKLIST, isTickable } from '../checklist/content';
import type { ChecklistSection, ItemKind, ItemProgress } from '../checklist/types';
import type { OrgSettings } from '../model';
import { adviceForCheck } from '../verify/troubleshooting';
import type { CheckResult, VerificationResult } from '../verify/types';
import { CHECK_CATALOG } from '../verify/check-catalog';
import { APP_VERSION } from './app-version';

const catalog = CHECK_CATALOG as Readonly<Record<string, { title: string; required: boolean } | undefined>>;
/** Ids this version does not know keep their id as the name and count as required. */
const checkTitleOf = (id: string): string => catalog[id]?.title ?? id;
const isRequiredId = (id: string): boolean => catalog[id]?.required ?? true;

export interface ReportCheck extends CheckResult {
  /** Plain name from the check catalogue ("Okta's Salesforce app requires PKCE"); the id stays in evidence. */
  readonly title: string;
  /** False for checks that are not a step of the migration (never reported as a failure). */
  readonly required: boolean;
  /** Plain explanation and the checklist step to redo, for checks that did not pass. */
  readonly advice?: { readonly explanation: string; readonly itemId: string };
}

export interface ReportItem {
  readonly id: string;
  readonly kind: ItemKind;
  readonly title: string;
  /** The same explanation and sub-steps the app shows under the step. */
  readonly detail?: string;
  readonly substeps?: readonly string[];
  readonly tickable: boolean;
  readonly done: boolean;
  readonly doneBy?: 'admin' | 'verification';
  readonly doneAt?: string;
  readonly note?: string;
  readonly noteAt?: string;
  readonly evidence?: {
    readonly checkId: string;
    readonly status: string;
    readonly summary: string;
    readonly at: string;
  };
}

export interface ReportSection {
  readonly id: string;
  readonly title: string;
  readonly items: readonly ReportItem[];
}

export interface ReportData {
  readonly title: string;
  readonly generatedAt: string;
  readonly appVersion: string;
  readonly org: { readonly alias: string; readonly salesforceUrl: string; readonly oktaUrl?: string };
  readonly progress: { readonly done: number; readonly total: number };
  readonly verification?: { readonly checkedAt: string; readonly checks: readonly ReportCheck[] };
  readonly checklist: readonly ReportSection[];
}

export interface BuildReportInput {
  readonly org: OrgSettings;
  /** ProgressStore.getOrg(alias). */
  readonly progress: Readonly<Record<string, ItemProgress | undefined>>;
  readonly lastVerification?: VerificationResult | undefined;
  readonly now: Date;
  readonly appVersion?: string;
  readonly sections?: readonly ChecklistSection[];
}

function itemOf(item: ChecklistSection['items'][number], p: ItemProgress | undefined): ReportItem {
  return {
    id: item.id,
    kind: item.kind,
    title: item.title,
    ...(item.detail ? { detail: item.detail } : {}),
    ...(item.substeps?.length ? { substeps: [...item.substeps] } : {}),
    tickable: isTickable(item),
    done: isTickable(item) && p?.done === true,
    ...(p?.doneBy ? { doneBy: p.doneBy } : {}),
    ...(p?.doneAt ? { doneAt: p.doneAt } : {}),
    ...(p?.note ? { note: p.note } : {}),
    ...(p?.noteAt ? { noteAt: p.noteAt } : {}),
    ...(p?.evidence
      ? {
          evidence: {
            checkId: p.evidence.checkId,
            status: p.evidence.status,
            summary: p.evidence.summary,
            at: p.evidence.at,
          },
        }
      : {}),
  };
}

/** Builds the report data from plain values only, so nothing secret can reach it. */
export function buildReport(input: BuildReportInput): ReportData {
  const sections = (input.sections ?? CHECKLIST).map((s) => ({
    id: s.id,
    title: s.title,
    items: s.items.map((i) => itemOf(i, input.progress[i.id])),
  }));
  const tickable = sections.flatMap((s) => s.items).filter((i) => i.tickable);
  return {
    title: `PKCE Pilot report — ${input.org.alias}`,
    generatedAt: input.now.toISOString(),
    appVersion: input.appVersion ?? APP_VERSION,
    org: {
      alias: input.org.alias,
      salesforceUrl: input.org.salesforce.baseUrl,
      ...(input.org.okta ? { oktaUrl: input.org.okta.baseUrl } : {}),
    },
    progress: { done: tickable.filter((i) => i.done).length, total: tickable.length },
    ...(input.lastVerification
      ? {
          verification: {
            checkedAt: input.lastVerification.checkedAt,
            checks: input.lastVerification.checks.map((c): ReportCheck => {
              const advice = adviceForCheck(c, input.org.alias);
              const named = { ...c, title: checkTitleOf(c.id), required: isRequiredId(c.id) };
              return advice ? { ...named, advice } : named;
            }),
          },
        }
      : {}),
    checklist: sections,
  };
}
