import { describe, expect, it } from 'vitest';
import { buildBoard, environmentOf, lastAdminChange, stalenessOf } from '../../main/core/status/board';
import type { CheckResult, CheckStatus, VerificationResult } from '../../main/core/verify/types';

const NOW = new Date('2026-06-20T12:00:00.000Z');
const CHECKED = '2026-06-20T10:00:00.000Z';

function check(id: CheckResult['id'], status: CheckStatus, summary = `${id} ${status}`): CheckResult {
  return { id, status, summary, evidence: { api: 'test API', values: { x: 1 }, at: CHECKED } };
}

/** A run where every check has the given status, with per-id overrides. */
function run(
  status: CheckStatus,
  overrides: Partial<Record<CheckResult['id'], CheckStatus>> = {},
): VerificationResult {
  const ids: CheckResult['id'][] = [
    'salesforce.signin.pkce',
    'salesforce.org.pkce-required',
    'salesforce.okta-app.found',
    'salesforce.okta-app.pkce-required',
    'salesforce.okta-app.tokens',
    'okta.salesforce-app.found',
    'okta.provisioning.auth-failures',
    'okta.provisioning.pkce-enabled',
  ];
  return { org: 'acme', checkedAt: CHECKED, checks: ids.map((id) => check(id, overrides[id] ?? status)) };
}

const signedIn = { salesforce: true, okta: true };
const stateOf = (b: ReturnType<typeof buildBoard>, id: string) => b.steps.find((s) => s.id === id)?.state;

describe('org status board', () => {
  it('before any check: every checkable step is not checked and the next action is to sign in, then run', () => {
    const notSignedIn = buildBoard({
      hasOkta: true,
      progress: {},
      now: NOW,
      signedIn: { salesforce: false },
    });
    expect(notSignedIn.next).toEqual({ kind: 'sign-in', provider: 'salesforce' });
    expect(stateOf(notSignedIn, 'salesforce-app')).toBe('not-checked');
    expect(stateOf(notSignedIn, 'workflows')).toBe('confirm-yourself');
    const okta = buildBoard({
      hasOkta: true,
      progress: {},
      now: NOW,
      signedIn: { salesforce: true, okta: false },
    });
    expect(okta.next).toEqual({ kind: 'sign-in', provider: 'okta' });
    const ready = buildBoard({ hasOkta: true, progress: {}, now: NOW, signedIn });
    expect(ready.next).toEqual({ kind: 'run-checks', again: false });
    expect(ready.checkedAt).toBeUndefined();
  });

  it('all pass: verified, with plain check names; the next action is to confirm Workflows, then done', () => {
    const board = buildBoard({ hasOkta: true, progress: {}, latest: run('pass'), now: NOW, signedIn });
    for (const id of ['salesforce-app', 'okta-pkce', 'provisioning', 'org-wide'])
      expect(stateOf(board, id)).toBe('verified');
    const sf = board.steps.find((s) => s.id === 'salesforce-app');
    expect(sf?.checks.map((c) => c.title)).toContain("Okta's Salesforce app requires PKCE");
    expect(board.next).toEqual({
      kind: 'open-link',
      target: 'okta.workflows-connections',
      stepId: 'workflows',
    });
    const confirmed = buildBoard({
      hasOkta: true,
      progress: {
        'guidance.workflows-reauthorize': { done: true, doneBy: 'admin', doneAt: '2026-06-20T09:00:00.000Z' },
      },
      latest: run('pass'),
      now: NOW,
      signedIn,
    });
    expect(confirmed.steps.find((s) => s.id === 'workflows')?.confirmedAt).toBe('2026-06-20T09:00:00.000Z');
    expect(confirmed.next).toEqual({ kind: 'done' });
  });

  it('a failing required check: failing, with its finding, and the next action opens that console page', () => {
    const board = buildBoard({
      hasOkta: true,
      progress: {},
      latest: run('pass', { 'salesforce.okta-app.pkce-required': 'fail' }),
      now: NOW,
      signedIn,
    });
    expect(stateOf(board, 'salesforce-app')).toBe('failing');
    expect(board.steps[0]?.detail).toBe('salesforce.okta-app.pkce-required fail');
    expect(board.next).toEqual({
      kind: 'open-link',
      target: 'salesforce.app-manager',
      stepId: 'salesforce-app',
    });
  });

  it('the optional org-wide setting off is "not set", never failing, and never the next action', () => {
    const board = buildBoard({
      hasOkta: true,
      progress: {},
      latest: run('pass', { 'salesforce.org.pkce-required': 'fail' }),
      now: NOW,
      signedIn,
    });
    const orgWide = board.steps.find((s) => s.id === 'org-wide');
    expect(orgWide?.state).toBe('not-set');
    expect(orgWide?.optional).toBe(true);
    expect(board.steps.some((s) => s.state === 'failing')).toBe(false);
    expect(board.next).toMatchObject({ stepId: 'workflows' });
  });

  it('could not check: says why and which sign-in would allow it', () => {
    const board = buildBoard({
      hasOkta: true,
      progress: {},
      latest: run('pass', { 'okta.provisioning.auth-failures': 'unknown' }),
      now: NOW,
      signedIn: { salesforce: true },
    });
    expect(stateOf(board, 'provisioning')).toBe('could-not-check');
    expect(board.next).toEqual({ kind: 'run-checks', again: true });
    const signedOut = buildBoard({
      hasOkta: true,
      progress: {},
      latest: run('unknown'),
      now: NOW,
      signedIn: { salesforce: true, okta: false },
    });
    expect(signedOut.steps.find((s) => s.id === 'provisioning')?.detail).toMatch(
      /Sign in to Okta to check it\.$/,
    );
    expect(signedOut.next).toEqual({ kind: 'sign-in', provider: 'okta' });
    const noOkta = buildBoard({
      hasOkta: false,
      progress: {},
      latest: run('pass', { 'okta.provisioning.auth-failures': 'unknown' }),
      now: NOW,
      signedIn,
    });
    expect(noOkta.next).toEqual({ kind: 'add-okta' });
  });

  it('manual checks ask the admin to confirm; a running check shows as checking', () => {
    const board = buildBoard({
      hasOkta: true,
      progress: {},
      latest: run('pass', { 'okta.provisioning.pkce-enabled': 'manual' }),
      now: NOW,
      signedIn,
    });
    expect(stateOf(board, 'okta-pkce')).toBe('confirm-yourself');
    const running = buildBoard({ hasOkta: true, progress: {}, latest: run('pass'), now: NOW, running: true });
    expect(stateOf(running, 'salesforce-app')).toBe('checking');
    expect(running.next).toEqual({ kind: 'checking' });
  });

  it('stale: older than a day, or older than a step the admin ticked since; then run the checks again', () => {
    expect(stalenessOf(CHECKED, undefined, NOW)).toBeUndefined();
    expect(stalenessOf(CHECKED, undefined, new Date('2026-06-21T10:00:01.000Z'))).toBe('old');
    expect(stalenessOf(CHECKED, '2026-06-20T11:00:00.000Z', NOW)).toBe('changed');
    expect(stalenessOf(CHECKED, '2026-06-20T09:00:00.000Z', NOW)).toBeUndefined();
    expect(stalenessOf('not a time', undefined, NOW)).toBe('old');
    const progress = {
      'sf.save': { done: true, doneBy: 'admin' as const, doneAt: '2026-06-20T11:00:00.000Z' },
      'sf.log-in': { done: true, doneBy: 'verification' as const, doneAt: '2026-06-20T11:30:00.000Z' },
    };
    expect(lastAdminChange(progress)).toBe('2026-06-20T11:00:00.000Z');
    const board = buildBoard({ hasOkta: true, progress, latest: run('pass'), now: NOW, signedIn });
    expect(board.stale).toBe('changed');
    expect(board.next).toEqual({ kind: 'run-checks', again: true });
  });

  it('an unknown check id counts as required (a new check never hides a failure)', () => {
    const latest = run('pass');
    const extra = {
      ...latest,
      checks: [
        ...latest.checks,
        {
          ...check('okta.provisioning.auth-failures', 'pass'),
          id: 'okta.provisioning.recent-success' as const,
          status: 'fail' as const,
        },
      ],
    };
    const board = buildBoard({ hasOkta: true, progress: {}, latest: extra, now: NOW, signedIn });
    expect(stateOf(board, 'provisioning')).toBe('failing');
  });

  it('names the environment from the login URL', () => {
    expect(environmentOf('https://login.salesforce.com')).toBe('production');
    expect(environmentOf('https://acme.my.salesforce.com')).toBe('production');
    expect(environmentOf('https://test.salesforce.com')).toBe('sandbox');
    expect(environmentOf('https://acme--uat.sandbox.my.salesforce.com')).toBe('sandbox');
    expect(environmentOf('https://x.scratch.my.salesforce.com')).toBe('scratch');
    expect(environmentOf('http://127.0.0.1:4000')).toBe('local');
  });
});
