import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKLIST, findItem } from '../../main/core/checklist/content';
import type { CheckId } from '../../main/core/checklist/types';
import { PilotError } from '../../main/core/errors';
import type { OrgSettings, TokenSet } from '../../main/core/model';
import { ProgressStore } from '../../main/core/storage/progress-store';
import { applyToChecklist, itemEvidence, mapConcurrent, runMany } from '../../main/core/verify/run';
import {
  adviceForCheck,
  adviceForError,
  CHECK_ADVICE,
  KNOWN_ERRORS,
} from '../../main/core/verify/troubleshooting';
import type { CheckResult, CheckStatus, TokenSource, VerificationResult } from '../../main/core/verify/types';

function must<T>(value: T | undefined | null): T {
  if (value === undefined || value === null) throw new Error('expected a value');
  return value;
}

const AT = '2026-06-20T10:00:00.000Z';
const ALL: CheckId[] = [
  'salesforce.signin.pkce',
  'salesforce.org.pkce-required',
  'salesforce.okta-app.found',
  'salesforce.okta-app.pkce-required',
  'salesforce.okta-app.tokens',
  'okta.salesforce-app.found',
  'okta.provisioning.auth-failures',
  'okta.provisioning.recent-success',
  'okta.provisioning.pkce-enabled',
];
const c = (id: CheckId, status: CheckStatus, summary = `${id} ${status}`): CheckResult => ({
  id,
  status,
  summary,
  // The sign-in check's evidence shows the System Administrator permissions in these results.
  evidence: { api: 'test', at: AT, values: { v: 1, systemAdministrator: true } },
});
const result = (statuses: Partial<Record<CheckId, CheckStatus>>): VerificationResult => ({
  org: 'acme',
  checkedAt: AT,
  checks: ALL.map((id) => c(id, statuses[id] ?? 'unknown')),
});

let dir: string;
let store: ProgressStore;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'verify-run-'));
  store = new ProgressStore(dir);
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('itemEvidence', () => {
  it('ticks only when every check of the item passed; the worst check decides otherwise', () => {
    expect(
      itemEvidence([c('salesforce.okta-app.found', 'pass'), c('okta.salesforce-app.found', 'pass')])?.status,
    ).toBe('pass');
    expect(
      itemEvidence([c('salesforce.okta-app.found', 'pass'), c('okta.salesforce-app.found', 'fail')]),
    ).toMatchObject({ status: 'fail', checkId: 'okta.salesforce-app.found' });
    expect(
      itemEvidence([c('salesforce.okta-app.found', 'pass'), c('okta.salesforce-app.found', 'unknown')])
        ?.status,
    ).toBe('unknown');
    expect(itemEvidence([])).toBeUndefined();
  });
});

describe('applyToChecklist (real ProgressStore)', () => {
  it('ticks passed steps with evidence, leaves failed/unknown/manual ones open', async () => {
    const conflicts = await applyToChecklist(
      store,
      'acme',
      result({
        'salesforce.okta-app.pkce-required': 'pass',
        'salesforce.okta-app.found': 'pass',
        'okta.provisioning.pkce-enabled': 'manual',
        'salesforce.signin.pkce': 'fail',
      }),
    );
    expect(conflicts).toEqual([]);
    const org = await store.getOrg('acme');
    expect(org['sf.require-pkce']).toMatchObject({
      done: true,
      doneBy: 'verification',
      evidence: { status: 'pass', checkId: 'salesforce.okta-app.pkce-required' },
    });
    expect(org['sf.edit-okta-connected-app']).toMatchObject({ done: true, doneBy: 'verification' });
    expect(org['okta.enable-pkce']).toMatchObject({ done: false, evidence: { status: 'manual' } });
    expect(org['sf.log-in']).toMatchObject({ done: false, evidence: { status: 'fail' } });
    // info items are not ticked even when their checks pass
    expect(org['scope.rest-api-provisioning']).toBeUndefined();
  });

  it('never unticks or overrides an admin decision; returns the conflict instead', async () => {
    await store.setDone('acme', 'sf.require-pkce', true, 'admin');
    await store.setDone('acme', 'sf.log-in', false, 'admin');
    const conflicts = await applyToChecklist(
      store,
      'acme',
      result({ 'salesforce.okta-app.pkce-required': 'fail', 'salesforce.signin.pkce': 'pass' }),
    );
    expect(conflicts.map((x) => x.itemId).sort()).toEqual(['sf.log-in', 'sf.require-pkce']);
    const org = await store.getOrg('acme');
    expect(org['sf.require-pkce']).toMatchObject({ done: true, doneBy: 'admin' });
    expect(org['sf.log-in']).toMatchObject({ done: false, doneBy: 'admin' });
  });

  it('PKCE Pilot\'s own sign-in ticks "as a System Administrator" only when the permissions show it', async () => {
    const notShown = result({ 'salesforce.signin.pkce': 'pass' });
    const signin = must(notShown.checks.find((x) => x.id === 'salesforce.signin.pkce'));
    const withoutAdmin: VerificationResult = {
      ...notShown,
      checks: notShown.checks.map((x) =>
        x === signin ? { ...x, evidence: { ...x.evidence, values: { systemAdministrator: null } } } : x,
      ),
    };
    expect(await applyToChecklist(store, 'acme', withoutAdmin)).toEqual([]);
    let org = await store.getOrg('acme');
    for (const item of ['sf.log-in', 'prereq.salesforce-system-admin'])
      expect(org[item], item).toMatchObject({ done: false, evidence: { status: 'manual' } });
    await applyToChecklist(store, 'acme', notShown);
    org = await store.getOrg('acme');
    for (const item of ['sf.log-in', 'prereq.salesforce-system-admin'])
      expect(org[item], item).toMatchObject({ done: true, doneBy: 'verification' });
  });
});

describe('runMany', () => {
  const noTokens: TokenSource = {
    getTokens: async (alias, provider) => {
      throw new PilotError('not-signed-in', `Not signed in to ${provider} for ${alias}.`, 'Sign in.');
    },
    refresh: async () => {
      throw new Error('unused');
    },
  };
  const org = (alias: string): OrgSettings => ({
    alias,
    salesforce: { baseUrl: 'https://login.salesforce.com', clientId: 'x', redirect: 'loopback', port: 7171 },
    createdAt: AT,
    updatedAt: AT,
  });
  it("one org's failure never stops the others; order is kept", async () => {
    const orgs = {
      get: async (alias: string) => {
        if (alias === 'broken')
          throw new PilotError('not-found', 'There is no org "broken".', 'Add it first.');
        return org(alias);
      },
    };
    const results = await runMany(['a', 'broken', 'c'], {
      orgs,
      tokens: noTokens,
      http: fetch,
      concurrency: 2,
    });
    expect(results.map((r) => r.org)).toEqual(['a', 'broken', 'c']);
    expect(must(results[1]).error).toMatchObject({ code: 'not-found' });
    expect(must(results[1]).checks.every((x) => x.status === 'unknown')).toBe(true);
    expect(must(results[0]).error).toBeUndefined();
    expect(must(must(results[0]).checks.find((x) => x.id === 'salesforce.signin.pkce')).summary).toMatch(
      /Not signed in to salesforce/,
    );
    expect(must(must(results[0]).checks.find((x) => x.id === 'okta.salesforce-app.found')).summary).toMatch(
      /Okta is not configured/,
    );
  });

  it('reads each sign-in of an org from the keychain once, both before any request', async () => {
    const reads: string[] = [];
    const counting: TokenSource = {
      getTokens: async (alias, provider) => {
        reads.push(`${alias}/${provider}`);
        return noTokens.getTokens(alias, provider);
      },
      refresh: noTokens.refresh,
    };
    const requests: string[] = [];
    const withOkta = (alias: string): OrgSettings => ({
      ...org(alias),
      okta: { baseUrl: 'https://acme.okta.com', clientId: 'y', redirect: 'loopback', port: 7171 },
    });
    const results = await runMany(['a', 'b'], {
      orgs: { get: async (alias) => withOkta(alias) },
      tokens: counting,
      http: async (url) => {
        requests.push(url);
        throw new Error('no request is expected without sign-ins');
      },
      concurrency: 2,
    });
    expect(requests).toEqual([]);
    expect([...reads].sort()).toEqual(['a/okta', 'a/salesforce', 'b/okta', 'b/salesforce']);
    expect(results.flatMap((r) => r.checks).every((x) => x.status !== 'pass')).toBe(true);
  });

  it('reads Okta once for orgs signed in as the same Okta admin; a failed read is not shared', async () => {
    const oktaTokens = (accessToken: string, userId: string): TokenSet => ({
      accessToken,
      tokenType: 'Bearer',
      instanceUrl: 'https://acme.okta.com',
      issuedAt: 0,
      pkce: 'S256',
      userId,
      scope: 'okta.apps.read okta.logs.read',
    });
    // a and b: one admin (different tokens); c: another admin. a's token is revoked and cannot refresh.
    const signIns: Record<string, TokenSet> = {
      a: oktaTokens('tok-a', '00uAdmin'),
      b: oktaTokens('tok-b', '00uAdmin'),
      c: oktaTokens('tok-c', '00uOther'),
    };
    const tokens: TokenSource = {
      getTokens: async (alias, provider) => {
        const t = signIns[alias];
        if (provider === 'okta' && t) return t;
        return noTokens.getTokens(alias, provider);
      },
      refresh: async () => {
        throw new PilotError('not-signed-in', 'The refresh token was revoked.', 'Sign in again.');
      },
    };
    // Okta's Apps API and System Log as documented: a JSON list; 401 for a revoked token.
    const seen: string[] = [];
    const http = async (url: string, init?: RequestInit): Promise<Response> => {
      const auth = new Headers(init?.headers).get('authorization') ?? '';
      const path = new URL(url).pathname;
      seen.push(`${auth.replace('Bearer ', '')} ${path}`);
      if (auth === 'Bearer tok-a') return new Response('{"errorCode":"E0000011"}', { status: 401 });
      const body = path.endsWith('/apps')
        ? [{ id: '0oaSf', name: 'salesforce', label: 'Salesforce', status: 'ACTIVE', features: [] }]
        : [];
      return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
    };
    const withOkta = (alias: string): OrgSettings => ({
      ...org(alias),
      okta: { baseUrl: 'https://acme.okta.com', clientId: 'y', redirect: 'loopback', port: 7171 },
    });
    const results = await runMany(['a', 'b', 'c'], {
      orgs: { get: async (alias) => withOkta(alias) },
      tokens,
      http,
      concurrency: 3,
    });
    const found = (alias: string) =>
      must(
        must(results.find((r) => r.org === alias)).checks.find((x) => x.id === 'okta.salesforce-app.found'),
      );
    // a's failure is a's own; b read with its own token (apps, then logs); c, another admin, read its own.
    expect(found('a').status).toBe('unknown');
    expect(found('a').summary).toMatch(/pkce-pilot login a --okta/);
    expect(found('b').status).toBe('pass');
    expect(found('c').status).toBe('pass');
    expect([...seen].sort()).toEqual(
      [
        'tok-a /api/v1/apps',
        'tok-b /api/v1/apps',
        'tok-b /api/v1/logs',
        'tok-c /api/v1/apps',
        'tok-c /api/v1/logs',
      ].sort(),
    );

    // Without the failure, one admin's orgs read Okta once: apps and logs once for a and b together.
    signIns['a'] = oktaTokens('tok-a2', '00uAdmin');
    seen.length = 0;
    const again = await runMany(['a', 'b'], {
      orgs: { get: async (alias) => withOkta(alias) },
      tokens,
      http,
      concurrency: 2,
    });
    expect(again.map((r) => r.checks.find((x) => x.id === 'okta.salesforce-app.found')?.status)).toEqual([
      'pass',
      'pass',
    ]);
    expect(seen.map((s) => s.split(' ')[1])).toEqual(['/api/v1/apps', '/api/v1/logs']);
  });

  it('mapConcurrent never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return n * 2;
    });
    expect(out).toEqual([2, 4, 6, 8, 10, 12, 14]);
    expect(peak).toBe(3);
  });
});

describe('troubleshooting', () => {
  it('every check has advice pointing at a real checklist item', () => {
    for (const id of ALL) expect(findItem(CHECK_ADVICE[id].itemId, CHECKLIST), id).toBeDefined();
    for (const k of KNOWN_ERRORS) expect(findItem(k.itemId, CHECKLIST), k.itemId).toBeDefined();
  });
  it("maps Okta's and Workflows' error strings to the step to redo", () => {
    expect(
      adviceForError(
        'Automatic provisioning of user x to app Salesforce failed: The credentials used to connect to the API were invalid; please check your configuration',
      )?.itemId,
    ).toBe('okta.reauthenticate');
    expect(adviceForError('Flow failed: OAuth Refresh Error')?.itemId).toBe('guidance.workflows-reauthorize');
    expect(
      adviceForError('error=invalid_request&error_description=missing required code challenge')?.itemId,
    ).toBe('okta.enable-pkce');
    expect(adviceForError('client identifier invalid')?.itemId).toBe('guidance.propagation');
    expect(adviceForError('all good')).toBeUndefined();
  });
  it('a failing check gets advice, a known error in its evidence wins, a pass gets none', () => {
    expect(adviceForCheck(c('salesforce.okta-app.pkce-required', 'fail'))?.itemId).toBe('sf.require-pkce');
    const failures = {
      ...c('okta.provisioning.auth-failures', 'fail'),
      evidence: { api: 'x', at: AT, values: { latestMessage: 'OAuth Refresh Error' } },
    };
    expect(adviceForCheck(failures)?.itemId).toBe('guidance.workflows-reauthorize');
    expect(adviceForCheck(c('salesforce.okta-app.found', 'pass'))).toBeUndefined();
  });
});
