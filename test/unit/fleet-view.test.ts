import { describe, expect, it } from 'vitest';
import type { FleetRowDto } from '../../preload/contract';
import { buildBoard } from '../../main/core/status/board';
import type { CheckResult, CheckStatus } from '../../main/core/verify/types';
import { filterRows, migrationScore, migrationText, sortRows } from '../../renderer/src/fleet';
import { STATE_LABELS } from '../../renderer/src/labels';

const NOW = new Date('2026-06-20T12:00:00.000Z');

function row(
  alias: string,
  opts: { checkedAt?: string; status?: CheckStatus; env?: FleetRowDto['environment'] },
) {
  const ids: CheckResult['id'][] = [
    'salesforce.okta-app.found',
    'salesforce.okta-app.pkce-required',
    'salesforce.okta-app.tokens',
    'okta.salesforce-app.found',
    'okta.provisioning.auth-failures',
    'okta.provisioning.pkce-enabled',
  ];
  const latest = opts.checkedAt
    ? {
        org: alias,
        checkedAt: opts.checkedAt,
        checks: ids.map((id) => ({
          id,
          status: opts.status ?? 'pass',
          summary: 's',
          evidence: { api: 'a', values: {}, at: opts.checkedAt ?? '' },
        })),
      }
    : undefined;
  const progress =
    opts.status === 'pass'
      ? {
          'guidance.workflows-reauthorize': {
            done: true,
            doneAt: '2026-06-01T00:00:00.000Z',
            doneBy: 'admin' as const,
          },
        }
      : {};
  return {
    alias,
    environment: opts.env ?? 'production',
    salesforceUrl: `https://${alias}.my.salesforce.com`,
    hasOkta: true,
    board: buildBoard({ hasOkta: true, progress, latest, now: NOW }),
  } as unknown as FleetRowDto;
}

const rows = [
  row('zeta', { checkedAt: '2026-06-20T11:00:00.000Z', status: 'pass' }),
  row('alpha', { checkedAt: '2026-06-01T11:00:00.000Z', status: 'fail', env: 'sandbox' }),
  row('mid', {}),
];

describe('fleet view logic', () => {
  it('filters "needs action", "not checked in 7 days" and by name', () => {
    expect(filterRows(rows, 'all', '', NOW).map((r) => r.alias)).toEqual(['zeta', 'alpha', 'mid']);
    // zeta is all verified (checked an hour ago; Workflows confirmed): nothing to do.
    expect(filterRows(rows, 'needs-action', '', NOW).map((r) => r.alias)).toEqual(['alpha', 'mid']);
    expect(filterRows(rows, 'not-checked-7-days', '', NOW).map((r) => r.alias)).toEqual(['alpha', 'mid']);
    expect(filterRows(rows, 'all', 'ALP', NOW).map((r) => r.alias)).toEqual(['alpha']);
  });

  it('sorts by name, environment, migration progress and last check, both ways', () => {
    expect(sortRows(rows, { key: 'name', descending: false }).map((r) => r.alias)).toEqual([
      'alpha',
      'mid',
      'zeta',
    ]);
    expect(sortRows(rows, { key: 'name', descending: true }).map((r) => r.alias)).toEqual([
      'zeta',
      'mid',
      'alpha',
    ]);
    expect(sortRows(rows, { key: 'environment', descending: false }).map((r) => r.alias)).toEqual([
      'mid',
      'zeta',
      'alpha',
    ]);
    expect(sortRows(rows, { key: 'migration', descending: true }).map((r) => r.alias)).toEqual([
      'zeta',
      'alpha',
      'mid',
    ]);
    expect(sortRows(rows, { key: 'last-checked', descending: false }).map((r) => r.alias)).toEqual([
      'mid',
      'alpha',
      'zeta',
    ]);
  });

  it('counts verified required steps (the optional one never counts)', () => {
    expect(migrationScore(rows[0] as FleetRowDto)).toEqual({ done: 4, total: 4 });
    expect(migrationScore(rows[1] as FleetRowDto)).toEqual({ done: 0, total: 4 });
  });

  it('says the migration column in words: the score, then every step with its state', () => {
    const text = migrationText(rows[1] as FleetRowDto);
    const steps = (rows[1] as FleetRowDto).board.steps;
    expect(text.startsWith('0 of 4 steps verified. ')).toBe(true);
    for (const st of steps)
      expect(text).toContain(`${st.title}: ${STATE_LABELS[st.state]}${st.optional ? ' (optional)' : ''}.`);
    expect(text).toContain('Failing.');
    expect(migrationText(rows[0] as FleetRowDto).startsWith('4 of 4 steps verified. ')).toBe(true);
    // One sentence per step, in the board's order.
    expect(text.split('. ').length).toBe(steps.length + 1);
  });
});
