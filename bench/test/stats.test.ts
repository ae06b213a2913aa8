import { describe, expect, it } from 'vitest';
import { median, pairedRatios, ratio, round, summarize, withinBudget } from '../stats';
import { repeat, repeatInterleaved, roundOrder } from '../timing';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the two middles of an even count', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });
  it('does not reorder the caller’s values and refuses an empty list', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
    expect(() => median([])).toThrow(/no values/);
  });
  it('ignores a single outlier (why the bench reports medians)', () => {
    expect(median([100, 101, 99, 5000, 100])).toBe(100);
  });
});

describe('summarize / ratio / budgets', () => {
  it('summarizes kept runs with min and max', () => {
    expect(summarize({ values: [3, 9, 6], warmups: 2 })).toEqual({
      runs: 3,
      warmups: 2,
      median: 6,
      min: 3,
      max: 9,
      values: [3, 9, 6],
    });
  });
  it('computes ratios of medians and refuses a zero baseline', () => {
    expect(ratio(150, 100)).toBe(1.5);
    expect(() => ratio(1, 0)).toThrow(/baseline/);
  });
  it('pairs each run with the baseline of its own round, so a slow spell cancels out', () => {
    // Rounds 2 and 3 ran in a slow spell that slowed both sides alike.
    const subject = { values: [150, 300, 310, 151], warmups: 1 };
    const baseline = { values: [100, 200, 200, 100], warmups: 1 };
    expect(pairedRatios(subject, baseline)).toEqual({ values: [1.5, 1.5, 1.55, 1.51], warmups: 1 });
    expect(median(pairedRatios(subject, baseline).values)).toBeCloseTo(1.505);
    expect(() => pairedRatios(subject, { values: [100], warmups: 1 })).toThrow(
      /one baseline per subject run/,
    );
    expect(() => pairedRatios({ values: [1], warmups: 0 }, { values: [0], warmups: 0 })).toThrow(/baseline/);
  });
  it('treats the limit itself as within budget, anything above or NaN as over', () => {
    expect(withinBudget(1.5, 1.5)).toBe(true);
    expect(withinBudget(1.5001, 1.5)).toBe(false);
    expect(withinBudget(Number.NaN, 1.5)).toBe(false);
  });
  it('rounds for display', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(74.76, 1)).toBe(74.8);
  });
});

describe('repetition schedules', () => {
  it('drops warm-ups and keeps the rest in order', async () => {
    const sample = await repeat({ warmups: 2, runs: 3 }, async (i) => i * 10);
    expect(sample).toEqual({ values: [20, 30, 40], warmups: 2 });
  });
  it('alternates the order of sides every round', async () => {
    expect(roundOrder(2, 0)).toEqual([0, 1]);
    expect(roundOrder(2, 1)).toEqual([1, 0]);
    const calls: string[] = [];
    const [a, b] = await repeatInterleaved({ warmups: 1, runs: 2 }, [
      async (r) => (calls.push(`a${r}`), r),
      async (r) => (calls.push(`b${r}`), 100 + r),
    ]);
    expect(calls).toEqual(['a0', 'b0', 'b1', 'a1', 'a2', 'b2']);
    expect(a?.values).toEqual([1, 2]);
    expect(b?.values).toEqual([101, 102]);
  });
});
