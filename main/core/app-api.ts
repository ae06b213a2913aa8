/**
 * The app's service facade: every IPC method of preload/contract.ts implemented over the core services.
 * Shared by the Electron shell (ipc-main) and the web test bridge, so both run the same code. Inputs are
 * validated again here with the contract's schemas — this is the trust boundary of the core.
 * Nothing returned or emitted carries a token, verifier or authorization code.
 */
import type { z } from 'zod';
import {
  apiContract,
  type ApiHandlers,
  type ApiMethod,
  type AppEvent,
  type AppInfo,
  type SignInPhase,
  type ChecklistViewDto,
  type OrgView,
} from '../../preload/contract';
import {
  buildChecklistView,
  deadlineStatus,
  findItem,
  isTickable,
  type ChecklistProgress,
} from './checklist';
import { buildLink, type LinkOrg } from './deep-links';
import { PilotError, toPilotError } from './errors';
import type { OrgSettings, ProviderId, SignInStatus } from './model';
import { buildOrgSettings, callbackUrlsFor, exampleCallbackUrls } from './org-input';
import type { OrgPatch } from './storage/org-store';
import type { ItemProgress } from './storage/progress-store';
import { defaultScopes } from './auth/providers';
import { DEFAULT_SCHEME } from './auth/redirect';
import type { VerificationResult } from './verify/types';

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

/** SignInService's onEvent → the IPC event (copying only declared, secret-free fields). */
export function signInEventToAppEvent(e: {
  alias: string;
  provider: ProviderId;
  phase: SignInPhase;
  message?: string;
}): AppEvent {
  return {
    type: 'sign-in',
    alias: e.alias,
    provider: e.provider,
    phase: e.phase,
    ...(e.message ? { message: e.message.slice(0, 1000) } : {}),
  };
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

type Input<M extends ApiMethod> = z.output<(typeof apiContract)[M]['input']>;

/** Parses again at the core boundary; a bad value becomes a plain invalid-input PilotError. */
function parse<M extends ApiMethod>(method: M, raw: unknown): Input<M> {
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

export function createAppApi(deps: AppApiDeps): ApiHandlers {
  const now = deps.now ?? (() => new Date());
  const scheme = deps.scheme ?? DEFAULT_SCHEME;

  const orgView = (org: OrgSettings): OrgView => ({ ...org, callbackUrls: callbackUrlsFor(org, scheme) });

  async function checklistView(alias: string): Promise<ChecklistViewDto> {
    await deps.orgs.get(alias); // not-found for unknown aliases, before reading progress
    const progress: ChecklistProgress = await deps.progress.getOrg(alias);
    // The view is readonly data; the DTO type only differs by readonly markers.
    return buildChecklistView(alias, progress, now()) as ChecklistViewDto;
  }

  function requireItem(itemId: string, tickable: boolean) {
    const item = findItem(itemId);
    if (!item)
      throw new PilotError(
        'not-found',
        'That checklist step does not exist.',
        'Reload the checklist and try again.',
      );
    if (tickable && !isTickable(item)) {
      throw new PilotError(
        'invalid-input',
        'This checklist entry is information only and cannot be ticked.',
        'Tick the steps below it instead.',
      );
    }
    return item;
  }

  function linkOrg(org: OrgSettings): LinkOrg {
    const appId = deps.oktaAppIdFor?.(org.alias);
    return {
      salesforceBaseUrl: org.salesforce.baseUrl,
      ...(org.okta ? { oktaBaseUrl: org.okta.baseUrl } : {}),
      ...(appId ? { oktaSalesforceAppId: appId } : {}),
    };
  }

  const handlers: ApiHandlers = {
    async 'app.info'(raw) {
      parse('app.info', raw);
      const notices = deps.dataNotices ? await deps.dataNotices() : [];
      const info: AppInfo = {
        ...deps.info,
        deadline: deadlineStatus(now()),
        setup: {
          salesforceCallbackUrls: exampleCallbackUrls('salesforce', scheme),
          salesforceScopes: defaultScopes('salesforce'),
          oktaRedirectUris: exampleCallbackUrls('okta', scheme),
          oktaScopes: 'okta.apps.read okta.logs.read',
        },
        features: {
          verify: Boolean(deps.verify),
          reports: deps.exportReport ? [...(deps.reportFormats ?? ['md', 'html', 'json'])] : [],
        },
        notices: notices.slice(0, 20),
      };
      return info;
    },

    async 'app.start'(raw) {
      const { lastOrg } = parse('app.start', raw);
      const [info, { orgs }] = await Promise.all([handlers['app.info']({}), handlers['orgs.list']({})]);
      const first = lastOrg && orgs.some((o) => o.alias === lastOrg) ? lastOrg : orgs[0]?.alias;
      return { info, orgs, ...(first ? { checklist: await checklistView(first) } : {}) };
    },

    async 'checklist.get'(raw) {
      return checklistView(parse('checklist.get', raw).alias);
    },

    async 'checklist.setDone'(raw) {
      const { alias, itemId, done } = parse('checklist.setDone', raw);
      requireItem(itemId, true);
      await deps.orgs.get(alias);
      await deps.progress.setDone(alias, itemId, done, 'admin');
      return checklistView(alias);
    },

    async 'checklist.setNote'(raw) {
      const { alias, itemId, note } = parse('checklist.setNote', raw);
      requireItem(itemId, false);
      await deps.orgs.get(alias);
      await deps.progress.setNote(alias, itemId, note);
      return checklistView(alias);
    },

    async 'orgs.list'(raw) {
      parse('orgs.list', raw);
      return { orgs: (await deps.orgs.list()).map(orgView) };
    },

    async 'orgs.add'(raw) {
      const input = parse('orgs.add', raw);
      const settings = buildOrgSettings(input, now());
      const org = await deps.orgs.add({
        alias: settings.alias,
        salesforce: settings.salesforce,
        ...(settings.okta ? { okta: settings.okta } : {}),
      });
      deps.emit({ type: 'orgs-changed' });
      return orgView(org);
    },

    async 'orgs.update'(raw) {
      const input = parse('orgs.update', raw);
      const current = await deps.orgs.get(input.alias);
      // Rebuild from the merged form so the same validation as "add" names any bad field.
      const merged = buildOrgSettings(
        {
          alias: current.alias,
          salesforceLoginUrl: input.salesforceLoginUrl ?? current.salesforce.baseUrl,
          clientId: input.clientId ?? current.salesforce.clientId,
          redirect: input.redirect ?? current.salesforce.redirect,
          port: input.port ?? current.salesforce.port,
          oktaOrgUrl: input.oktaOrgUrl ?? current.okta?.baseUrl,
          oktaClientId: input.oktaClientId ?? current.okta?.clientId,
        },
        now(),
      );
      const org = deps.updateOrg
        ? await deps.updateOrg(current.alias, merged)
        : await deps.orgs.update(current.alias, {
            salesforce: merged.salesforce,
            okta: merged.okta ?? null,
          });
      deps.emit({ type: 'orgs-changed' });
      return orgView(org);
    },

    async 'orgs.remove'(raw) {
      const { alias } = parse('orgs.remove', raw);
      await deps.removeOrg(alias);
      deps.emit({ type: 'orgs-changed' });
      return { removed: true };
    },

    async 'signIn.start'(raw) {
      const { alias, provider } = parse('signIn.start', raw);
      const org = await deps.orgs.get(alias);
      if (provider === 'okta' && !org.okta) {
        throw new PilotError(
          'invalid-input',
          'This org has no Okta settings.',
          'Edit the org and add the Okta org URL and client id first.',
        );
      }
      const { done } = await deps.signIn.start(alias, provider);
      // The outcome reaches the window through the service's events; nobody awaits `done` here.
      done.catch(() => undefined);
      return { alias, provider, phase: 'waiting-for-browser' as const };
    },

    async 'signIn.cancel'(raw) {
      const { alias, provider } = parse('signIn.cancel', raw);
      return { cancelled: deps.signIn.cancel(alias, provider) };
    },

    async 'signIn.signOut'(raw) {
      const { alias, provider } = parse('signIn.signOut', raw);
      await deps.orgs.get(alias);
      await deps.signIn.signOut(alias, provider);
      return { signedOut: true };
    },

    async 'signIn.status'(raw) {
      const { alias } = parse('signIn.status', raw);
      const org = await deps.orgs.get(alias);
      const providers: ProviderId[] = org.okta ? ['salesforce', 'okta'] : ['salesforce'];
      const statuses = await Promise.all(providers.map((p) => deps.signIn.status(alias, p)));
      // Copy only display fields: whatever else the engine returns stays in main.
      return {
        statuses: statuses.map((s) => ({
          alias: s.alias,
          provider: s.provider,
          signedIn: s.signedIn,
          ...(s.username ? { username: s.username } : {}),
          ...(s.userId ? { userId: s.userId } : {}),
          ...(s.orgId ? { orgId: s.orgId } : {}),
          ...(s.instanceUrl ? { instanceUrl: s.instanceUrl } : {}),
          ...(s.since ? { since: s.since } : {}),
        })),
      };
    },

    async 'verify.run'(raw) {
      const { alias } = parse('verify.run', raw);
      await deps.orgs.get(alias);
      if (!deps.verify) {
        throw new PilotError(
          'internal',
          'Verification is not available in this build yet.',
          'Tick the steps yourself for now; checks arrive in a later version.',
        );
      }
      deps.emit({ type: 'verification', alias, phase: 'started' });
      let result: VerificationResult;
      try {
        result = await deps.verify(alias);
      } catch (e) {
        const err = toPilotError(e);
        deps.emit({
          type: 'verification',
          alias,
          phase: 'error',
          message: err.toDisplayString().slice(0, 1000),
        });
        throw err;
      }
      deps.emit({ type: 'verification', alias, phase: 'finished' });
      return result as unknown as z.output<(typeof apiContract)['verify.run']['output']>;
    },

    async 'report.export'(raw) {
      const { alias, format } = parse('report.export', raw);
      await deps.orgs.get(alias);
      const formats = deps.reportFormats ?? ['md', 'html', 'json'];
      if (!deps.exportReport || !formats.includes(format)) {
        throw new PilotError(
          'internal',
          `Exporting a ${format.toUpperCase()} report is not available in this build.`,
          'Use another format, or the CLI: pkce-pilot report.',
        );
      }
      const { path } = await deps.exportReport(alias, format);
      return { path, format };
    },

    async 'links.open'(raw) {
      const { alias, target } = parse('links.open', raw);
      const org = await deps.orgs.get(alias);
      const url = buildLink(linkOrg(org), target);
      // electron-security-exception OPEN_EXTERNAL_JS_CHECK: deps.openExternal is the shell's allow-listed opener (main/electron/external-links.ts)
      await deps.openExternal(url);
      return { opened: true, url };
    },
  };
  return handlers;
}
