/**
 * Runs the five Salesforce checks for one org: reads through jsforce, verdicts from the pure functions.
 * Never throws — a missing sign-in or a failed read becomes 'unknown' with the reason.
 */
import { isPilotError } from '../errors';
import type { TokenSet } from '../model';
import { openSalesforceConnection } from './salesforce-connection';
import {
  readConnectedApps,
  readExternalClientApps,
  readOauthTokens,
  readOrgOauthSettings,
  type ReadContext,
} from './salesforce-reads';
import {
  oktaAppFoundVerdict,
  oktaAppPkceVerdict,
  oktaAppsIn,
  oktaTokensVerdict,
  orgPkceVerdict,
  signInVerdict,
  type AppDiscovery,
  type SignInFacts,
} from './salesforce-verdicts';
import { readFailed, type CheckResult, type FetchFn, type TokenSource } from './types';

export interface SalesforceCheckOptions {
  readonly alias: string;
  readonly tokenService: TokenSource;
  readonly now: () => Date;
  readonly timeoutMs?: number;
  /** The core's HttpClient: jsforce's requests go through it (same proxy/certificates as sign-in). */
  readonly http?: FetchFn;
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

export function signInFacts(tokens: TokenSet): SignInFacts {
  const loginHost = hostOf(tokens.identityUrl) ?? hostOf(tokens.instanceUrl);
  return {
    pkce: tokens.pkce,
    hasAccessToken: tokens.accessToken.length > 0,
    ...(tokens.username ? { username: tokens.username } : {}),
    issuedAt: tokens.issuedAt,
    ...(loginHost ? { loginHost } : {}),
  };
}

function notSignedIn(reason: string, at: string): CheckResult[] {
  const failed = readFailed<never>(reason);
  const none: AppDiscovery = { connectedApps: failed, externalClientApps: failed };
  const found = oktaAppFoundVerdict(none, at);
  const pkce = oktaAppPkceVerdict(none, at);
  return [
    signInVerdict(undefined, at, reason),
    orgPkceVerdict(failed, at),
    found,
    { ...pkce, summary: reason },
    { ...oktaTokensVerdict(pkce, [], undefined, 0, at), summary: reason },
  ];
}

export async function runSalesforceChecks(opts: SalesforceCheckOptions): Promise<CheckResult[]> {
  const at = opts.now().toISOString();
  let tokens: TokenSet;
  try {
    tokens = await opts.tokenService.getTokens(opts.alias, 'salesforce');
  } catch (e) {
    const why = isPilotError(e) ? e.message : 'Not signed in to Salesforce.';
    return notSignedIn(
      `Salesforce not signed in: ${why} Sign in to Salesforce for this org, then verify again.`,
      at,
    );
  }
  const session = await openSalesforceConnection(
    opts.alias,
    tokens,
    opts.tokenService,
    opts.timeoutMs,
    opts.http,
  );
  const ctx: ReadContext = {
    conn: session.conn,
    secrets: session.secrets,
    takeUnexpectedAnswer: session.takeUnexpectedAnswer,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  };

  // Side by side: a first INVALID_SESSION_ID in any read triggers one refresh that the others share
  // (TokenService.refresh is single-flight and skips a refresh another read already made).
  const [orgSettings, connectedApps, externalClientApps] = await Promise.all([
    readOrgOauthSettings(ctx),
    readConnectedApps(ctx),
    readExternalClientApps(ctx),
  ]);
  const discovery: AppDiscovery = { connectedApps, externalClientApps };
  const oktaApps = oktaAppsIn(discovery);
  const appNames = [...new Set(oktaApps.flatMap((a) => [a.label ?? a.fullName, a.fullName]))];
  const tokenRows = oktaApps.length > 0 ? await readOauthTokens(ctx, appNames) : undefined;

  const readAt = opts.now();
  const readAtIso = readAt.toISOString();
  const appPkce = oktaAppPkceVerdict(discovery, readAtIso);
  return [
    signInVerdict(signInFacts(tokens), at),
    orgPkceVerdict(orgSettings, readAtIso),
    oktaAppFoundVerdict(discovery, readAtIso),
    appPkce,
    oktaTokensVerdict(appPkce, oktaApps, tokenRows, readAt.getTime(), readAtIso),
  ];
}
