/**
 * End-to-end verification matrix: real Salesforce- and Okta-shaped servers (oidc-provider) with the
 * fake data APIs, real PKCE sign-ins through the engine's token client, the real TokenService (with
 * rotation) over an in-memory vault, jsforce for Salesforce reads and fetch for Okta.
 */
import { bindingFor } from '../../main/core/auth/token-binding';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/http';
import type { ProviderId, TokenSet } from '../../main/core/model';
import { SecretStore } from '../../main/core/storage/secret-store';
import { runCliProcess } from '../helpers/cli-process';
import { codeChallengeS256, createCodeVerifier, createState } from '../../main/core/auth/pkce';
import { endpointsFor } from '../../main/core/auth/providers';
import { exchangeCode, refreshTokens } from '../../main/core/auth/token-client';
import { TokenService } from '../../main/core/auth/token-service';
import { buildReport, renderReport } from '../../main/core/report';
import { evidenceEntries, runVerification } from '../../main/core/verify/run';
import { adviceForCheck } from '../../main/core/verify/troubleshooting';
import { verifyExitCode } from '../../main/core/verify/exit-code';
import { verificationResultSchema } from '../../preload/contract';
import type { OrgSettings } from '../../main/core/model';
import type { CheckResult, VerificationResult } from '../../main/core/verify/types';
import { createOktaApi, createOktaApiState, type OktaApiState } from '../servers/okta-api';
import { startOktaServer, type OktaTestServer } from '../servers/okta-server';
import {
  createSalesforceApi,
  createSalesforceApiState,
  type SalesforceApiState,
} from '../servers/salesforce-api';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import { HAS_KEYCHAIN, MemoryVault } from '../helpers/keychain';

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const SF_CLIENT = 'pkce-pilot-sf';
const OKTA_CLIENT = 'pkce-pilot-okta';
const OKTA_DPOP_CLIENT = 'pkce-pilot-okta-dpop';
const REDIRECT = 'http://127.0.0.1:7171/oauth/callback';
const OKTA_CALLBACK = 'https://system-admin.okta.com/admin/app/generic/oauth20redirect';
const ALIAS = 'acme';
const DAY = 24 * 60 * 60 * 1000;
const http = createHttpClient({ timeoutMs: 10_000 });

let sf: SalesforceTestServer;
let okta: OktaTestServer;
const sfState: { current: SalesforceApiState } = { current: createSalesforceApiState() };
const oktaState: { current: OktaApiState } = { current: createOktaApiState() };

function baseOf(provider: ProviderId): string {
  return provider === 'salesforce' ? sf.url : okta.url;
}

async function signIn(
  provider: ProviderId,
  scope: string,
  clientId = provider === 'salesforce' ? SF_CLIENT : OKTA_CLIENT,
): Promise<TokenSet> {
  const endpoints = endpointsFor(provider, baseOf(provider));
  const verifier = createCodeVerifier();
  const url = new URL(endpoints.authorizationEndpoint);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope,
    state: createState(),
    code_challenge: codeChallengeS256(verifier),
    code_challenge_method: 'S256',
  }).toString();
  const callback = new URL(
    await completeAuthorizationWithFetch(url.toString(), { login: 'admin@acme.test' }),
  );
  const code = callback.searchParams.get('code');
  if (!code) throw new Error(`no code: ${callback.search}`);
  return exchangeCode({
    provider,
    endpoints,
    clientId,
    http,
    redirectUri: REDIRECT,
    code,
    verifier,
    dpop: clientId === OKTA_DPOP_CLIENT,
  });
}

interface Setup {
  vault: MemoryVault;
  service: TokenService;
  refreshCalls: number;
}

async function setUp(opts: { okta?: boolean; oktaScope?: string; oktaClient?: string } = {}): Promise<Setup> {
  const vault = new MemoryVault();
  const setup: Setup = {
    vault,
    refreshCalls: 0,
    service: new TokenService({
      secretStore: vault,
      refresh: (_alias, provider, tokens) => {
        setup.refreshCalls++;
        const clientId = provider === 'salesforce' ? SF_CLIENT : (opts.oktaClient ?? OKTA_CLIENT);
        return refreshTokens({
          provider,
          endpoints: endpointsFor(provider, baseOf(provider)),
          clientId,
          http,
          tokens,
        });
      },
    }),
  };
  await vault.set(ALIAS, 'salesforce', await signIn('salesforce', 'api refresh_token id'));
  if (opts.okta !== false)
    await vault.set(
      ALIAS,
      'okta',
      await signIn(
        'okta',
        opts.oktaScope ?? 'openid offline_access okta.apps.read okta.logs.read',
        opts.oktaClient,
      ),
    );
  return setup;
}

const sleeps: number[] = [];
async function verify(
  setup: Setup,
  extra: { timeoutMs?: number; org?: OrgSettings } = {},
): Promise<VerificationResult> {
  const result = await runVerification({
    alias: ALIAS,
    tokenService: setup.service,
    http,
    now: () => new Date(),
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...extra,
  });
  assertNoUnprovenPass(result);
  assertNoSecrets(result, setup);
  assertNextStepForUnknowns(result);
  // The shape the app's IPC contract accepts, whatever the servers said (summaries capped where built).
  expect(() => verificationResultSchema.parse(result)).not.toThrow();
  return result;
}

/** What an unknown check must name: the step, permission or scope that lets it run. */
const NEXT_STEP =
  /to allow the check|sign in again|pkce-pilot (login|verify)|push a test update|confirm .*(yourself|in App Manager)|try again|verify again|re-authenticate/i;

/** Every unknown says what to do next, in its summary and in its troubleshooting text. */
function assertNextStepForUnknowns(result: VerificationResult): void {
  for (const c of result.checks) {
    if (c.status !== 'unknown') continue;
    expect(c.summary, `${c.id} unknown without a next step`).toMatch(NEXT_STEP);
    const advice = adviceForCheck(c, result.org);
    expect(advice?.explanation, `${c.id} advice`).toMatch(
      /^Could not check: .*(to allow the check|sign in again|try again)/i,
    );
  }
}

/** "No fail for a done step": none of these checks may fail in a world where their step is done. */
function assertNoFail(result: VerificationResult, ids: readonly CheckResult['id'][]): void {
  for (const id of ids) expect(check(result, id).status, `${id} failed for a done step`).not.toBe('fail');
}

function check(result: VerificationResult, id: CheckResult['id']): CheckResult {
  const c = result.checks.find((x) => x.id === id);
  if (!c) throw new Error(`missing check ${id}`);
  return c;
}

function statuses(result: VerificationResult): Record<string, string> {
  return Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
}

/** The invariant of the whole matrix: a 'pass' always rests on values actually read. */
function assertNoUnprovenPass(result: VerificationResult): void {
  for (const c of result.checks) {
    if (c.status !== 'pass') continue;
    const values = Object.values(c.evidence.values);
    expect(values.length, `${c.id} passed without evidence`).toBeGreaterThan(0);
    expect(
      values.some((v) => v !== null && !(Array.isArray(v) && v.length === 0)),
      `${c.id} passed on empty evidence`,
    ).toBe(true);
    expect(Number.isNaN(Date.parse(c.evidence.at))).toBe(false);
  }
}

function assertNoSecrets(result: VerificationResult, setup: Setup): void {
  const text = JSON.stringify(result);
  const secrets = [
    ...sf.issuedTokens(),
    ...okta.issuedTokens(),
    ...[...setup.vault.items.values()].flatMap((t) => [t.accessToken, t.refreshToken ?? '']),
  ];
  for (const s of secrets) if (s.length >= 8) expect(text.includes(s)).toBe(false);
}

function goodSalesforce(now = Date.now()): SalesforceApiState {
  return createSalesforceApiState({
    orgPkceRequired: true,
    connectedApps: [
      {
        fullName: 'Workbench',
        label: 'Workbench',
        callbackUrl: 'https://workbench.example.com/callback',
        isPkceRequired: false,
      },
      {
        fullName: 'Okta_Provisioning',
        label: 'Okta Provisioning',
        callbackUrl: `https://login.example.com/cb\n${OKTA_CALLBACK}`,
        isPkceRequired: true,
        // "Require PKCE" was ticked 3 days ago; Okta re-authenticated 2 days ago (token below).
        lastModifiedDate: new Date(now - 3 * DAY).toISOString(),
      },
    ],
    oauthTokens: [
      {
        AppName: 'Okta Provisioning',
        UserId: '005000000000001AAA',
        CreatedDate: new Date(now - 2 * DAY).toISOString(),
        LastUsedDate: new Date(now - 3_600_000).toISOString(),
        UseCount: 42,
      },
      {
        AppName: 'Workbench',
        UserId: '005000000000002AAA',
        CreatedDate: new Date(now - DAY).toISOString(),
        LastUsedDate: null,
        UseCount: 1,
      },
    ],
  });
}

function goodOkta(): OktaApiState {
  return createOktaApiState({
    apps: [
      {
        id: '0oaSF1',
        name: 'salesforce',
        label: 'Salesforce.com',
        status: 'ACTIVE',
        instanceType: 'PRODUCTION',
        // settings.app.loginUrl: the org's My Domain (here the test server's own address).
        loginUrl: sf.url,
        features: ['PUSH_NEW_USERS', 'PUSH_PROFILE_UPDATES', 'PUSH_USER_DEACTIVATION'],
      },
      {
        id: '0oaSF2',
        name: 'salesforce',
        label: 'Salesforce Old Sandbox',
        status: 'INACTIVE',
        instanceType: 'SANDBOX',
      },
    ],
    // Provisioning works again: a user push succeeded an hour ago (after the re-authentication).
    logs: [provisionEvent('0oaSF1', 3_600_000, 'ok1', 'application.provision.user.push', 'SUCCESS')],
  });
}

/**
 * A System Log event of Okta's provisioning (LogEvent shape: System Log API; event types from Okta's
 * "Provisioning integration error events" / event-types catalog). Target: the AppInstance.
 */
function provisionEvent(
  appId: string,
  agoMs: number,
  uuid: string,
  eventType: string,
  result: 'SUCCESS' | 'FAILURE',
  reason?: string,
) {
  return {
    uuid,
    published: new Date(Date.now() - agoMs).toISOString(),
    eventType,
    displayMessage:
      result === 'SUCCESS' ? 'Push user to external application' : 'Push user to external application failed',
    outcome: reason ? { result, reason } : { result },
    targetIds: [appId],
  };
}

function authFailure(appId: string, agoMs: number, uuid: string) {
  return {
    uuid,
    published: new Date(Date.now() - agoMs).toISOString(),
    eventType: 'application.integration.authentication_failure',
    displayMessage: 'Authentication of an app integration failed',
    outcome: {
      result: 'FAILURE',
      reason: 'The credentials used to connect to the API were invalid; please check your configuration',
    },
    targetIds: [appId],
  };
}

beforeAll(async () => {
  sf = await startSalesforceServer({
    autoConsent: true,
    apiHandler: (req, res, auth) => createSalesforceApi(sfState.current)(req, res, auth),
  });
  okta = await startOktaServer({
    autoConsent: true,
    apiHandler: (req, res, auth) => createOktaApi(oktaState.current)(req, res, auth),
  });
  await sf.registerClient({ clientId: SF_CLIENT, redirectUris: [REDIRECT] });
  await okta.registerClient({ clientId: OKTA_CLIENT, redirectUris: [REDIRECT] });
  await okta.registerClient({ clientId: OKTA_DPOP_CLIENT, redirectUris: [REDIRECT], dpopRequired: true });
});
afterAll(async () => {
  await sf?.close();
  await okta?.close();
});
beforeEach(() => {
  sf.clearFaults();
  okta.clearFaults();
  sf.setRotation(true);
  sfState.current = goodSalesforce();
  oktaState.current = goodOkta();
  sleeps.length = 0;
});

describe('verification matrix (end to end)', () => {
  it('everything migrated: every provable check passes, the Okta checkbox stays manual', async () => {
    const setup = await setUp();
    const sfBefore = sf.requests.length;
    const oktaBefore = okta.requests.length;
    const result = await verify(setup);
    // The whole cost of one org's verify in a world where everything passes (bench budgets rest on it):
    // Salesforce: identity URL, readMetadata(OauthOidc), listMetadata + readMetadata(ConnectedApp),
    // listMetadata(ExtlClntAppGlobalOauthSettings), SOQL OauthToken, SOQL PermissionSetAssignment;
    // Okta: apps, System Log for the one active instance.
    const sfRequests = sf.requests.slice(sfBefore).map((r) => `${r.method} ${r.path}`);
    const oktaRequests = okta.requests.slice(oktaBefore).map((r) => `${r.method} ${r.path}`);
    expect(sfRequests.length, sfRequests.join('\n')).toBe(7);
    expect(oktaRequests, oktaRequests.join('\n')).toEqual(['GET /api/v1/apps', 'GET /api/v1/logs']);
    expect(statuses(result)).toEqual({
      'salesforce.signin.pkce': 'pass',
      'salesforce.org.pkce-required': 'pass',
      'salesforce.okta-app.found': 'pass',
      'salesforce.okta-app.pkce-required': 'pass',
      'salesforce.okta-app.tokens': 'pass',
      'okta.salesforce-app.found': 'pass',
      'okta.provisioning.auth-failures': 'pass',
      'okta.provisioning.recent-success': 'pass',
      'okta.provisioning.pkce-enabled': 'manual',
    });
    expect(result.org).toBe(ALIAS);
    // Every check carries `required` from the catalogue; only the org-wide setting is optional.
    expect(Object.fromEntries(result.checks.map((c) => [c.id, c.required]))).toEqual({
      'salesforce.signin.pkce': true,
      'salesforce.org.pkce-required': false,
      'salesforce.okta-app.found': true,
      'salesforce.okta-app.pkce-required': true,
      'salesforce.okta-app.tokens': true,
      'okta.salesforce-app.found': true,
      'okta.provisioning.auth-failures': true,
      'okta.provisioning.recent-success': true,
      'okta.provisioning.pkce-enabled': true,
    });
    expect(check(result, 'salesforce.okta-app.found').evidence.values.apps).toEqual([
      'Okta Provisioning (Okta_Provisioning)',
    ]);
    expect(check(result, 'salesforce.signin.pkce').evidence.values.loginHost).toBe(new URL(sf.url).host);
    expect(check(result, 'salesforce.okta-app.tokens').evidence.values.tokens).toBe(1);
    expect(check(result, 'okta.salesforce-app.found').evidence.values.active).toEqual([
      `Salesforce.com [PRODUCTION, ${new URL(sf.url).host}]`,
    ]);
    expect(sf.leaks).toEqual([]);
    expect(okta.leaks).toEqual([]);
    expect(setup.refreshCalls).toBe(0);

    // Reports of a real run never contain a token value.
    const org = {
      alias: ALIAS,
      salesforce: { baseUrl: sf.url, clientId: SF_CLIENT, redirect: 'loopback' as const, port: 7171 },
      okta: { baseUrl: okta.url, clientId: OKTA_CLIENT, redirect: 'loopback' as const, port: 7171 },
      createdAt: result.checkedAt,
      updatedAt: result.checkedAt,
    };
    const report = buildReport({ org, progress: {}, lastVerification: result, now: new Date() });
    const secrets = [
      ...sf.issuedTokens(),
      ...okta.issuedTokens(),
      ...[...setup.vault.items.values()].flatMap((t) => [t.accessToken, t.refreshToken ?? '']),
    ].filter((s) => s.length >= 8);
    expect(secrets.length).toBeGreaterThan(3);
    for (const format of ['md', 'html', 'json'] as const) {
      const text = renderReport(report, format);
      expect(text).toContain('Okta Provisioning');
      for (const s of secrets) expect(text.includes(s), `${format} report contains a token`).toBe(false);
    }
  });

  it('Okta app without Require PKCE: app check fails, tokens prove nothing', async () => {
    must(sfState.current.connectedApps[1]).isPkceRequired = false;
    const result = await verify(await setUp());
    expect(check(result, 'salesforce.okta-app.pkce-required').status).toBe('fail');
    expect(check(result, 'salesforce.okta-app.pkce-required').summary).toContain('Okta Provisioning');
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('unknown');
  });

  it('org-wide PKCE off → fail; field absent → unknown', async () => {
    sfState.current.orgPkceRequired = false;
    const setup = await setUp({ okta: false });
    expect(check(await verify(setup), 'salesforce.org.pkce-required').status).toBe('fail');
    delete sfState.current.orgPkceRequired;
    expect(check(await verify(setup), 'salesforce.org.pkce-required').status).toBe('unknown');
  });

  it("no app with Okta's callback → found fails, PKCE and tokens unknown", async () => {
    sfState.current.connectedApps = sfState.current.connectedApps.slice(0, 1);
    const result = await verify(await setUp({ okta: false }));
    expect(check(result, 'salesforce.okta-app.found').status).toBe('fail');
    expect(check(result, 'salesforce.okta-app.pkce-required').status).toBe('unknown');
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('unknown');
  });

  it('reads many Connected Apps in batches of 10', async () => {
    for (let i = 0; i < 23; i++)
      sfState.current.connectedApps.push({
        fullName: `App${i}`,
        callbackUrl: `https://app${i}.example.com/cb`,
        isPkceRequired: true,
      });
    const result = await verify(await setUp({ okta: false }));
    expect(check(result, 'salesforce.okta-app.found').status).toBe('pass');
    expect(sfState.current.calls.filter((c) => c.startsWith('readMetadata:ConnectedApp'))).toEqual([
      'readMetadata:ConnectedApp:10',
      'readMetadata:ConnectedApp:10',
      'readMetadata:ConnectedApp:5',
    ]);
  });

  it('unreadable metadata (SOAP INSUFFICIENT_ACCESS) → unknown naming the permission, never pass', async () => {
    sfState.current.faults.connectedApps = {
      code: 'INSUFFICIENT_ACCESS',
      message: 'insufficient access rights on cross-reference id',
    };
    sfState.current.faults.orgSettings = { code: 'INSUFFICIENT_ACCESS', message: 'no access' };
    const result = await verify(await setUp({ okta: false }));
    for (const id of [
      'salesforce.org.pkce-required',
      'salesforce.okta-app.found',
      'salesforce.okta-app.pkce-required',
      'salesforce.okta-app.tokens',
    ] as const) {
      expect(check(result, id).status, id).toBe('unknown');
    }
    expect(check(result, 'salesforce.okta-app.found').summary).toMatch(
      /INSUFFICIENT_ACCESS.*Modify Metadata/,
    );
  });

  it('Okta app as an External Client App: readable → pass; settings unreadable → unknown naming the permission', async () => {
    sfState.current.connectedApps = [];
    sfState.current.externalClientApps = [
      {
        fullName: 'Okta_ECA_glbloauth',
        externalClientApplication: 'Okta_ECA',
        callbackUrl: OKTA_CALLBACK,
        isPkceRequired: true,
      },
    ];
    must(sfState.current.oauthTokens[0]).AppName = 'Okta_ECA';
    const setup = await setUp({ okta: false });
    let result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.found').status).toBe('pass');
    expect(check(result, 'salesforce.okta-app.pkce-required').status).toBe('pass');
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('pass');

    sfState.current.faults.externalClientApps = {
      code: 'INSUFFICIENT_ACCESS',
      message: 'insufficient access rights',
    };
    result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.found').status).toBe('unknown');
    expect(check(result, 'salesforce.okta-app.pkce-required').status).toBe('unknown');
    expect(check(result, 'salesforce.okta-app.pkce-required').summary).toContain(
      'View all External Client App Settings',
    );
  });

  // Changed by issue 14: a token older than the app's last change is no proof; with every app read and
  // no newer token, that is a fail (it was 'unknown' under the former 7-day rule).
  it('OauthToken: not queryable → unknown; none → fail; only a token older than the change → fail', async () => {
    const setup = await setUp({ okta: false });
    sfState.current.faults.oauthTokenQuery = {
      code: 'INSUFFICIENT_ACCESS',
      message: 'Insufficient Privileges',
    };
    let result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('unknown');
    expect(check(result, 'salesforce.okta-app.tokens').summary).toContain('INSUFFICIENT_ACCESS');

    delete sfState.current.faults.oauthTokenQuery;
    sfState.current.oauthTokens = [];
    result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('fail');

    sfState.current.oauthTokens = [
      {
        AppName: 'Okta Provisioning',
        UserId: '005000000000001AAA',
        CreatedDate: new Date(Date.now() - 40 * DAY).toISOString(),
        LastUsedDate: new Date().toISOString(),
        UseCount: 900,
      },
    ];
    result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('fail');
  });

  it('HTML instead of data, and a hanging server, give unknown — not a crash', async () => {
    const setup = await setUp({ okta: false });
    sf.injectFault('api', { kind: 'html' }, { times: Infinity });
    let result = await verify(setup);
    for (const id of [
      'salesforce.org.pkce-required',
      'salesforce.okta-app.found',
      'salesforce.okta-app.pkce-required',
    ] as const)
      expect(check(result, id).status, id).toBe('unknown');
    expect(check(result, 'salesforce.signin.pkce').status).toBe('pass');

    sf.clearFaults();
    sf.injectFault('api', { kind: 'hang' }, { times: 1 });
    result = await verify(setup, { timeoutMs: 1_000 });
    expect(check(result, 'salesforce.org.pkce-required').status).toBe('unknown');
    expect(check(result, 'salesforce.org.pkce-required').summary).toMatch(/did not answer/);
    expect(check(result, 'salesforce.okta-app.found').status).toBe('pass');
  });

  it('expired Salesforce access token: one refresh through TokenService, rotated refresh token persisted, checks pass', async () => {
    const setup = await setUp({ okta: false });
    const before = must(await setup.vault.get(ALIAS, 'salesforce'));
    await setup.vault.set(ALIAS, 'salesforce', { ...before, accessToken: 'expired-access-token-value' });
    const result = await verify(setup);
    expect(setup.refreshCalls).toBe(1);
    const after = must(await setup.vault.get(ALIAS, 'salesforce'));
    expect(after.refreshToken).toBeTruthy();
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(after.accessToken).not.toBe('expired-access-token-value');
    expect(check(result, 'salesforce.okta-app.found').status).toBe('pass');
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('pass');
    expect(sf.tokenRequestCount('refresh_token')).toBeGreaterThanOrEqual(1);
  });

  it('Okta: no Salesforce app → fail; failures in the log → fail with count and reason; old or other-app failures → pass', async () => {
    const setup = await setUp();
    oktaState.current.apps = [];
    let result = await verify(setup);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('fail');
    expect(check(result, 'okta.provisioning.auth-failures').status).toBe('unknown');

    oktaState.current = goodOkta();
    oktaState.current.maxPageSize = 1; // forces Link paging
    oktaState.current.logs = [
      authFailure('0oaSF1', DAY, 'e1'),
      authFailure('0oaSF1', 2 * DAY, 'e2'),
      authFailure('0oaSF1', 3 * DAY, 'e3'),
      authFailure('0oaOther', DAY, 'e4'),
      authFailure('0oaSF1', 9 * DAY, 'e5'),
    ];
    result = await verify(setup);
    const failures = check(result, 'okta.provisioning.auth-failures');
    expect(failures.status).toBe('fail');
    expect(failures.evidence.values.failures).toBe(3);
    expect(failures.summary).toContain('credentials used to connect to the API were invalid');
    expect(oktaState.current.calls.filter((c) => c.startsWith('logs page')).length).toBe(3);
    expect(check(result, 'okta.provisioning.pkce-enabled').status).toBe('manual');

    oktaState.current.logs = [authFailure('0oaOther', DAY, 'e4'), authFailure('0oaSF1', 9 * DAY, 'e5')];
    result = await verify(setup);
    expect(check(result, 'okta.provisioning.auth-failures').status).toBe('pass');
  });

  it('Okta 403 (role or scope missing) → unknown naming the scope', async () => {
    const setup = await setUp();
    oktaState.current.faults.forbidden = { logs: true };
    let result = await verify(setup);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('pass');
    expect(check(result, 'okta.provisioning.auth-failures').status).toBe('unknown');
    expect(check(result, 'okta.provisioning.auth-failures').summary).toContain('okta.logs.read');

    const noLogsScope = await setUp({ oktaScope: 'openid offline_access okta.apps.read' });
    oktaState.current = goodOkta();
    result = await verify(noLogsScope);
    expect(check(result, 'okta.provisioning.auth-failures').summary).toMatch(
      /lacks the okta\.logs\.read scope/,
    );
  });

  it('Okta 429: waits until X-Rate-Limit-Reset (injected sleep) and retries; a reset beyond the cap → unknown', async () => {
    const setup = await setUp();
    oktaState.current.faults.rateLimit = { times: 1, resetEpochSeconds: Math.floor(Date.now() / 1000) + 5 };
    let result = await verify(setup);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('pass');
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(3_000);
    expect(sleeps[0]).toBeLessThanOrEqual(6_250);

    oktaState.current.faults.rateLimit = { times: 1, resetEpochSeconds: Math.floor(Date.now() / 1000) + 600 };
    result = await verify(setup);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('unknown');
    expect(check(result, 'okta.salesforce-app.found').summary).toMatch(/rate limit/);
  });

  it('expired Okta access token: 401 → one refresh → checks pass', async () => {
    const setup = await setUp();
    const before = must(await setup.vault.get(ALIAS, 'okta'));
    await setup.vault.set(ALIAS, 'okta', { ...before, accessToken: 'expired-okta-access-token' });
    const result = await verify(setup);
    expect(setup.refreshCalls).toBe(1);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('pass');
    expect(must(await setup.vault.get(ALIAS, 'okta')).accessToken).not.toBe('expired-okta-access-token');
  });

  it('DPoP-bound Okta tokens: API calls carry `DPoP <token>` and a valid proof; expired token refreshes with DPoP', async () => {
    const setup = await setUp({ oktaClient: OKTA_DPOP_CLIENT });
    const tokens = must(await setup.vault.get(ALIAS, 'okta'));
    expect(tokens.tokenType).toBe('DPoP');
    oktaState.current.logs = [authFailure('0oaSF1', DAY, 'e1')];
    let result = await verify(setup);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('pass');
    expect(check(result, 'okta.provisioning.auth-failures').status).toBe('fail');
    expect(oktaState.current.calls.filter((c) => c === 'dpop ok').length).toBe(2);
    expect(oktaState.current.calls.some((c) => c.startsWith('401 dpop'))).toBe(false);

    await setup.vault.set(ALIAS, 'okta', { ...tokens, accessToken: 'expired-dpop-access-token' });
    result = await verify(setup);
    expect(setup.refreshCalls).toBe(1);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('pass');
  });

  it('not signed in to Okta, or Okta not configured → Okta checks unknown saying so', async () => {
    const setup = await setUp({ okta: false });
    let result = await verify(setup);
    expect(check(result, 'okta.salesforce-app.found').status).toBe('unknown');
    expect(check(result, 'okta.salesforce-app.found').summary).toMatch(
      /Okta not configured or not signed in/,
    );
    expect(check(result, 'okta.provisioning.pkce-enabled').status).toBe('manual');
    const org = {
      alias: ALIAS,
      salesforce: { baseUrl: sf.url, clientId: SF_CLIENT, redirect: 'loopback' as const, port: 7171 },
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    };
    result = await runVerification({ alias: ALIAS, org, tokenService: setup.service, http });
    // Wording changed by issue 14/9: unknown says "could not check" and the command that allows it.
    expect(check(result, 'okta.salesforce-app.found').summary).toMatch(
      /Could not check: Okta is not configured for this org.*pkce-pilot login acme --okta/,
    );
    assertNoUnprovenPass(result);
  });

  it('not signed in to Salesforce → every Salesforce check unknown', async () => {
    const service = new TokenService({
      secretStore: new MemoryVault(),
      refresh: () => Promise.reject(new Error('unused')),
    });
    const result = await runVerification({ alias: ALIAS, tokenService: service, http });
    expect(result.checks.filter((c) => c.id.startsWith('salesforce.')).map((c) => c.status)).toEqual([
      'unknown',
      'unknown',
      'unknown',
      'unknown',
      'unknown',
    ]);
    assertNoUnprovenPass(result);
  });
});

/**
 * Issue 14: orgs shaped like real customers'. Each fixture cites the documentation it follows.
 */
describe('verification matrix: real orgs (issue 14)', () => {
  const REQUIRED_DONE: CheckResult['id'][] = [
    'salesforce.signin.pkce',
    'salesforce.okta-app.found',
    'salesforce.okta-app.pkce-required',
    'salesforce.okta-app.tokens',
    'okta.salesforce-app.found',
    'okta.provisioning.auth-failures',
  ];
  const orgWith = (okta?: string): OrgSettings => ({
    alias: ALIAS,
    salesforce: { baseUrl: sf.url, clientId: SF_CLIENT, redirect: 'loopback', port: 7171 },
    ...(okta
      ? { okta: { baseUrl: okta, clientId: OKTA_CLIENT, redirect: 'loopback' as const, port: 7171 } }
      : {}),
    createdAt: new Date().toISOString(),
    updatedAt: new Date().toISOString(),
  });
  const oktaApp = () => must(sfState.current.connectedApps[1]);

  // Okta's callback is https://system-admin.<okta domain>/admin/app/generic/oauth20redirect (Okta's
  // Salesforce provisioning guide); each cell has its own domain. Callback URLs: one per line (Salesforce
  // Help, "Create a Connected App": Callback URL).
  it.each([
    ['okta-emea.com', 'https://system-admin.okta-emea.com/admin/app/generic/oauth20redirect'],
    ['oktapreview.com', 'https://system-admin.oktapreview.com/admin/app/generic/oauth20redirect'],
    ['okta-gov.com', 'https://system-admin.okta-gov.com/admin/app/generic/oauth20redirect'],
    ['okta.mil', 'https://system-admin.okta.mil/admin/app/generic/oauth20redirect'],
    ['upper case, trailing slash', 'https://System-Admin.OKTA.com/admin/app/generic/oauth20redirect/'],
  ])('Okta cell %s: the app is found and judged, no fail for a done step', async (_cell, url) => {
    oktaApp().callbackUrl = `https://login.example.com/cb\n${url}\nmyapp://callback`;
    const result = await verify(await setUp());
    expect(check(result, 'salesforce.okta-app.found').status).toBe('pass');
    assertNoFail(result, REQUIRED_DONE);
    expect(verifyExitCode([result])).toBe(0);
  });

  it("look-alike callbacks are not Okta's; the org's own (white-labelled) Okta domain is, when configured", async () => {
    oktaApp().callbackUrl = [
      'https://evil.example/system-admin.okta.com/admin/app/generic/oauth20redirect',
      'https://system-admin.okta.com.evil.example/admin/app/generic/oauth20redirect',
    ].join('\n');
    const setup = await setUp();
    let result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.found').status).toBe('fail');
    expect(verifyExitCode([result])).toBe(1);

    oktaApp().callbackUrl = 'https://system-admin.idp.acme.example/admin/app/generic/oauth20redirect';
    result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.found').status).toBe('fail');
    result = await verify(setup, { org: orgWith('https://login.idp.acme.example') });
    expect(check(result, 'salesforce.okta-app.found').status).toBe('pass');
  });

  // Okta's current guide creates an External Client App; older setups keep a Connected App. OauthToken
  // .AppName is the app's label (Object Reference: OauthToken); the ECA label lives on the
  // ExternalClientApplication header (Metadata API: ExternalClientApplication.label).
  it('a Connected App and an External Client App both carry the callback: each judged, the one without PKCE named', async () => {
    const now = Date.now();
    sfState.current.externalClientApps = [
      {
        fullName: 'Okta_New_glbloauth',
        externalClientApplication: 'Okta_New',
        label: 'Okta Provisioning (new)',
        callbackUrl: OKTA_CALLBACK,
        isPkceRequired: false,
        lastModifiedDate: new Date(now - 30 * DAY).toISOString(),
      },
    ];
    sfState.current.oauthTokens.push({
      AppName: 'Okta Provisioning (new)',
      UserId: '005000000000009AAA',
      CreatedDate: new Date(now - 20 * DAY).toISOString(),
      LastUsedDate: new Date(now - 19 * DAY).toISOString(),
      UseCount: 3,
    });
    const setup = await setUp();
    let result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.found').summary).toMatch(/2 apps carry Okta's callback/);
    const pkce = check(result, 'salesforce.okta-app.pkce-required');
    expect(pkce.status).toBe('fail');
    expect(pkce.summary).toContain('External Client App Okta Provisioning (new) (Okta_New_glbloauth)');
    expect(pkce.summary).toMatch(/last used .*Z/);
    expect(pkce.summary).toMatch(/if it is unused, remove it/);
    expect(pkce.summary).not.toContain('Connected App Okta Provisioning (Okta_Provisioning)');
    expect(verifyExitCode([result])).toBe(1);

    must(sfState.current.externalClientApps[0]).isPkceRequired = true;
    result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.pkce-required').status).toBe('pass');
    expect(check(result, 'salesforce.okta-app.pkce-required').summary).toMatch(/all 2 apps/);
  });

  it('ECA tokens are found by the label read from the ECA header; header unreadable → unknown, never "no token"', async () => {
    const now = Date.now();
    sfState.current.connectedApps = sfState.current.connectedApps.slice(0, 1);
    sfState.current.externalClientApps = [
      {
        fullName: 'Okta_ECA_glbloauth',
        externalClientApplication: 'Okta_ECA',
        label: 'Okta Salesforce Provisioning',
        callbackUrl: OKTA_CALLBACK,
        isPkceRequired: true,
        lastModifiedDate: new Date(now - 3 * DAY).toISOString(),
      },
    ];
    must(sfState.current.oauthTokens[0]).AppName = 'Okta Salesforce Provisioning';
    const setup = await setUp();
    let result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('pass');
    expect(sfState.current.calls).toContain('readMetadata:ExternalClientApplication:1');

    sfState.current.faults.ecaHeaders = {
      code: 'INSUFFICIENT_ACCESS',
      message: 'insufficient access rights',
    };
    result = await verify(setup);
    const tokens = check(result, 'salesforce.okta-app.tokens');
    expect(tokens.status).toBe('unknown');
    expect(tokens.summary).toMatch(/label .* could not be read/);
  });

  // FileProperties.lastModifiedDate (Metadata API: listMetadata) dates the app's last change; a token
  // (OauthToken.CreatedDate) older than that change predates "Require PKCE".
  it("Okta's app edited after its last token: no pass; both dates named; a newer token passes", async () => {
    const now = Date.now();
    oktaApp().lastModifiedDate = new Date(now - DAY).toISOString();
    const setup = await setUp();
    let result = await verify(setup);
    const tokens = check(result, 'salesforce.okta-app.tokens');
    expect(tokens.status).toBe('fail');
    expect(tokens.summary).toContain(oktaApp().lastModifiedDate as string);
    expect(tokens.summary).toContain(must(sfState.current.oauthTokens[0]).CreatedDate);
    expect(tokens.summary).toMatch(/re-authenticate with Salesforce\.com/);
    // recent-success measures from the re-authentication it can prove: none proven → from the last failure.
    expect(check(result, 'okta.provisioning.recent-success').evidence.values.reauthenticatedAt).toBeNull();

    sfState.current.oauthTokens.push({
      AppName: 'Okta Provisioning',
      UserId: '005000000000001AAA',
      CreatedDate: new Date(now - 3_600_000 * 2).toISOString(),
      LastUsedDate: new Date(now - 3_600_000).toISOString(),
      UseCount: 5,
    });
    result = await verify(setup);
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('pass');
  });

  // Okta help "Provisioning integration error events": errors arrive under push/profile/deactivate and
  // integration types with outcome.result FAILURE, not only application.integration.authentication_failure.
  it.each([
    [
      'application.provision.user.push',
      'The credentials used to connect to the API were invalid; please check your configuration',
      1,
    ],
    ['application.provision.user.push_profile', 'invalid_grant: expired access/refresh token', 1],
    ['application.provision.user.deactivate', 'Required field missing: LastName', 0],
    ['application.integration.general_failure', 'Unexpected error from Salesforce', 0],
    ['application.configuration.update', 'Could not validate the credentials', 1],
  ])('failure under %s → fail, classified', async (eventType, reason, credential) => {
    oktaState.current.logs = [
      provisionEvent('0oaSF1', 2 * 3_600_000, 'f1', eventType, 'FAILURE', reason),
      provisionEvent('0oaSF1', 3 * 3_600_000, 'ok0', 'application.provision.user.push', 'SUCCESS'),
    ];
    const result = await verify(await setUp());
    const failures = check(result, 'okta.provisioning.auth-failures');
    expect(failures.status).toBe('fail');
    expect(failures.summary).toContain(eventType);
    expect(failures.evidence.values.credentialFailures).toBe(credential);
    // No success after the failure: recent-success cannot pass, and names the next step.
    expect(check(result, 'okta.provisioning.recent-success').status).toBe('unknown');
    expect(check(result, 'okta.provisioning.recent-success').summary).toMatch(/push a test update/);
  });

  // One Okta org, several Salesforce instances (Okta Applications API: settings.app.instanceType and
  // loginUrl of the Salesforce app): this org is judged by its own instance only.
  it("production and sandbox in one Okta org: another instance's failures are information, not this org's verdict", async () => {
    oktaState.current.apps.push({
      id: '0oaSB1',
      name: 'salesforce',
      label: 'Salesforce UAT',
      status: 'ACTIVE',
      instanceType: 'SANDBOX',
      loginUrl: 'https://acme--uat.sandbox.my.salesforce.com',
      features: ['PUSH_NEW_USERS'],
    });
    oktaState.current.logs.push(
      provisionEvent(
        '0oaSB1',
        3_600_000,
        'sb1',
        'application.integration.authentication_failure',
        'FAILURE',
        'invalid_grant',
      ),
    );
    const setup = await setUp();
    const logsBefore = okta.requests.filter((r) => r.path === '/api/v1/logs').length;
    let result = await verify(setup);
    // Both instances in one System Log query: many Salesforce orgs under one Okta org must not cost
    // a query per instance for each org.
    expect(okta.requests.filter((r) => r.path === '/api/v1/logs').length - logsBefore).toBe(1);
    const failures = check(result, 'okta.provisioning.auth-failures');
    expect(failures.status).toBe('pass');
    expect(failures.summary).toMatch(/other Okta Salesforce instances.*Salesforce UAT/);
    expect(failures.evidence.values.otherInstanceFailures).toBe(1);
    expect(check(result, 'okta.provisioning.recent-success').status).toBe('pass');
    assertNoFail(result, REQUIRED_DONE);

    // Neither instance names this org's host: Okta cannot tell which provisions it → unknown, never fail.
    must(oktaState.current.apps[0]).loginUrl = 'https://login.salesforce.com';
    must(oktaState.current.apps[2]).loginUrl = 'https://login.salesforce.com';
    must(oktaState.current.apps[2]).instanceType = 'PRODUCTION';
    result = await verify(setup);
    expect(check(result, 'okta.provisioning.auth-failures').status).toBe('unknown');
    expect(check(result, 'okta.provisioning.auth-failures').summary).toMatch(
      /2 Okta Salesforce app instances/,
    );
    expect(check(result, 'okta.provisioning.recent-success').status).toBe('unknown');
    expect(verifyExitCode([result])).toBe(0);
    expect(verifyExitCode([result], { strict: true })).toBe(1);
  });

  it('recent success: a push after the last failure passes with its time', async () => {
    oktaState.current.logs = [
      provisionEvent(
        '0oaSF1',
        5 * 3_600_000,
        'f1',
        'application.provision.user.push',
        'FAILURE',
        'The credentials used to connect to the API were invalid',
      ),
      provisionEvent('0oaSF1', 3_600_000, 'ok1', 'application.provision.user.push_profile', 'SUCCESS'),
    ];
    const result = await verify(await setUp());
    const recent = check(result, 'okta.provisioning.recent-success');
    expect(recent.status).toBe('pass');
    expect(recent.summary).toContain(must(oktaState.current.logs[1]).published);
    // The failure still counts for the failures check (no pass with a failure in the window), and the
    // summary says a later push went through.
    expect(check(result, 'okta.provisioning.auth-failures').status).toBe('fail');
    expect(check(result, 'okta.provisioning.auth-failures').summary).toMatch(
      /A later provisioning succeeded/,
    );
  });

  // Salesforce: a revoked refresh token makes the token endpoint answer invalid_grant (OAuth 2.0 RFC
  // 6749 §5.2; Salesforce Help "OAuth 2.0 Refresh Token Flow").
  it('revoked grant: the sign-in check is not pass, and every Salesforce check says "sign in again: `pkce-pilot login acme`"', async () => {
    const setup = await setUp();
    const stored = must(await setup.vault.get(ALIAS, 'salesforce'));
    await setup.vault.set(ALIAS, 'salesforce', {
      ...stored,
      accessToken: 'revoked-access-token-value',
      refreshToken: 'revoked-refresh-token-value',
    });
    const result = await verify(setup);
    for (const c of result.checks.filter((x) => x.id.startsWith('salesforce.'))) {
      expect(c.status, c.id).toBe('unknown');
      expect(c.summary, c.id).toContain('sign in again: `pkce-pilot login acme`');
    }
    expect(verifyExitCode([result])).toBe(0);
    expect(verifyExitCode([result], { strict: true })).toBe(1);
  });

  // "Log in to Salesforce as a System Administrator" is ticked only when PermissionSetAssignment shows
  // Modify All Data + Customize Application (Object Reference: PermissionSet, IsOwnedByProfile).
  it('admin permissions: shown → the step is ticked; not shown → left to the admin', async () => {
    const setup = await setUp();
    let result = await verify(setup);
    expect(check(result, 'salesforce.signin.pkce').evidence.values.systemAdministrator).toBe(true);
    const entry = (r: VerificationResult, id: string) =>
      evidenceEntries(ALIAS, r).find((e) => e.itemId === id);
    expect(entry(result, 'sf.log-in')?.evidence.status).toBe('pass');

    sfState.current.permissionSets = [
      {
        Name: 'X00e_Standard_User',
        IsOwnedByProfile: true,
        PermissionsModifyAllData: false,
        PermissionsCustomizeApplication: false,
      },
      {
        Name: 'Okta_Integration_Viewer',
        IsOwnedByProfile: false,
        PermissionsModifyAllData: false,
        PermissionsCustomizeApplication: true,
      },
    ];
    result = await verify(setup);
    expect(check(result, 'salesforce.signin.pkce').status).toBe('pass');
    expect(check(result, 'salesforce.signin.pkce').evidence.values.systemAdministrator).toBe(false);
    expect(entry(result, 'sf.log-in')?.evidence.status).toBe('manual');
    expect(entry(result, 'prereq.salesforce-system-admin')?.evidence.status).toBe('manual');

    sfState.current.faults.permissionQuery = { code: 'INSUFFICIENT_ACCESS', message: 'no access' };
    result = await verify(setup);
    expect(check(result, 'salesforce.signin.pkce').evidence.values.systemAdministrator).toBeNull();
    expect(entry(result, 'sf.log-in')?.evidence.status).toBe('manual');
  });

  it('long server strings are capped by code points where results are built and never break the result', async () => {
    // Salesforce labels go up to 255 characters; with three of Okta's apps a summary names all three.
    oktaApp().label = `Okta ${'🔐'.repeat(250)}`;
    must(sfState.current.oauthTokens[0]).AppName = oktaApp().label as string;
    for (const n of [2, 3])
      sfState.current.connectedApps.push({
        ...oktaApp(),
        fullName: `Okta_Provisioning_${n}`,
        label: `Okta ${n} ${'🔐'.repeat(248)}`,
      });
    const result = await verify(await setUp());
    const loneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
    for (const c of result.checks) {
      expect(Array.from(c.summary).length, c.id).toBeLessThanOrEqual(600);
      expect(loneSurrogate.test(c.summary), c.id).toBe(false);
    }
    expect(result.checks.some((c) => c.summary.endsWith('…'))).toBe(true);
    expect(check(result, 'salesforce.okta-app.tokens').status).toBe('pass');
  });

  it('the exit-code rule: only a required fail sets 1; the optional org-wide setting never does', async () => {
    sfState.current.orgPkceRequired = false;
    const setup = await setUp();
    let result = await verify(setup);
    expect(check(result, 'salesforce.org.pkce-required')).toMatchObject({ status: 'fail', required: false });
    expect(verifyExitCode([result])).toBe(0);
    // Strict: the manual "PKCE Enabled" check counts only once the admin ticked its step.
    expect(verifyExitCode([result], { strict: true })).toBe(1);
    const ticked = { 'okta.enable-pkce': { done: true, doneBy: 'admin' as const } };
    expect(verifyExitCode([result], { strict: true, progress: () => ticked })).toBe(0);

    oktaApp().isPkceRequired = false;
    result = await verify(setup);
    expect(verifyExitCode([result])).toBe(1);
  });
});

/**
 * The built CLI (bin/pkce-pilot.js → out/main/cli.js) against the same servers, with its tokens in the
 * real keychain (run inside scripts/with-keyring.sh; skipped with that reason otherwise).
 */
const cliBuilt = existsSync(path.resolve(__dirname, '../../out/main/cli.js'));
describe.skipIf(!cliBuilt || !HAS_KEYCHAIN)(
  'verify CLI (built; needs `npm run build` and scripts/with-keyring.sh)',
  () => {
    it('exit codes, --strict, "required" in JSON, first steps when nothing could be checked, no token in any output', async () => {
      const home = mkdtempSync(path.join(tmpdir(), 'pkce-verify-cli-'));
      const alias = `matrix-${Date.now().toString(36)}`;
      const env = { PKCE_PILOT_HOME: home };
      const keychain = new SecretStore();
      const outputs: string[] = [];
      const cli = async (...args: string[]) => {
        const run = await runCliProcess(args, env);
        outputs.push(run.stdout, run.stderr);
        return run;
      };
      try {
        const added = await cli(
          'org',
          'add',
          alias,
          '--login-url',
          sf.url,
          '--client-id',
          SF_CLIENT,
          '--port',
          '7171',
          '--okta-url',
          okta.url,
          '--okta-client-id',
          OKTA_CLIENT,
        );
        expect(added.code, added.stderr).toBe(0);

        // Nothing signed in: nothing could be checked — the first line says what to do, with the commands.
        let run = await cli('verify', alias);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain(
          `Nothing could be checked for ${alias}: not signed in. First run \`pkce-pilot login ${alias}\` (Salesforce), then \`pkce-pilot login ${alias} --okta\` (Okta)`,
        );
        expect((await cli('verify', alias, '--strict')).code).toBe(1);

        // Signed in to both, everything migrated.
        // As the sign-in engine stores them: with the server and client that issued them (token binding).
        const bound = async (provider: ProviderId, scope: string, clientId: string): Promise<TokenSet> => ({
          ...(await signIn(provider, scope)),
          boundTo: bindingFor(provider, {
            baseUrl: baseOf(provider),
            clientId,
            redirect: 'loopback',
            port: 7171,
          }),
        });
        await keychain.set(alias, 'salesforce', await bound('salesforce', 'api refresh_token id', SF_CLIENT));
        await keychain.set(
          alias,
          'okta',
          await bound('okta', 'openid offline_access okta.apps.read okta.logs.read', OKTA_CLIENT),
        );
        run = await cli('verify', alias, '--json');
        expect(run.code, run.stdout).toBe(0);
        const json = JSON.parse(run.stdout) as {
          checks: { id: string; status: string; required: boolean }[];
        };
        expect(json.checks.find((c) => c.id === 'salesforce.org.pkce-required')).toMatchObject({
          status: 'pass',
          required: false,
        });
        expect(json.checks.every((c) => typeof c.required === 'boolean')).toBe(true);
        expect(json.checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual([
          'okta.provisioning.pkce-enabled',
        ]);
        // --strict: the manual "PKCE Enabled" step is not ticked by the admin yet.
        expect((await cli('verify', alias, '--strict')).code).toBe(1);

        // Optional check failing: exit 0; the human output marks it optional.
        sfState.current.orgPkceRequired = false;
        run = await cli('verify', alias);
        expect(run.code, run.stdout).toBe(0);
        expect(run.stdout).toMatch(
          /FAIL +Salesforce requires PKCE for all supported flows \(org-wide, optional\)/,
        );

        // A required check failing: exit 1.
        must(sfState.current.connectedApps[1]).isPkceRequired = false;
        run = await cli('verify', alias);
        expect(run.code, run.stdout).toBe(1);
        expect(run.stdout).toMatch(/FAIL +Okta's Salesforce app requires PKCE: "Require PKCE" is off/);

        const secrets = [...sf.issuedTokens(), ...okta.issuedTokens()].filter((t) => t.length >= 8);
        expect(secrets.length).toBeGreaterThan(2);
        for (const text of outputs) for (const t of secrets) expect(text.includes(t)).toBe(false);
      } finally {
        await keychain.delete(alias, 'salesforce').catch(() => undefined);
        await keychain.delete(alias, 'okta').catch(() => undefined);
        rmSync(home, { recursive: true, force: true });
      }
    }, 60_000);
  },
);
