/**
 * Runs the five Salesforce checks for one org: reads through jsforce, verdicts from the pure functions.
 * Never throws — a missing sign-in or a failed read becomes 'unknown' with the reason and the next step.
 */
import { fetchSalesforceIdentity } from '../auth/identity';
import { isPilotError } from '../errors';
import type { TokenSet } from '../model';
import { oktaCallbackHosts } from './okta-callback';
import { openSalesforceConnection } from './salesforce-connection';
import {
  readAdminPermissions,
  readConnectedApps,
  readEcaLabels,
  readExternalClientApps,
  readOauthTokens,
  readOrgOauthSettings,
  type EcaOauthInfo,
  type ReadContext,
} from './salesforce-reads';
import {
  oktaAppFoundVerdict,
  oktaAppPkceVerdict,
  oktaAppsIn,
  oktaTokensVerdict,
  orgPkceVerdict,
  signInVerdict,
  tokensByApp,
  type AdminPermissions,
  type AppDiscovery,
  type OAuthAppInfo,
  type SignInFacts,
} from './salesforce-verdicts';
import { loginCommand, signInAgain } from './sign-in-again';
import {
  readFailed,
  readOk,
  type CheckVerdict,
  type FetchFn,
  type ReadResult,
  type TokenSource,
} from './types';

export interface SalesforceCheckOptions {
  readonly alias: string;
  readonly tokenService: TokenSource;
  readonly http: FetchFn;
  readonly now: () => Date;
  readonly timeoutMs?: number;
  /** The org's configured Okta URL: its cell's callback host is accepted beside the known cells. */
  readonly oktaUrl?: string;
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

/** Every Salesforce check 'unknown' with the same reason (no sign-in, or the grant is gone). */
function couldNotRun(reason: string, at: string, facts?: SignInFacts): CheckVerdict[] {
  const failed = readFailed<never>(reason);
  const none: AppDiscovery = { connectedApps: failed, externalClientApps: failed };
  return [
    signInVerdict(facts, at, reason),
    { ...orgPkceVerdict(failed, at), summary: reason },
    { ...oktaAppFoundVerdict(none, at), summary: reason },
    { ...oktaAppPkceVerdict(none, at), summary: reason },
    { ...oktaTokensVerdict(oktaAppPkceVerdict(none, at), [], at), summary: reason },
  ];
}

interface GrantCheck {
  readonly grant: ReadResult<{ readonly refreshed: boolean }>;
  /** The grant is revoked or expired: nothing else can run. */
  readonly gone?: boolean;
  readonly tokens: TokenSet;
  readonly userId?: string;
}

/**
 * Uses the grant once: the identity URL (on the host that issued the token) with the access token,
 * and after a refusal one refresh and a second try. A revoked or expired grant ends here: every check
 * then says "sign in again" with the command.
 */
async function useGrant(opts: SalesforceCheckOptions, tokens: TokenSet): Promise<GrantCheck> {
  const again = signInAgain(opts.alias, 'salesforce');
  let current = tokens;
  for (let attempt = 0; ; attempt++) {
    try {
      const identity = await fetchSalesforceIdentity(opts.http, current);
      return { grant: readOk({ refreshed: attempt > 0 }), tokens: current, userId: identity.userId };
    } catch (e) {
      // Salesforce's identity URL answers an invalid or expired access token with 403 Bad_OAuth_Token
      // (Salesforce Help, "Identity URLs": error codes), other hosts with 401: both get one refresh.
      const expired = isPilotError(e) && (e.code === 'not-signed-in' || e.code === 'forbidden');
      if (!expired || attempt > 0) {
        const why = isPilotError(e) ? e.message : 'The Salesforce identity call failed.';
        const hint = isPilotError(e) && e.hint ? ` ${e.hint}` : '';
        return expired && isPilotError(e) && e.code === 'not-signed-in'
          ? {
              grant: readFailed(
                `Could not check: Salesforce no longer accepts PKCE Pilot's sign-in (${why}) — ${again}.`,
              ),
              gone: true,
              tokens: current,
            }
          : {
              grant: readFailed(
                `Could not check: Salesforce's identity URL did not confirm the sign-in (${why});${hint} to allow the check, allow the "id" scope on PKCE Pilot's app and ${again}.`,
              ),
              tokens: current,
            };
      }
      try {
        current = await opts.tokenService.refresh(opts.alias, 'salesforce', current.accessToken);
      } catch (r) {
        const why = isPilotError(r) ? r.message : 'the refresh failed';
        if (isPilotError(r) && (r.code === 'network' || r.code === 'timeout' || r.code === 'rate-limited'))
          return {
            grant: readFailed(
              `Could not check: the sign-in could not be refreshed (${why}); try again later.`,
            ),
            tokens: current,
          };
        return {
          grant: readFailed(
            `Could not check: Salesforce no longer accepts PKCE Pilot's sign-in (revoked or expired: ${why}) — ${again}.`,
          ),
          gone: true,
          tokens: current,
        };
      }
    }
  }
}

/** Fills in the ECA labels OauthToken needs; an ECA whose label cannot be read keeps none. */
async function withEcaLabels(ctx: ReadContext, apps: readonly OAuthAppInfo[]): Promise<OAuthAppInfo[]> {
  const ecaNames = [
    ...new Set(
      apps.flatMap((a) =>
        a.kind === 'ExternalClientApp' && (a as EcaOauthInfo).ecaName
          ? [(a as EcaOauthInfo).ecaName as string]
          : [],
      ),
    ),
  ];
  if (ecaNames.length === 0) return [...apps];
  const labels = await readEcaLabels(ctx, ecaNames);
  return apps.map((a) => {
    const ecaName = (a as EcaOauthInfo).ecaName;
    const label =
      a.kind === 'ExternalClientApp' && ecaName && labels.ok ? labels.value.get(ecaName) : undefined;
    return a.kind === 'ExternalClientApp' ? { ...a, ...(label ? { label } : {}) } : a;
  });
}

export async function runSalesforceChecks(opts: SalesforceCheckOptions): Promise<CheckVerdict[]> {
  const at = opts.now().toISOString();
  const again = signInAgain(opts.alias, 'salesforce');
  let stored: TokenSet;
  try {
    stored = await opts.tokenService.getTokens(opts.alias, 'salesforce');
  } catch (e) {
    if (isPilotError(e) && e.code === 'keychain-unavailable')
      return couldNotRun(
        `Could not check: the system keychain that holds the sign-in is not reachable (${e.message}) — ${e.hint} Then run \`pkce-pilot status ${opts.alias}\`, and \`${loginCommand(opts.alias, 'salesforce')}\` if the sign-in is missing.`,
        at,
      );
    const why = isPilotError(e) ? e.message : 'Not signed in to Salesforce.';
    return couldNotRun(`Could not check: not signed in to Salesforce (${why}) — ${again}.`, at);
  }
  const used = await useGrant(opts, stored);
  const baseFacts = signInFacts(used.tokens);
  if (used.gone && !used.grant.ok)
    return couldNotRun(used.grant.reason, at, { ...baseFacts, grant: used.grant });

  const session = await openSalesforceConnection(
    opts.alias,
    used.tokens,
    opts.tokenService,
    opts.timeoutMs,
    opts.http,
  );
  const ctx: ReadContext = {
    conn: session.conn,
    secrets: session.secrets,
    takeUnexpectedAnswer: session.takeUnexpectedAnswer,
    again,
    ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
  };

  // Side by side: a first INVALID_SESSION_ID in any read triggers one refresh that the others share
  // (TokenService.refresh is single-flight and skips a refresh another read already made).
  const [orgSettings, connectedApps, externalClientApps] = await Promise.all([
    readOrgOauthSettings(ctx),
    readConnectedApps(ctx),
    readExternalClientApps(ctx),
  ]);
  const callbackHosts = oktaCallbackHosts(opts.oktaUrl);
  const found = oktaAppsIn({ connectedApps, externalClientApps, callbackHosts });
  const labelled = await withEcaLabels(ctx, found);
  // Replace the ECAs in the discovery with their labelled versions, so every verdict names the label.
  const relabel = (read: ReadResult<readonly OAuthAppInfo[]>): ReadResult<readonly OAuthAppInfo[]> =>
    read.ok
      ? readOk(
          read.value.map((a) => labelled.find((l) => l.fullName === a.fullName && l.kind === a.kind) ?? a),
        )
      : read;
  const discovery: AppDiscovery = {
    connectedApps,
    externalClientApps: relabel(externalClientApps),
    callbackHosts,
  };
  const labels = [...new Set(labelled.flatMap((a) => (a.label ? [a.label] : [])))];
  const [tokenRows, admin] = await Promise.all([
    labels.length > 0 ? readOauthTokens(ctx, labels) : Promise.resolve(undefined),
    used.userId
      ? readAdminPermissions(ctx, used.userId)
      : Promise.resolve(readFailed<AdminPermissions>('the user id was not in the identity answer')),
  ]);
  const tokens = tokensByApp(labelled, tokenRows);

  const readAtIso = opts.now().toISOString();
  const appPkce = oktaAppPkceVerdict(discovery, readAtIso, tokens);
  return [
    signInVerdict({ ...baseFacts, grant: used.grant, admin }, at),
    orgPkceVerdict(orgSettings, readAtIso),
    oktaAppFoundVerdict(discovery, readAtIso),
    appPkce,
    oktaTokensVerdict(appPkce, tokens, readAtIso),
  ];
}
