/**
 * The verify bench's own check: a run passes only when every check has the status VERIFY_EXPECTED names
 * and every org cost exactly its requests. Shown against the real CLI in the bench world, then with
 * Okta's Connected App carrying a callback the verifier does not recognise (the OauthToken read is then
 * skipped, one request short per org), which the check must catch.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aliasOf, copySignIns, signInSeed, timeVerifyAll, writeOrgs } from '../verify-bench';
import {
  OKTA_PROVISIONING_CALLBACK,
  VERIFY_EXPECTED,
  peakWithin,
  startVerifyWorld,
  verifyRunProblems,
  type VerifiedOrgJson,
  type VerifyWorld,
} from '../verify-world';

const PORT = 7395;

function passingOrg(org: string): VerifiedOrgJson {
  return { org, checks: Object.entries(VERIFY_EXPECTED.statuses).map(([id, status]) => ({ id, status })) };
}

const perOrg = VERIFY_EXPECTED.requestsPerOrg;

describe('verifyRunProblems (pure)', () => {
  const facts = (results: VerifiedOrgJson[], n = results.length, extra = {}) => ({
    results,
    expectedOrgs: Array.from({ length: n }, (_, i) => `o${i}`),
    requests: { salesforce: perOrg.salesforce * n, okta: VERIFY_EXPECTED.oktaRequestsPerRun },
    tokenRequests: 0,
    ...extra,
  });

  it('accepts complete runs and names every kind of shortfall', () => {
    expect(verifyRunProblems(facts([passingOrg('o0'), passingOrg('o1')]))).toEqual([]);
    const unknown = {
      org: 'o0',
      checks: passingOrg('o0').checks.map((c) =>
        c.id === 'salesforce.okta-app.tokens' ? { ...c, status: 'unknown' } : c,
      ),
    };
    expect(verifyRunProblems(facts([unknown])).join('\n')).toMatch(
      /o0: salesforce\.okta-app\.tokens unknown \(expected pass\)/,
    );
    expect(verifyRunProblems(facts([passingOrg('o0')], 2)).join('\n')).toMatch(/1 results for 2 orgs/);
    const short = facts([passingOrg('o0')], 1, { requests: { salesforce: perOrg.salesforce - 1, okta: 2 } });
    expect(verifyRunProblems(short).join('\n')).toContain(
      `salesforce: ${perOrg.salesforce - 1} API requests for 1 org(s), expected ${perOrg.salesforce}`,
    );
    // Two orgs signed in as the same Okta admin that each read Okta: the reads were not shared.
    const unshared = facts([passingOrg('o0'), passingOrg('o1')], 2, {
      requests: { salesforce: perOrg.salesforce * 2, okta: 2 * VERIFY_EXPECTED.oktaRequestsPerRun },
    });
    expect(verifyRunProblems(unshared).join('\n')).toMatch(/okta: 4 API requests for 2 org\(s\), expected 2/);
    const unlisted = { org: 'o0', checks: [...passingOrg('o0').checks, { id: 'new.check', status: 'pass' }] };
    expect(verifyRunProblems(facts([unlisted])).join('\n')).toMatch(/does not know.*new\.check/);
    expect(verifyRunProblems(facts([passingOrg('o0')], 1, { tokenRequests: 1 })).join('\n')).toMatch(
      /token request/,
    );
  });

  it('peakWithin counts arrivals inside one window', () => {
    expect(peakWithin([], 100)).toBe(0);
    expect(peakWithin([0, 10, 20, 150, 160], 100)).toBe(3);
    expect(peakWithin([0, 100, 200], 100)).toBe(1);
  });
});

describe('verify bench world against the real CLI', () => {
  let world: VerifyWorld;
  let work: string;
  let home: string;
  beforeAll(async () => {
    world = await startVerifyWorld({ callbackPorts: [PORT] });
    work = await mkdtemp(path.join(os.tmpdir(), 'pkce-pilot-verify-world-'));
    const seed = await signInSeed(world, await mkdtemp(path.join(work, 'seed-')), 'world-seed', PORT);
    home = await mkdtemp(path.join(work, 'orgs-'));
    await writeOrgs(world, home, 2, PORT);
    await copySignIns(seed, 2);
  });
  afterAll(async () => {
    await world.close();
    await rm(work, { recursive: true, force: true });
  });

  it("passes with Okta's real callback: every check as expected, every read made", async () => {
    world.setOktaCallback(OKTA_PROVISIONING_CALLBACK);
    const run = await timeVerifyAll(world, home, 2);
    expect(run.ms).toBeGreaterThan(0);
    expect(run.peakRssKiB).toBeGreaterThan(10_000);
  });

  it('fails loudly when the callback is not one the verifier recognises (a skipped read)', async () => {
    world.setOktaCallback('https://system-admin.okta.com/admin/app/cpc/salesforce/oauth/callback');
    try {
      const failure = await timeVerifyAll(world, home, 2).then(
        () => undefined,
        (e: unknown) => (e instanceof Error ? e.message : String(e)),
      );
      expect(failure).toMatch(
        new RegExp(`${aliasOf(0)}: salesforce\\.okta-app\\.found fail \\(expected pass\\)`),
      );
      // The OauthToken read is the one skipped when Okta's app is not found: one request short per org.
      expect(failure).toContain(
        `salesforce: ${2 * (perOrg.salesforce - 1)} API requests for 2 org(s), expected ${2 * perOrg.salesforce} (${perOrg.salesforce} per org)`,
      );
    } finally {
      world.setOktaCallback(OKTA_PROVISIONING_CALLBACK);
    }
  });
});
