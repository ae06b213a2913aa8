/**
 * Fuzzing the redirect entry points with >= PKCE_PILOT_FUZZ_RUNS (default 100,000) generated and mutated
 * inputs in total, counted and asserted in the last test:
 *  - custom-scheme redirects through SignInService.handleOsRedirect (the OS hand-off), with a counting
 *    stub token endpoint (bulk) and the real Salesforce-shaped test server (sample);
 *  - second-instance argv (findRedirectInArgv);
 *  - loopback request targets through the loopback's query parser (bulk);
 *  - real HTTP requests against the real loopback listener (test/fuzz/loopback-http.fuzz.test.ts adds
 *    its own count to the same requirement; this file alone already reaches the total).
 * Properties: only PilotError is thrown, every call terminates (fast-check `timeout`), a sign-in completes
 * only for a redirect carrying its pending state, and no token request is made for an invalid redirect.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../main/core/http';
import {
  DEV_SCHEME,
  findRedirectInArgv,
  parseCallbackQuery,
  parseSchemeRedirect,
  schemeRedirectUri,
  isErrorCallback,
} from '../../main/core/auth/redirect';
import { SignInService } from '../../main/core/auth/sign-in';
import {
  completeAuthorizationWithFetch,
  startSalesforceServer,
  type SalesforceTestServer,
} from '../servers/salesforce-server';
import {
  check,
  countingTokenEndpoint,
  expectPilotError,
  memoryVault,
  orgRegistry,
  orgSettings,
  seedOption,
  share,
  stateOf,
  STUB_LOGIN_URL,
  totalRuns,
} from './fuzz-support';
import {
  judgeQuery,
  judgeSchemeRedirect,
  materialize,
  mutationPlan,
  redirectCase,
  CALLBACK,
  type RedirectCase,
} from './redirect-model';

const TOTAL = totalRuns();
const SCHEME = DEV_SCHEME;
/** Upper bound for any single call; a call that does not settle by then counts as a hang. */
const CALL_BOUND_MS = 5_000;
let exercised = 0;

const settled = async <T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> => {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
};

describe('custom-scheme redirects through SignInService.handleOsRedirect (counting stub token endpoint)', () => {
  it('completes only with the pending state, makes no token request otherwise, throws only PilotError', async () => {
    const stub = countingTokenEndpoint();
    const vault = memoryVault();
    const orgs = orgRegistry([
      orgSettings('acme', STUB_LOGIN_URL, 'client-acme', 'scheme', 7171),
      orgSettings('decoy', STUB_LOGIN_URL, 'client-decoy', 'scheme', 7171),
    ]);
    const svc = new SignInService({
      orgs,
      secrets: vault,
      http: stub.http,
      scheme: SCHEME,
      openBrowser: async () => undefined,
    });
    // A second sign-in waits the whole time: no fuzzed redirect may complete or abort it.
    const decoy = await svc.start('decoy', 'salesforce', { openBrowser: false });
    let decoySettled = false;
    decoy.done.then(
      () => (decoySettled = true),
      () => (decoySettled = true),
    );
    const decoyState = stateOf(decoy.authorizationUrl);
    let completions = 0;
    const counts = { complete: 0, 'error-response': 0, malformed: 0, 'other-state': 0 };

    await fc.assert(
      fc.asyncProperty(redirectCase, fc.boolean(), async (c: RedirectCase, pendingExists) => {
        exercised += 1;
        const started = await svc.start('acme', 'salesforce', { openBrowser: false });
        const state = stateOf(started.authorizationUrl);
        // Without a pending sign-in, nothing may complete.
        if (!pendingExists) svc.cancel('acme', 'salesforce');
        const url = materialize(c, { scheme: SCHEME, state, issuer: STUB_LOGIN_URL });
        const expected = judgeSchemeRedirect(url, SCHEME, pendingExists ? state : undefined, STUB_LOGIN_URL);
        counts[expected] += 1;
        const tokensBefore = stub.tokenRequests();

        const result = await settled(svc.handleOsRedirect(url));

        const tokenRequests = stub.tokenRequests() - tokensBefore;
        // Plain checks in the hot loop (vitest's expect costs more than the code under test).
        if (result.ok) {
          check(expected === 'complete', `accepted a redirect the rules refuse (${expected})`);
          check(result.value.alias === 'acme' && result.value.signedIn, 'completed the wrong sign-in');
          check(tokenRequests === 1, `made ${tokenRequests} token requests for one redirect`);
          completions += 1;
        } else {
          expectPilotError(result.error, [
            'redirect-invalid',
            'state-mismatch',
            'oauth-error',
            'signin-cancelled',
          ]);
          check(expected !== 'complete', `refused a valid redirect: ${result.error.code}`);
          check(tokenRequests === 0, 'made a token request for a refused redirect');
          // A forged or malformed redirect leaves the real sign-in waiting; only its own state ends it.
          const stillPending = svc.cancel('acme', 'salesforce');
          check(
            stillPending === (pendingExists && expected !== 'error-response'),
            `pending after ${expected}: ${stillPending}`,
          );
          const outcome = await settled(started.done);
          check(!outcome.ok, 'a refused redirect resolved the sign-in');
        }
        // The decoy state was never in play.
        check(!url.includes(decoyState), 'the decoy state leaked into a generated redirect');
      }),
      { numRuns: share(TOTAL, 0.4), timeout: CALL_BOUND_MS, ...seedOption() },
    );

    expect(decoySettled).toBe(false);
    expect(svc.cancel('decoy', 'salesforce')).toBe(true);
    expect(stub.tokenRequests()).toBe(completions);
    expect(vault.size()).toBe(completions > 0 ? 1 : 0);
    // The generators really reach every outcome (guards against a generator that only makes junk).
    for (const n of Object.values(counts)) expect(n).toBeGreaterThan(0);
  }, 120_000);
});

describe('custom-scheme redirects against the real Salesforce-shaped server (sample)', () => {
  let sf: SalesforceTestServer;
  const CLIENT = 'pkce-pilot-fuzz';
  beforeAll(async () => {
    sf = await startSalesforceServer();
    await sf.registerClient({
      clientId: CLIENT,
      redirectUris: [schemeRedirectUri(SCHEME, 'acme', 'salesforce')],
    });
  });
  afterAll(async () => {
    await sf?.close();
  });

  it('asks the real token endpoint exactly once per accepted redirect, never for a mutated one', async () => {
    const http = createHttpClient({ env: {}, timeoutMs: 5_000 });
    const svc = new SignInService({
      orgs: orgRegistry([orgSettings('acme', sf.url, CLIENT, 'scheme', 7171)]),
      secrets: memoryVault(),
      http,
      scheme: SCHEME,
      openBrowser: async () => undefined,
    });
    let accepted = 0;
    let signedIn = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(mutationPlan, { minLength: 1, maxLength: 8 }), async (plans) => {
        const started = await svc.start('acme', 'salesforce', { openBrowser: false });
        const state = stateOf(started.authorizationUrl);
        const real = await completeAuthorizationWithFetch(started.authorizationUrl, { login: 'ada' });
        const code = new URL(real).searchParams.get('code') ?? '';
        expect(code).not.toBe('');
        let pending: string | undefined = state;
        // Mutations first, then the genuine redirect, then a replay of it.
        const urls = [
          ...plans.map((plan) =>
            materialize({ kind: 'mutated', code, plan }, { scheme: SCHEME, state, issuer: sf.url }),
          ),
          real,
          real,
        ];
        for (const url of urls) {
          exercised += 1;
          const expected = judgeSchemeRedirect(url, SCHEME, pending, sf.url);
          const before = sf.tokenRequestCount('authorization_code');
          const result = await settled(svc.handleOsRedirect(url));
          const asked = sf.tokenRequestCount('authorization_code') - before;
          if (expected === 'complete') {
            // Well-formed with our state: the code goes to the server. A mutated code is the server's to refuse.
            expect(asked).toBe(1);
            accepted += 1;
            if (!result.ok) expectPilotError(result.error, ['oauth-error']);
            if (result.ok) signedIn += 1;
          } else {
            expect(asked).toBe(0);
            expect(result.ok).toBe(false);
            if (!result.ok) expectPilotError(result.error);
          }
          if (expected === 'complete' || expected === 'error-response') pending = undefined;
        }
        svc.cancel('acme', 'salesforce');
        await settled(started.done);
      }),
      { numRuns: Math.max(10, Math.min(60, Math.ceil(TOTAL / 2000))), timeout: 20_000, ...seedOption() },
    );
    expect(signedIn).toBeGreaterThan(0);
    expect(sf.tokenRequestCount('authorization_code')).toBe(accepted);
    expect(sf.leaks).toEqual([]);
  }, 120_000);
});

describe('second-instance argv (findRedirectInArgv)', () => {
  it('returns exactly the one well-formed redirect among the arguments, or nothing; never throws', () => {
    const state = 'S'.repeat(43);
    const arg = fc.oneof(
      fc.constantFrom(
        '/usr/lib/pkce-pilot/pkce-pilot',
        '--no-sandbox',
        '--',
        '.',
        '',
        '--allow-file-access-from-files',
        `--${SCHEME}:/x`,
      ),
      fc.string({ maxLength: 60 }),
      redirectCase.map((c) => materialize(c, { scheme: SCHEME, state, issuer: STUB_LOGIN_URL })),
    );
    fc.assert(
      fc.property(fc.array(arg, { maxLength: 6 }), (argv) => {
        exercised += 1;
        const found = findRedirectInArgv(argv, SCHEME);
        const ours = argv.filter((a) => a.slice(0, SCHEME.length + 1).toLowerCase() === `${SCHEME}:`);
        const wellFormed = ours.filter(
          (a) => judgeSchemeRedirect(a, SCHEME, undefined, STUB_LOGIN_URL) !== 'malformed',
        );
        if (ours.length === 1 && wellFormed.length === 1) {
          check(found === wellFormed[0], 'did not return the one well-formed redirect');
          parseSchemeRedirect(found ?? '', SCHEME); // must not throw
        } else {
          check(found === undefined, `picked ${JSON.stringify(found)} out of ${ours.length} candidates`);
        }
      }),
      { numRuns: share(TOTAL, 0.15), ...seedOption() },
    );
  });
});

describe('loopback request targets through the callback parser (bulk)', () => {
  it('accepts exactly what the rules accept and refuses the rest with redirect-invalid', () => {
    const state = 'T'.repeat(43);
    const target = redirectCase.map((c) => {
      // The same mutations, re-addressed to the loopback form: http://127.0.0.1:port/oauth/callback?…
      const url = materialize(c, { scheme: SCHEME, state, issuer: STUB_LOGIN_URL });
      return url.startsWith(`${SCHEME}:`) ? url.slice(SCHEME.length + 1) : url;
    });
    fc.assert(
      fc.property(target, (t) => {
        exercised += 1;
        let url: URL;
        try {
          url = new URL(t, 'http://127.0.0.1');
        } catch {
          return; // the listener answers 400 before parsing (covered over HTTP)
        }
        if (url.pathname !== CALLBACK) return;
        const expected = judgeQuery(url.search.slice(1), state, STUB_LOGIN_URL);
        try {
          const params = parseCallbackQuery(url.searchParams);
          check(expected !== 'malformed', 'accepted a malformed query');
          check(params.state !== '', 'accepted an empty state');
          check(
            isErrorCallback(params) ? params.error !== '' : params.code !== '',
            'accepted neither code nor error',
          );
        } catch (e) {
          expectPilotError(e, ['redirect-invalid']);
          check(expected === 'malformed', `refused a well-formed query (${expected})`);
        }
      }),
      { numRuns: share(TOTAL, 0.45), ...seedOption() },
    );
  });
});

describe('run size', () => {
  it(`exercised at least ${TOTAL} redirect inputs`, () => {
    expect(exercised).toBeGreaterThanOrEqual(TOTAL);
  });
});
