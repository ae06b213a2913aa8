/**
 * Small rules behind the verdicts: Okta's callback hosts, the code-point cap, the first-steps line when
 * nothing could be checked, and "could not check" troubleshooting for unknown checks.
 */
import { describe, expect, it } from 'vitest';
import { firstSteps } from '../../main/core/verify/first-steps';
import {
  callbackHostForOktaUrl,
  isOktaCallbackUrl,
  oktaCallbackHosts,
} from '../../main/core/verify/okta-callback';
import { unverifiedResult } from '../../main/core/verify/run';
import { adviceForCheck, couldNotCheckText } from '../../main/core/verify/troubleshooting';
import { capCodePoints, type CheckResult, type VerificationResult } from '../../main/core/verify/types';

const AT = '2026-06-20T10:00:00.000Z';

describe("Okta's callback", () => {
  it('derives the cell host from the configured Okta URL', () => {
    expect(callbackHostForOktaUrl('https://acme.okta-emea.com')).toBe('system-admin.okta-emea.com');
    expect(callbackHostForOktaUrl('https://acme-admin.oktapreview.com/')).toBe(
      'system-admin.oktapreview.com',
    );
    expect(callbackHostForOktaUrl('https://login.acme.example')).toBe('system-admin.acme.example');
    expect(callbackHostForOktaUrl('http://127.0.0.1:8080')).toBeUndefined();
    expect(callbackHostForOktaUrl('https://okta.com')).toBeUndefined();
    expect(callbackHostForOktaUrl('not a url')).toBeUndefined();
  });
  it('matches the exact host and path only', () => {
    const hosts = oktaCallbackHosts('https://login.acme.example');
    expect(
      isOktaCallbackUrl(' https://system-admin.acme.example/admin/app/generic/oauth20redirect ', hosts),
    ).toBe(true);
    expect(
      isOktaCallbackUrl('https://system-admin.okta.com/admin/app/generic/oauth20redirect?x=1', hosts),
    ).toBe(true);
    expect(isOktaCallbackUrl('https://system-admin.okta.com/admin/app/generic/other', hosts)).toBe(false);
    expect(
      isOktaCallbackUrl('https://user@system-admin.okta.com/admin/app/generic/oauth20redirect', hosts),
    ).toBe(false);
    expect(
      isOktaCallbackUrl(
        'https://system-admin.acme.example/admin/app/generic/oauth20redirect',
        oktaCallbackHosts(),
      ),
    ).toBe(false);
  });
});

describe('capCodePoints', () => {
  it('cuts by code points, never inside a surrogate pair', () => {
    expect(capCodePoints('abc', 5)).toBe('abc');
    const capped = capCodePoints('🔐'.repeat(10), 4);
    expect(Array.from(capped)).toEqual(['🔐', '🔐', '🔐', '…']);
  });
});

describe('first steps when nothing could be checked', () => {
  const unknown = (id: CheckResult['id'], summary: string): CheckResult => ({
    id,
    status: 'unknown',
    summary,
    evidence: { api: 'x', at: AT, values: {} },
  });
  it('names the exact login commands; nothing when something was checked', () => {
    const result: VerificationResult = {
      org: 'acme',
      checkedAt: AT,
      checks: [
        unknown(
          'salesforce.signin.pkce',
          'Could not check: not signed in — sign in again: `pkce-pilot login acme`.',
        ),
        unknown(
          'okta.salesforce-app.found',
          'Could not check: … — sign in again: `pkce-pilot login acme --okta`.',
        ),
      ],
    };
    expect(firstSteps(result)).toBe(
      'Nothing could be checked for acme: not signed in. First run `pkce-pilot login acme` (Salesforce), then `pkce-pilot login acme --okta` (Okta); then `pkce-pilot verify acme` again.',
    );
    const some = {
      ...result,
      checks: [...result.checks, { ...unknown('salesforce.okta-app.found', 'x'), status: 'pass' as const }],
    };
    expect(firstSteps(some)).toBeUndefined();
    const keychain = unverifiedResult('acme', new Error('boom'), AT);
    expect(firstSteps(keychain)).toMatch(/^Nothing could be checked for acme/);
  });
});

describe('troubleshooting never states a failure for an unknown check', () => {
  it('unknown → "Could not check: …; to allow the check: …" with the alias filled in', () => {
    const c: CheckResult = {
      id: 'okta.provisioning.auth-failures',
      status: 'unknown',
      summary: 'Okta answered oddly',
      evidence: {
        api: 'x',
        at: AT,
        values: { latestMessage: 'The credentials used to connect to the API were invalid' },
      },
    };
    const advice = adviceForCheck(c, 'acme');
    expect(advice?.explanation).toBe(
      "Could not check: Okta answered oddly; to allow the check: grant okta.logs.read on PKCE Pilot's Okta app, sign in to Okta (`pkce-pilot login acme --okta`), and make sure the Salesforce app's login URL in Okta names this org.",
    );
    expect(advice?.explanation).not.toMatch(/System Log shows|does not require/);
    expect(couldNotCheckText({ ...c, summary: 'Could not check: x; to allow the check, y.' })).toBe(
      'Could not check: x; to allow the check, y.',
    );
    expect(adviceForCheck({ ...c, status: 'fail' })?.explanation).toMatch(/Okta can no longer sign in/);
  });
});

describe('stored results keep `required`', () => {
  it("the latest result read back carries each check's required flag", async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const { VerificationStore } = await import('../../main/core/verify/verification-store');
    const dir = await mkdtemp(path.join(tmpdir(), 'verify-store-'));
    try {
      const store = new VerificationStore(dir);
      const result = unverifiedResult('acme', new Error('x'), AT);
      await store.save([result]);
      const back = await store.latest('acme');
      expect(back?.checks.map((c) => [c.id, c.required])).toEqual(
        result.checks.map((c) => [c.id, c.required]),
      );
      expect(back?.checks.find((c) => c.id === 'salesforce.org.pkce-required')?.required).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
