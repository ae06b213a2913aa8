/**
 * Where "today" stands against the article's dates. Pure: callers pass today, so the CLI, the app and
 * tests agree. Days are whole calendar days in UTC (the article gives dates, not times).
 */
import { KEY_DATES } from './content';

export type DatePhase = 'before-preview' | 'preview-only' | 'production' | 'enforced';

export interface DeadlineStatus {
  readonly phase: DatePhase;
  /** Days until Salesforce enforcement (0 on the day itself, negative after). */
  readonly daysUntilEnforcement: number;
  /** Plain sentence for banners and reports. */
  readonly text: string;
  readonly enforcementDate: string;
}

const MS_PER_DAY = 86_400_000;

function dateOf(id: 'preview' | 'production' | 'enforcement'): string {
  const d = KEY_DATES.find((k) => k.id === id);
  if (!d) throw new Error(`missing key date ${id}`);
  return d.date;
}

/** Whole days from `from` to `to`, both taken as UTC calendar dates. */
export function daysBetween(from: Date, to: Date): number {
  const a = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
  const b = Date.UTC(to.getUTCFullYear(), to.getUTCMonth(), to.getUTCDate());
  return Math.round((b - a) / MS_PER_DAY);
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function deadlineStatus(today: Date): DeadlineStatus {
  const enforcementDate = dateOf('enforcement');
  const until = daysBetween(today, new Date(`${enforcementDate}T00:00:00Z`));
  const toPreview = daysBetween(today, new Date(`${dateOf('preview')}T00:00:00Z`));
  const toProduction = daysBetween(today, new Date(`${dateOf('production')}T00:00:00Z`));
  if (until < 0) {
    return {
      phase: 'enforced',
      daysUntilEnforcement: until,
      enforcementDate,
      text: `Salesforce has enforced PKCE for ${plural(-until, 'day')} (since 25 June 2026).`,
    };
  }
  if (until === 0) {
    return {
      phase: 'enforced',
      daysUntilEnforcement: 0,
      enforcementDate,
      text: 'Salesforce starts enforcing PKCE today (25 June 2026).',
    };
  }
  const left = `${plural(until, 'day')} left until Salesforce enforces PKCE on 25 June 2026.`;
  if (toPreview > 0)
    return {
      phase: 'before-preview',
      daysUntilEnforcement: until,
      enforcementDate,
      text: `${left} Okta's update reaches Preview on 9 June 2026.`,
    };
  if (toProduction > 0)
    return {
      phase: 'preview-only',
      daysUntilEnforcement: until,
      enforcementDate,
      text: `${left} Okta's update is in Preview; Production follows on 11 June 2026.`,
    };
  return {
    phase: 'production',
    daysUntilEnforcement: until,
    enforcementDate,
    text: `${left} Okta's update is available in Production.`,
  };
}
