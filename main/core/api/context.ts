/**
 * What every part of the app API shares: the dependencies the shells hand in, the input parser (the
 * core's trust boundary) and the few views several parts build (an org as the window sees it, its
 * checklist). The parts (app, orgs, checklist, sign-in, verify, report, fleet, links) each implement
 * one area of preload/contract.ts; ../app-api.ts composes them.
 */
import type * as z from 'zod/mini';
import {
  apiContract,
  type ApiHandlers,
  type ApiMethod,
  type AppEvent,
  type ChecklistViewDto,
  type FleetReportFormat,
  type OrgView,
} from '../../../preload/contract';
import { buildChecklistView, type ChecklistProgress } from '../checklist';
import { PilotError } from '../errors';
import type { OrgSettings, ProviderId, SignInStatus } from '../model';
import { callbackUrlsFor } from '../org-input';
import type { OrgPatch } from '../storage/org-store';
import type { ItemProgress } from '../storage/progress-store';
import { DEFAULT_SCHEME } from '../auth/redirect';
import type { VerificationResult } from '../verify/types';

/** The parts of OrgStore the facade uses (main/core/storage/org-store.ts). */
export interface OrgStoreLike {
  list(): Promise<OrgSettings[]>;
  get(alias: string): Promise<OrgSettings>;
  add(input: {
    alias: string;
    salesforce: OrgSettings['salesforce'];
    okta?: OrgSettings['okta'];
  }): Promise<OrgSettings>;
  update(alias: string, patch: OrgPatch): Promise<OrgSettings>;
  remove(alias: string): Promise<void>;
}

/** The parts of ProgressStore the facade uses (main/core/storage/progress-store.ts). */
export interface ProgressStoreLike {
  getOrg(alias: string): Promise<Record<string, ItemProgress>>;
  /** Every org's progress, from one read (ProgressStore.getAll). */
  getAll(): Promise<Readonly<Record<string, Record<string, ItemProgress>>>>;
  setDone(alias: string, itemId: string, done: boolean, by?: 'admin' | 'verification'): Promise<ItemProgress>;
  setNote(alias: string, itemId: string, note: string): Promise<ItemProgress>;
  removeOrg(alias: string): Promise<void>;
}

/**
 * The sign-in engine (main/core/auth/sign-in.ts's SignInService). It opens the browser itself and reports
 * its phases through its own onEvent option — wire that to `emit` with signInEventToAppEvent.
 */
export interface SignInServiceLike {
  start(
    alias: string,
    provider: ProviderId,
    options?: { openBrowser?: boolean },
  ): Promise<{ authorizationUrl: string; done: Promise<SignInStatus> }>;
  cancel(alias: string, provider: ProviderId): boolean;
  signOut(alias: string, provider: ProviderId): Promise<unknown>;
  status(alias: string, provider: ProviderId): Promise<SignInStatus>;
}

export type ReportFormat = 'md' | 'html' | 'json' | 'pdf';

export interface AppApiDeps {
  readonly orgs: OrgStoreLike;
  readonly progress: ProgressStoreLike;
  readonly signIn: SignInServiceLike;
  /** Opens an https deep link (the shell enforces its host allow-list). */
  readonly openExternal: (url: string) => Promise<void>;
  readonly emit: (event: AppEvent) => void;
  /** Runs the checks, records them as checklist evidence and keeps the result (CoreServices.verifyOne). */
  readonly verify?: (alias: string) => Promise<VerificationResult>;
  /** The last verification kept for an org (CoreServices.verifications.latest), for the status board. */
  readonly latestVerification?: (alias: string) => Promise<VerificationResult | undefined>;
  /** Every org's last verification from one read (CoreServices.verifications.latestAll), for the fleet view. */
  readonly latestVerifications?: () => Promise<Readonly<Record<string, VerificationResult>>>;
  /** Orgs "Check all" verifies at once (services.ts VERIFY_CONCURRENCY, as `verify --all`). */
  readonly verifyConcurrency?: number;
  /** Reads every data file once and says which were unreadable and kept aside (CoreServices.dataNotices). */
  readonly dataNotices?: () => Promise<string[]>;
  /** Signs out of both providers and deletes the org, its progress and results (CoreServices.removeOrg). */
  readonly removeOrg: (alias: string) => Promise<void>;
  /**
   * Applies new org settings under the token-binding rule (CoreServices.updateOrg): a change of login URL
   * or client id while signed in is refused until sign-out. Without it, the store is updated directly.
   */
  readonly updateOrg?: (alias: string, next: OrgSettings) => Promise<OrgSettings>;
  readonly exportReport?: (alias: string, format: ReportFormat) => Promise<{ path: string }>;
  /** Formats exportReport supports (PDF needs the Electron shell). */
  readonly reportFormats?: readonly ReportFormat[];
  /** Writes the report of every org (CoreServices.fleetReport through the shell's save step). */
  readonly exportFleetReport?: (format: FleetReportFormat) => Promise<{ path: string }>;
  readonly info: {
    readonly name: string;
    readonly version: string;
    readonly platform: string;
    readonly dataFolder: string;
  };
  /** Private-use scheme of this build (dev builds use their own). */
  readonly scheme?: string;
  /** Okta Salesforce app id found by the last verification, for the provisioning-tab deep link. */
  readonly oktaAppIdFor?: (alias: string) => string | undefined;
  readonly now?: () => Date;
}

export type Input<M extends ApiMethod> = z.output<(typeof apiContract)[M]['input']>;

/** Parses again at the core boundary; a bad value becomes a plain invalid-input PilotError. */
export function parse<M extends ApiMethod>(method: M, raw: unknown): Input<M> {
  const r = apiContract[method].input.safeParse(raw);
  if (!r.success) {
    const first = r.error.issues[0];
    const field = first?.path.join('.') || 'request';
    throw new PilotError(
      'invalid-input',
      `The ${field} value is not valid.`,
      first?.message && !/^Invalid|^Unrecognized/.test(first.message)
        ? first.message
        : 'Check the value and try again.',
    );
  }
  return r.data as Input<M>;
}

/** The handlers of some contract methods: each part returns its own. */
export type HandlersOf<M extends ApiMethod> = Pick<ApiHandlers, M>;

export interface ApiContext {
  readonly deps: AppApiDeps;
  readonly now: () => Date;
  readonly scheme: string;
  orgView(org: OrgSettings): OrgView;
  checklistView(alias: string): Promise<ChecklistViewDto>;
}

export function createContext(deps: AppApiDeps): ApiContext {
  const now = deps.now ?? (() => new Date());
  const scheme = deps.scheme ?? DEFAULT_SCHEME;
  return {
    deps,
    now,
    scheme,
    orgView: (org) => ({ ...org, callbackUrls: callbackUrlsFor(org, scheme) }),
    async checklistView(alias) {
      await deps.orgs.get(alias); // not-found for unknown aliases, before reading progress
      const progress: ChecklistProgress = await deps.progress.getOrg(alias);
      // The view is readonly data; the DTO type only differs by readonly markers.
      return buildChecklistView(alias, progress, now()) as ChecklistViewDto;
    },
  };
}
