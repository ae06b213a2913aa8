/**
 * The fleet view's pure logic: which orgs a filter keeps, their order, and the migration progress of
 * each (how many required steps are verified). Tested without a browser.
 */
import type { FleetRowDto } from '../../preload/contract';
import { STATE_LABELS, needsAction } from './labels';
import { olderThanDays } from './time';

export type FleetFilter = 'all' | 'needs-action' | 'not-checked-7-days';
export type FleetSortKey = 'name' | 'environment' | 'migration' | 'last-checked';
export interface FleetSort {
  readonly key: FleetSortKey;
  readonly descending: boolean;
}

/** One collator for every comparison: `localeCompare` makes a new one per call (each sort did ~300). */
const names = new Intl.Collator();

/** Required steps verified (or confirmed by the admin) out of all required steps. */
export function migrationScore(row: FleetRowDto): { done: number; total: number } {
  const required = row.board.steps.filter((s) => !s.optional);
  const done = required.filter(
    (s) => s.state === 'verified' || (s.state === 'confirm-yourself' && s.confirmedAt !== undefined),
  ).length;
  return { done, total: required.length };
}

/** The migration column in words, for screen readers: the score, then every step and its state. */
export function migrationText(row: FleetRowDto): string {
  const { done, total } = migrationScore(row);
  const steps = row.board.steps.map(
    (st) => `${st.title}: ${STATE_LABELS[st.state]}${st.optional ? ' (optional)' : ''}.`,
  );
  return `${done} of ${total} steps verified. ${steps.join(' ')}`;
}

export function filterRows(
  rows: readonly FleetRowDto[],
  filter: FleetFilter,
  search: string,
  now: Date,
): FleetRowDto[] {
  const q = search.trim().toLowerCase();
  return rows.filter((r) => {
    if (q && !r.alias.toLowerCase().includes(q) && !r.salesforceUrl.toLowerCase().includes(q)) return false;
    if (filter === 'needs-action') return needsAction(r.board);
    if (filter === 'not-checked-7-days') return olderThanDays(r.board.checkedAt, now, 7);
    return true;
  });
}

const ENV_ORDER = { production: 0, sandbox: 1, developer: 2, scratch: 3, local: 4 } as const;

export function sortRows(rows: readonly FleetRowDto[], sort: FleetSort): FleetRowDto[] {
  const byName = (a: FleetRowDto, b: FleetRowDto) => names.compare(a.alias, b.alias);
  const compare = (a: FleetRowDto, b: FleetRowDto): number => {
    switch (sort.key) {
      case 'name':
        return byName(a, b);
      case 'environment':
        return ENV_ORDER[a.environment] - ENV_ORDER[b.environment];
      case 'migration': {
        const x = migrationScore(a);
        const y = migrationScore(b);
        return x.done / (x.total || 1) - y.done / (y.total || 1);
      }
      case 'last-checked':
        // Never checked sorts as the oldest.
        return (a.board.checkedAt ?? '').localeCompare(b.board.checkedAt ?? '');
    }
  };
  // Ties keep name order, whichever direction.
  return [...rows].sort((a, b) => (sort.descending ? -compare(a, b) : compare(a, b)) || byName(a, b));
}
