/**
 * The world `verify` is timed in: a Salesforce org and an Okta org where every check can pass, so every
 * read runs and the bench can tell when one is skipped — the trial server's "done" situation
 * (scripts/trial/situations.ts). Salesforce: org-wide PKCE on, Okta's provisioning Connected App carrying
 * Okta's real callback URL with "Require PKCE" ticked beside two other apps, and recent OauthToken use by
 * that app. Okta: one active Salesforce app with provisioning features, successful pushes in the System
 * Log and no authentication failures.
 *
 * VERIFY_EXPECTED below is the one place that says what a verified org looks like (statuses and request
 * counts). When verification gains or drops a check or a read, change it there.
 */
import type { SalesforceTestServer } from '../test/servers/salesforce-server';
import { startSalesforceServer } from '../test/servers/salesforce-server';
import {
  createSalesforceApi,
  createSalesforceApiState,
  type SalesforceApiState,
} from '../test/servers/salesforce-api';
import { requireSituation } from '../scripts/trial/situations';
import { startOktaServer, type OktaTestServer } from '../test/servers/okta-server';
import { createOktaApi, createOktaApiState } from '../test/servers/okta-api';
import type { ApiHandler, OAuthTestServer } from '../test/servers/oauth-test-server';
import { isCallbackPath, loopbackRedirectUri } from '../main/core/auth/redirect';

/** Okta's provisioning callback as Salesforce's ConnectedApp metadata carries it (Okta's setup guide). */
export { OKTA_PROVISIONING_CALLBACK } from '../scripts/trial/situations';
export const SALESFORCE_CLIENT_ID = '3MVG9PkcePilotBench';
export const OKTA_CLIENT_ID = '0oaPkcePilotBench';
export const AUTO_LOGIN = 'admin@acme.test';
const MIGRATED = requireSituation('done');

function setOktaCallback(state: SalesforceApiState, url: string): void {
  const app = state.connectedApps.find((a) => a.fullName === 'Okta_Provisioning');
  if (!app) throw new Error('the bench world has no Okta connected app');
  app.callbackUrl = url;
}

/**
 * What `verify` must report for every org of the bench world, and how many HTTP requests one org costs.
 * - Salesforce data APIs (6): readMetadata OauthOidcSettings,
 *   listMetadata ConnectedApp, readMetadata of the Connected Apps listed, listMetadata
 *   ExtlClntAppGlobalOauthSettings (External Client Apps' OAuth settings; none here, so no read follows), the SOQL on OauthToken — which only runs
 *   once Okta's app was found: a callback the verifier does not recognise shows up as a request short
 *   (and as failed checks) — and the SOQL on the user's permission set assignments. (Verify also calls
 *   the identity URL once to prove the grant works; the sign-in server answers it, so it is not counted.)
 * - Okta (2 per run, not per org): GET /api/v1/apps, then GET /api/v1/logs for the one active app
 *   instance. Every bench org is signed in to the one Okta org as the same admin, and a run reads Okta
 *   once per Okta admin (main/core/verify/okta-shared-reads.ts), as it would for a company's production
 *   org and sandboxes provisioned from one Okta org.
 * `okta.provisioning.pkce-enabled` is 'manual' by design: no API exposes that checkbox.
 * When checks or reads are added, change this table: the bench fails loudly until it agrees with what
 * `verify` really does.
 */
export const VERIFY_EXPECTED = {
  requestsPerOrg: { salesforce: 6 },
  oktaRequestsPerRun: 2,
  statuses: {
    'salesforce.signin.pkce': 'pass',
    'salesforce.org.pkce-required': 'pass',
    'salesforce.okta-app.found': 'pass',
    'salesforce.okta-app.pkce-required': 'pass',
    'salesforce.okta-app.tokens': 'pass',
    'okta.salesforce-app.found': 'pass',
    'okta.provisioning.auth-failures': 'pass',
    'okta.provisioning.recent-success': 'pass',
    'okta.provisioning.pkce-enabled': 'manual',
  },
} as const satisfies {
  requestsPerOrg: { salesforce: number };
  oktaRequestsPerRun: number;
  statuses: Record<string, 'pass' | 'fail' | 'unknown' | 'manual'>;
};

export interface VerifyWorldOptions {
  /** Callback URL of Okta's Connected App in Salesforce; default Okta's real one. */
  readonly oktaCallback?: string;
  /** Loopback ports the sign-ins may use (registered on both clients). */
  readonly callbackPorts: readonly number[];
}

/**
 * What the verify bench needs of a world, wherever it runs: in this process (VerifyWorld) or in a process
 * of its own (bench/verify-world-process.ts), whose answers come back asynchronously.
 */
export interface VerifyWorldControl {
  readonly salesforce: { readonly url: string };
  readonly okta: { readonly url: string };
  requestCounts(): Awaitable<{ salesforce: number; okta: number }>;
  tokenRequests(): Awaitable<number>;
  oktaPeakConcurrency(): Awaitable<number>;
  resetOktaPeak(): Awaitable<void>;
  setLatency(ms: number): Awaitable<void>;
}

type Awaitable<T> = T | Promise<T>;

export interface VerifyWorld {
  readonly salesforce: SalesforceTestServer;
  readonly okta: OktaTestServer;
  /** API requests answered so far (Salesforce's and Okta's data APIs, not sign-in endpoints). */
  requestCounts(): { salesforce: number; okta: number };
  /** Requests the whole run sent to the token endpoints (a refresh during verify would show here). */
  tokenRequests(): number;
  /**
   * Most Okta API requests that arrived within one server latency of each other since the last reset: with
   * a fixed latency that is how many were in flight at once (Okta limits concurrency per org).
   */
  oktaPeakConcurrency(): number;
  resetOktaPeak(): void;
  setLatency(ms: number): void;
  /** Changes the callback URL of Okta's Connected App in Salesforce (for tests of the bench's own checks). */
  setOktaCallback(url: string): void;
  close(): Promise<void>;
}

/**
 * The bench world's one client stands in for every org's own app (200 orgs would each register their
 * own callback URLs, which carry the org's alias): it accepts PKCE Pilot's per-org loopback callback
 * path for any alias, on the bench's ports only.
 */
function acceptEveryOrgsCallback(server: OAuthTestServer, ports: readonly number[]): void {
  server.provider.Client.prototype.redirectUriAllowed = function everyOrg(value: string): boolean {
    try {
      const url = new URL(value);
      return (
        url.protocol === 'http:' &&
        url.hostname === '127.0.0.1' &&
        ports.includes(Number(url.port)) &&
        isCallbackPath(url.pathname) &&
        url.search === '' &&
        url.hash === ''
      );
    } catch {
      return false;
    }
  };
}

function counted(
  inner: ApiHandler,
  count: { n: number },
  addHeaders?: (res: import('node:http').ServerResponse) => void,
): ApiHandler {
  return async (req, res, auth) => {
    addHeaders?.(res);
    const handled = await inner(req, res, auth);
    if (handled) count.n++;
    return handled;
  };
}

/** Pure: the largest number of arrival times (ms, ascending) that fall within one `windowMs`. */
export function peakWithin(arrivals: readonly number[], windowMs: number): number {
  let peak = 0;
  let first = 0;
  for (let last = 0; last < arrivals.length; last++) {
    while ((arrivals[last] as number) - (arrivals[first] as number) >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}

export async function startVerifyWorld(options: VerifyWorldOptions): Promise<VerifyWorld> {
  const now = Date.now();
  // The trial server's "done" situation: the same migrated org a newcomer is shown.
  const sfState = createSalesforceApiState(MIGRATED.salesforce(now));
  const oktaState = createOktaApiState(MIGRATED.okta(now));
  if (options.oktaCallback) setOktaCallback(sfState, options.oktaCallback);
  const sfCount = { n: 0 };
  const oktaCount = { n: 0 };
  let latencyMs = 0;
  let oktaLogFrom = 0;
  // Okta reports its per-minute budget on every answer (Okta rate-limit docs); the bench's numbers
  // are generous so no 429 happens, but the client sees the headers it must respect.
  const rateHeaders = (res: import('node:http').ServerResponse) => {
    res.setHeader('X-Rate-Limit-Limit', '1200');
    res.setHeader('X-Rate-Limit-Remaining', '1199');
    res.setHeader('X-Rate-Limit-Reset', String(Math.ceil(Date.now() / 60_000) * 60));
  };
  const salesforce = await startSalesforceServer({
    autoConsent: true,
    autoLogin: AUTO_LOGIN,
    apiHandler: counted(createSalesforceApi(sfState), sfCount),
  });
  const okta = await startOktaServer({
    autoConsent: true,
    autoLogin: AUTO_LOGIN,
    apiHandler: counted(createOktaApi(oktaState), oktaCount, rateHeaders),
  });
  const redirectUris = options.callbackPorts.map((port) => loopbackRedirectUri(port, 'bench', 'salesforce'));
  await salesforce.registerClient({ clientId: SALESFORCE_CLIENT_ID, redirectUris, pkceRequired: true });
  await okta.registerClient({ clientId: OKTA_CLIENT_ID, redirectUris, pkceRequired: true });
  for (const server of [salesforce, okta]) acceptEveryOrgsCallback(server, options.callbackPorts);
  return {
    salesforce,
    okta,
    requestCounts: () => ({ salesforce: sfCount.n, okta: oktaCount.n }),
    tokenRequests: () => salesforce.tokenRequestCount() + okta.tokenRequestCount(),
    oktaPeakConcurrency: () =>
      peakWithin(
        okta.requests
          .slice(oktaLogFrom)
          .filter((r) => r.path.startsWith('/api/v1/'))
          .map((r) => r.at),
        Math.max(1, latencyMs),
      ),
    resetOktaPeak: () => {
      oktaLogFrom = okta.requests.length;
    },
    setOktaCallback: (url) => setOktaCallback(sfState, url),
    setLatency: (ms) => {
      latencyMs = ms;
      salesforce.setLatency(ms);
      okta.setLatency(ms);
    },
    close: async () => {
      await salesforce.close();
      await okta.close();
    },
  };
}

export interface VerifiedOrgJson {
  readonly org: string;
  readonly error?: unknown;
  readonly checks: readonly { id: string; status: string }[];
}

export interface VerifyRunFacts {
  readonly results: readonly VerifiedOrgJson[];
  readonly expectedOrgs: readonly string[];
  /** API requests the run caused, by server. */
  readonly requests: { salesforce: number; okta: number };
  /** Token-endpoint requests the run caused (refreshes); none are expected. */
  readonly tokenRequests: number;
}

/**
 * Pure: everything that is wrong with one `verify --all --json` run of the bench world, as plain
 * sentences (empty when the run verified every org completely). The bench throws on any problem.
 */
export function verifyRunProblems(facts: VerifyRunFacts, expected = VERIFY_EXPECTED): string[] {
  const problems: string[] = [];
  const byOrg = new Map(facts.results.map((r) => [r.org, r]));
  const missing = facts.expectedOrgs.filter((a) => !byOrg.has(a));
  if (missing.length > 0 || facts.results.length !== facts.expectedOrgs.length)
    problems.push(
      `verify returned ${facts.results.length} results for ${facts.expectedOrgs.length} orgs (missing: ${missing.slice(0, 5).join(', ') || 'none'})`,
    );
  const wanted = Object.entries(expected.statuses);
  for (const r of facts.results) {
    if (r.error) problems.push(`${r.org}: not verified at all (${JSON.stringify(r.error).slice(0, 200)})`);
    const got = new Map(r.checks.map((c) => [c.id, c.status]));
    const wrong = wanted
      .filter(([id, status]) => got.get(id) !== status)
      .map(([id, status]) => `${id} ${got.get(id) ?? 'absent'} (expected ${status})`);
    const extra = [...got.keys()].filter((id) => !(id in expected.statuses));
    if (wrong.length > 0) problems.push(`${r.org}: ${wrong.join('; ')}`);
    if (extra.length > 0)
      problems.push(
        `${r.org}: checks the bench does not know (add them to VERIFY_EXPECTED): ${extra.join(', ')}`,
      );
    if (problems.length > 20) break;
  }
  const n = facts.expectedOrgs.length;
  const salesforce = expected.requestsPerOrg.salesforce * n;
  if (facts.requests.salesforce !== salesforce)
    problems.push(
      `salesforce: ${facts.requests.salesforce} API requests for ${n} org(s), expected ${salesforce} (${expected.requestsPerOrg.salesforce} per org) — a read was skipped or added`,
    );
  if (facts.requests.okta !== expected.oktaRequestsPerRun)
    problems.push(
      `okta: ${facts.requests.okta} API requests for ${n} org(s), expected ${expected.oktaRequestsPerRun} (one Okta admin: read once per run) — a read was skipped, added or not shared`,
    );
  if (facts.tokenRequests !== 0)
    problems.push(
      `${facts.tokenRequests} token request(s) during verify: a token was refreshed, so the run timed more than the reads`,
    );
  return problems;
}
