/**
 * Pure numbers for the benchmark: medians, ratios and budget verdicts. No I/O, so the arithmetic
 * the budgets rest on is unit-tested on its own (bench/test/stats.test.ts).
 */

export interface Sample {
  /** Kept samples only (warm-ups already dropped), in the order measured. */
  readonly values: readonly number[];
  readonly warmups: number;
}

export interface Summary {
  readonly runs: number;
  readonly warmups: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly values: readonly number[];
}

/** Median of a non-empty list: the middle value, or the mean of the two middle values. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as number;
  return sorted.length % 2 === 1 ? upper : ((sorted[mid - 1] as number) + upper) / 2;
}

export function summarize(sample: Sample): Summary {
  const { values } = sample;
  return {
    runs: values.length,
    warmups: sample.warmups,
    median: median(values),
    min: Math.min(...values),
    max: Math.max(...values),
    values,
  };
}

/**
 * The ratio of each round's pair (subject and baseline timed back to back in the same round), as a
 * sample: its median is the budget's value. A slow spell of a shared machine slows both sides of the
 * rounds it falls in, so per-round ratios move far less from run to run than a ratio of two medians
 * taken over different moments.
 */
export function pairedRatios(subject: Sample, baseline: Sample): Sample {
  if (subject.values.length !== baseline.values.length || subject.values.length === 0)
    throw new Error(
      `paired ratios need one baseline per subject run (got ${subject.values.length} and ${baseline.values.length})`,
    );
  return {
    values: subject.values.map((v, i) => ratio(v, baseline.values[i] as number)),
    warmups: subject.warmups,
  };
}

/** Ratio of two numbers; the baseline must be positive or the ratio means nothing. */
export function ratio(subject: number, baseline: number): number {
  if (!(baseline > 0)) throw new Error(`baseline must be > 0 (got ${baseline})`);
  return subject / baseline;
}

/** A budget holds when the value is at most the limit (all budgets here are upper bounds). */
export function withinBudget(value: number, limit: number): boolean {
  return Number.isFinite(value) && value <= limit;
}

/** Rounds for display and JSON: keeps results readable without pretending to more precision than runs give. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
