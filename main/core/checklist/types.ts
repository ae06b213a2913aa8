/**
 * Types of the migration checklist. Content (what to do) is static and shared by the app, the CLI and
 * reports; progress (what the admin did) is per org and lives in the progress store.
 */

/** Checks of main/core/verify that can confirm (or contradict) a checklist item. */
export type CheckId =
  | 'salesforce.okta-app.pkce-required'
  | 'salesforce.okta-app.tokens'
  | 'salesforce.okta-app.found'
  | 'salesforce.org.pkce-required'
  | 'salesforce.signin.pkce'
  | 'okta.salesforce-app.found'
  | 'okta.provisioning.auth-failures'
  | 'okta.provisioning.recent-success'
  | 'okta.provisioning.pkce-enabled';

/** Places in Salesforce or Okta a deep link can open (see main/core/deep-links.ts). */
export type LinkTarget =
  | 'salesforce.setup'
  | 'salesforce.app-manager'
  | 'salesforce.external-client-apps'
  | 'salesforce.oauth-oidc-settings'
  | 'okta.applications'
  | 'okta.salesforce-provisioning'
  | 'okta.tasks'
  | 'okta.workflows-connections';

/**
 * 'action' and 'prerequisite' items can be ticked; 'info' items explain (who it applies to, dates)
 * and 'caveat' items warn — neither counts towards progress.
 */
export type ItemKind = 'prerequisite' | 'action' | 'info' | 'caveat';

/** 'article' = Okta's KB article; 'guidance' = field experience beyond it (shared notes). */
export type ContentSource = 'article' | 'guidance';

export interface ChecklistItem {
  readonly id: string;
  readonly kind: ItemKind;
  readonly title: string;
  readonly detail?: string;
  readonly substeps?: readonly string[];
  readonly source: ContentSource;
  /** Verification checks that can confirm this item; absent = only the admin can confirm it. */
  readonly checkIds?: readonly CheckId[];
  readonly link?: LinkTarget;
}

export interface ChecklistSection {
  readonly id: string;
  readonly title: string;
  readonly intro?: string;
  readonly source: ContentSource;
  readonly items: readonly ChecklistItem[];
}

export interface KeyDate {
  readonly id: 'preview' | 'production' | 'enforcement';
  readonly label: string;
  /** Calendar date, YYYY-MM-DD. */
  readonly date: string;
  readonly detail: string;
}

import type { Evidence, EvidenceStatus, ItemProgress } from '../storage/progress-store';

/** The stored shapes are owned by the progress store; re-exported so checklist users need one import. */
export type { EvidenceStatus, ItemProgress };
export type ItemEvidence = Evidence;

/** Progress of one org: item id → progress. Missing ids are "not done". */
export type ChecklistProgress = Readonly<Record<string, ItemProgress | undefined>>;
