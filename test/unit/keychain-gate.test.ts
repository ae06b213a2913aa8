import { describe, expect, it } from 'vitest';
import { KeychainGate } from '../../main/core/storage/keychain-gate';

/** A task that records when it runs and finishes only when released. */
function recorder() {
  const log: string[] = [];
  const releases = new Map<string, () => void>();
  let active = 0;
  let peak = 0;
  const task = (name: string) => async () => {
    active++;
    peak = Math.max(peak, active);
    log.push(`start ${name}`);
    await new Promise<void>((r) => releases.set(name, r));
    active--;
    log.push(`end ${name}`);
    return name;
  };
  const release = async (name: string) => {
    releases.get(name)?.();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  };
  return { log, task, release, settle, peak: () => peak, active: () => active };
}

describe('KeychainGate', () => {
  it('runs reads side by side, at most readsAtOnce of them', async () => {
    const gate = new KeychainGate(2);
    const r = recorder();
    const all = Promise.all(['a', 'b', 'c'].map((n) => gate.run(false, r.task(n))));
    await r.settle();
    expect(r.log).toEqual(['start a', 'start b']);
    await r.release('a');
    expect(r.log).toEqual(['start a', 'start b', 'end a', 'start c']);
    await r.release('b');
    await r.release('c');
    expect(await all).toEqual(['a', 'b', 'c']);
    expect(r.peak()).toBe(2);
  });

  it('runs a write alone: after the reads before it, before the reads after it', async () => {
    const gate = new KeychainGate(2);
    const r = recorder();
    const first = gate.run(false, r.task('read1'));
    const write = gate.run(true, r.task('write'));
    const later = gate.run(false, r.task('read2'));
    await r.settle();
    // The later read is not let past the waiting write, though a read slot is free.
    expect(r.log).toEqual(['start read1']);
    await r.release('read1');
    expect(r.log).toEqual(['start read1', 'end read1', 'start write']);
    await r.release('write');
    expect(r.log.slice(-2)).toEqual(['end write', 'start read2']);
    await r.release('read2');
    await Promise.all([first, write, later]);
    expect(r.peak()).toBe(1);
  });

  it('frees the slot of a task that fails', async () => {
    const gate = new KeychainGate(1);
    await expect(gate.run(false, () => Promise.reject(new Error('no answer')))).rejects.toThrow('no answer');
    expect(await gate.run(true, async () => 'next')).toBe('next');
  });
});
