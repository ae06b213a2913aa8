/**
 * The one place that wires the core together. The CLI, the Electron shell and the web test bridge all
 * build their services here, and differ only in what they hand in: how to reach the network (Node fetch
 * with proxy env, or Chromium's net.fetch) and how to open the system browser.
 */
import { ensureDataFolder } from './storage/data-folder';
import type { HttpClient } from './http';
import { limitPerHost } from './host-limit';
import { OKTA_REQUESTS_PER_HOST, VERIFY_CONCURRENCY } from './verify/concurrency';
import type { Recovery } from './storage/json-file-store';
import type { ProviderId, TokenSet } from './model';
import { OrgStore } from './storage/org-store';
import { ProgressStore } from './storage/progress-store';
import {
  assertTokensUsable,
  boundEndpoints,
  movedProviders,
  requireBinding,
  signedInChangeError,
} from './auth/token-binding';
import type { OrgSettings } from './model';
import {
  buildFleetReport,
  buildReport,
  renderFleetReport,
  renderReport,
  type FleetReportFormat,
  type ReportFormat,
} from './report';
import { secretStoreIn } from './storage/secret-store';
import { withFileLock } from './storage/json-file-store';
import path from 'node:path';
import { SignInService, type SignInEvent } from './auth/sign-in';
import { refreshTokens } from './auth/token-client';
import { TokenService, type TokenVault } from './auth/token-service';
import { VerificationStore } from './verify/verification-store';
import { applyManyToChecklist, runMany, type ChecklistConflict } from './verify/run';
import type { VerificationResult } from './verify/types';

export interface CoreServicesOptions {
  readonly dataFolder: string;
  readonly http: HttpClient;
  readonly openBrowser: (url: string) => Promise<void>;
  /** Private-use redirect scheme of this build. */
  readonly scheme?: string;
  readonly onSignInEvent?: (e: SignInEvent) => void;
  /** The keychain; tests of pure flows may pass another vault, the product always uses SecretStore. */
  readonly secrets?: TokenVault & { deleteAll?(alias: string): Promise<unknown> };
  readonly appVersion?: string;
  readonly now?: () => Date;
  /** Told when a data file was unreadable and kept aside, so the shell can say so (never a silent reset). */
  readonly onRecovered?: (recovery: Recovery) => void;
  /** Told when the data folder was too open and was made private (the shells say so). */
  readonly onNotice?: (message: string) => void;
}

export interface VerifiedOrg {
  readonly result: VerificationResult;
  readonly conflicts: ChecklistConflict[];
}

export type CoreServices = Awaited<ReturnType<typeof createCoreServices>>;

export async function createCoreServices(options: CoreServicesOptions) {
  const now = options.now ?? (() => new Date());
  const folderNotices: string[] = [];
  await ensureDataFolder(options.dataFolder, {
    onNotice: (m) => {
      folderNotices.push(m);
      options.onNotice?.(m);
    },
  });
  // Every unreadable data file that was kept aside, for the shells to tell the admin.
  const recoveries: Recovery[] = [];
  const onRecovered = (r: Recovery) => {
    recoveries.push(r);
    options.onRecovered?.(r);
  };
  const orgs = new OrgStore(options.dataFolder, { onRecovered });
  const progress = new ProgressStore(options.dataFolder, { onRecovered });
  const verifications = new VerificationStore(options.dataFolder, onRecovered);
  const secrets = options.secrets ?? secretStoreIn(options.dataFolder);
  const http = options.http;
  // Only Okta's reads are limited per host: many Salesforce orgs share one Okta org, while each Salesforce
  // org is its own host (My Domain) with its own limits, so its reads go through `http` as they are.
  const oktaHttp = limitPerHost(http, { perHost: OKTA_REQUESTS_PER_HOST });

  const signIn = new SignInService({
    orgs,
    secrets,
    http,
    openBrowser: options.openBrowser,
    ...(options.scheme ? { scheme: options.scheme } : {}),
    ...(options.onSignInEvent ? { onEvent: options.onSignInEvent } : {}),
  });

  /** Tokens from `vault`, usable only while `orgOf(alias)` still names the server that issued them. */
  const tokenServiceOver = (vault: TokenVault, orgOf: (alias: string) => Promise<OrgSettings>) =>
    new TokenService({
      secretStore: vault,
      // A token goes only to the server named in its own keychain record, never to the org's current URL.
      refresh: async (alias: string, provider: ProviderId, current: TokenSet) => {
        const binding = requireBinding(alias, provider, current);
        return refreshTokens({
          provider,
          endpoints: boundEndpoints(provider, binding),
          clientId: binding.clientId,
          http,
          tokens: current,
        });
      },
      lock: (key, task) => withFileLock(path.join(options.dataFolder, `refresh-${key}`), task),
      assertUsable: async (alias, provider, current) =>
        assertTokensUsable(alias, provider, current, await orgOf(alias)),
    });
  const tokens = tokenServiceOver(secrets, (alias) => orgs.get(alias));

  /**
   * Applies new settings to an org, keeping its checklist progress and notes. A change of login URL or
   * client id for a provider that holds tokens is refused until sign-out (token-binding rule): the
   * tokens stay bound to the server that issued them and are revoked there by `logout`.
   */
  async function updateOrg(alias: string, next: OrgSettings): Promise<OrgSettings> {
    const current = await orgs.get(alias);
    for (const provider of movedProviders(current, next)) {
      if (await secrets.get(alias, provider)) throw signedInChangeError(alias, provider);
    }
    return orgs.update(alias, { salesforce: next.salesforce, okta: next.okta ?? null });
  }

  /**
   * Verifies orgs, records each verdict as checklist evidence and keeps the latest result. API limits
   * are per org, so orgs run side by side; the cap keeps sockets and memory modest for hundreds of orgs.
   */
  async function verify(aliases: readonly string[]): Promise<VerifiedOrg[]> {
    // orgs.json is read and validated once per run: OrgStore.get reads the whole file each time, which
    // made `verify --all` quadratic in the number of orgs (200 orgs: 200 reads of 200 orgs).
    const listed = new Map((await orgs.list()).map((o) => [o.alias, o]));
    const snapshot = { get: async (alias: string) => listed.get(alias) ?? orgs.get(alias) };
    // The two files the results go to are read while the orgs answer, not after the last answer (their
    // stores keep what they read: json-file-store.ts). A failed read shows again in the save below.
    void verifications.latestAll().catch(() => undefined);
    void progress.getAll().catch(() => undefined);
    // The same snapshot decides whether stored tokens may still be used (token binding).
    const results = await runMany(aliases, {
      orgs: snapshot,
      tokens: tokenServiceOver(secrets, snapshot.get),
      http,
      oktaHttp,
      now,
      concurrency: VERIFY_CONCURRENCY,
    });
    // An org that could not be verified at all (unknown alias) leaves no trace in the stores.
    const kept = results.filter((r) => r.error?.code !== 'not-found');
    await verifications.save(kept);
    const conflicts = await applyManyToChecklist(progress, kept);
    return results.map((result) => ({ result, conflicts: conflicts.filter((c) => c.alias === result.org) }));
  }

  async function verifyOne(alias: string): Promise<VerificationResult> {
    const [verified] = await verify([alias]);
    if (!verified) throw new Error('verification returned no result');
    return verified.result;
  }

  async function report(alias: string, format: ReportFormat): Promise<string> {
    const org = await orgs.get(alias);
    const data = buildReport({
      org,
      progress: await progress.getOrg(alias),
      lastVerification: await verifications.latest(alias),
      now: now(),
      ...(options.appVersion ? { appVersion: options.appVersion } : {}),
    });
    return renderReport(data, format);
  }

  /** The report of every org (state, last check, next action, evidence summary): never a token. */
  async function fleetReport(format: FleetReportFormat): Promise<string> {
    // Each file read once for all orgs (one read per org re-parsed the whole file every time).
    const [all, progressAll, latestAll] = await Promise.all([
      orgs.list(),
      progress.getAll(),
      verifications.latestAll(),
    ]);
    const entries = all.map((org) => ({
      org,
      progress: (Object.hasOwn(progressAll, org.alias) ? progressAll[org.alias] : undefined) ?? {},
      latest: Object.hasOwn(latestAll, org.alias) ? latestAll[org.alias] : undefined,
    }));
    return renderFleetReport(
      buildFleetReport({
        entries,
        now: now(),
        ...(options.appVersion ? { appVersion: options.appVersion } : {}),
      }),
      format,
    );
  }

  /**
   * Removes an org everywhere. Sign-outs first (revoke at the server, best effort; delete the keychain
   * item, which must succeed): if the keychain fails, the org stays listed and no token is orphaned.
   */
  async function removeOrg(alias: string): Promise<void> {
    await orgs.get(alias);
    for (const provider of ['salesforce', 'okta'] as const) await signIn.signOut(alias, provider);
    await orgs.remove(alias);
    await progress.removeOrg(alias);
    await verifications.remove(alias);
  }

  /** Loads each data file once (which detects and keeps aside a corrupt one) and describes what was kept. */
  async function dataNotices(): Promise<string[]> {
    await Promise.all([orgs.list(), progress.getOrg('-'), verifications.latest('-')]);
    return [
      ...folderNotices,
      ...recoveries.map((r) => `${r.reason} The unreadable file was kept at ${r.keptAt}.`),
    ];
  }

  return {
    dataNotices,
    dataFolder: options.dataFolder,
    orgs,
    progress,
    verifications,
    secrets,
    http,
    signIn,
    tokens,
    verify,
    verifyOne,
    report,
    fleetReport,
    removeOrg,
    updateOrg,
  };
}
