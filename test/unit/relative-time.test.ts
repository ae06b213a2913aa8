import { describe, expect, it } from 'vitest';
import { calendarDaysBetween, exactTime, olderThanDays, relativeTime } from '../../renderer/src/time';

// Local times on purpose: the module speaks the admin's own time zone, whatever the machine's is.
const now = new Date(2026, 11, 3, 18, 0);
const iso = (y: number, m: number, d: number, h: number, min: number) =>
  new Date(y, m, d, h, min).toISOString();

describe('relative times in the local time zone', () => {
  it('says "just now", minutes, today, yesterday, days, then the date', () => {
    expect(relativeTime(iso(2026, 11, 3, 17, 59), now, 'en-GB')).toBe('1 minute ago');
    expect(relativeTime(iso(2026, 11, 3, 18, 0), now, 'en-GB')).toBe('just now');
    expect(relativeTime(iso(2026, 11, 3, 18, 5), now, 'en-GB')).toBe('just now'); // a clock slightly ahead
    expect(relativeTime(iso(2026, 11, 3, 17, 15), now, 'en-GB')).toBe('45 minutes ago');
    expect(relativeTime(iso(2026, 11, 3, 9, 5), now, 'en-GB')).toBe('today 09:05');
    expect(relativeTime(iso(2026, 11, 2, 23, 30), now, 'en-GB')).toBe('yesterday 23:30');
    expect(relativeTime(iso(2026, 10, 30, 12, 0), now, 'en-GB')).toBe('3 days ago');
    expect(relativeTime(iso(2026, 10, 1, 12, 0), now, 'en-GB')).toBe('1 Nov 2026');
  });

  it('returns nothing for a missing or unreadable time', () => {
    expect(relativeTime(undefined, now)).toBe('');
    expect(relativeTime('yesterday-ish', now)).toBe('');
    expect(exactTime('nope')).toBe('');
    expect(exactTime(iso(2026, 11, 3, 17, 45), 'en-GB')).toMatch(/3 Dec 2026.*17:45/);
  });

  it('counts calendar days across midnight and tells what is older than a week', () => {
    expect(calendarDaysBetween(new Date(2026, 11, 2, 23, 59), new Date(2026, 11, 3, 0, 1))).toBe(1);
    expect(olderThanDays(iso(2026, 10, 26, 17, 0), now, 7)).toBe(true);
    expect(olderThanDays(iso(2026, 10, 27, 19, 0), now, 7)).toBe(false);
    expect(olderThanDays(undefined, now, 7)).toBe(true);
  });
});
