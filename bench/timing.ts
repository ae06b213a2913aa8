/**
 * Repetition schedules. Paired measurements alternate which side goes first on every round, so a slow
 * drift of the shared 2-core machine (other engineers' jobs) lands on both sides instead of one.
 */
import type { Sample } from './stats';

export interface RepeatOptions {
  readonly warmups: number;
  readonly runs: number;
}

/** Runs `measure` warmups + runs times, sequentially; warm-up results are dropped. */
export async function repeat(
  options: RepeatOptions,
  measure: (round: number) => Promise<number>,
): Promise<Sample> {
  const values: number[] = [];
  for (let i = 0; i < options.warmups + options.runs; i += 1) {
    const value = await measure(i);
    if (i >= options.warmups) values.push(value);
  }
  return { values, warmups: options.warmups };
}

/** The order of sides in round `round`: forward on even rounds, reversed on odd ones. */
export function roundOrder(sides: number, round: number): number[] {
  const forward = Array.from({ length: sides }, (_, i) => i);
  return round % 2 === 0 ? forward : forward.reverse();
}

/** Measures several sides round by round (A B, B A, A B, …); returns one Sample per side, in input order. */
export async function repeatInterleaved(
  options: RepeatOptions,
  sides: readonly ((round: number) => Promise<number>)[],
): Promise<Sample[]> {
  const values: number[][] = sides.map(() => []);
  for (let round = 0; round < options.warmups + options.runs; round += 1) {
    for (const side of roundOrder(sides.length, round)) {
      const value = await (sides[side] as (round: number) => Promise<number>)(round);
      if (round >= options.warmups) (values[side] as number[]).push(value);
    }
  }
  return values.map((v) => ({ values: v, warmups: options.warmups }));
}

/** Milliseconds since `start` (a process.hrtime.bigint() reading). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
