import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PendingSignIns } from '../../main/core/auth/pending-signins';

const VERIFIER = 'v'.repeat(64);
const input = (over: Partial<{ alias: string; state: string; provider: 'salesforce' | 'okta' }> = {}) => ({
  alias: 'acme',
  provider: 'salesforce' as const,
  state: 'state-1',
  verifier: VERIFIER,
  redirectUri: 'http://127.0.0.1:7171/oauth/callback',
  ...over,
});

afterEach(() => vi.useRealTimers());

describe('PendingSignIns', () => {
  it('hands a sign-in out once by state and resolves its promise', async () => {
    const pending = new PendingSignIns<string>();
    const done = pending.add(input());
    const signIn = pending.take('state-1');
    expect(signIn.alias).toBe('acme');
    expect(await signIn.withVerifier(async (v) => v)).toBe(VERIFIER);
    signIn.resolve('ok');
    await expect(done).resolves.toBe('ok');
    expect(() => pending.take('state-1')).toThrow(expect.objectContaining({ code: 'state-mismatch' }));
  });

  it('rejects an unknown state', () => {
    const pending = new PendingSignIns();
    pending.add(input());
    expect(() => pending.take('forged')).toThrow(expect.objectContaining({ code: 'state-mismatch' }));
    expect(pending.size).toBe(1);
  });

  it('refuses a second sign-in for the same org and provider until the first is cancelled', async () => {
    const pending = new PendingSignIns();
    const first = pending.add(input());
    expect(() => pending.add(input({ state: 'state-2' }))).toThrow(
      expect.objectContaining({ code: 'signin-pending' }),
    );
    // Other provider or other org: fine.
    pending.add(input({ state: 'state-3', provider: 'okta' }));
    pending.add(input({ state: 'state-4', alias: 'other' }));
    expect(pending.cancel('acme', 'salesforce')).toBe(true);
    await expect(first).rejects.toMatchObject({ code: 'signin-cancelled' });
    expect(() => pending.add(input({ state: 'state-2' }))).not.toThrow();
    expect(pending.cancel('nobody', 'salesforce')).toBe(false);
  });

  it('rejects the waiting promise with signin-timeout when the timer fires', async () => {
    vi.useFakeTimers();
    const pending = new PendingSignIns({ ttlMs: 1000 });
    const done = pending.add(input());
    vi.advanceTimersByTime(1001);
    await expect(done).rejects.toMatchObject({ code: 'signin-timeout' });
    expect(() => pending.take('state-1')).toThrow(expect.objectContaining({ code: 'signin-timeout' }));
    expect(pending.size).toBe(0);
  });

  it('refuses an expired sign-in on take even before its timer ran', async () => {
    let now = 1_000;
    const pending = new PendingSignIns({ ttlMs: 500, now: () => now });
    const done = pending.add(input());
    now = 1_600;
    expect(() => pending.take('state-1')).toThrow(expect.objectContaining({ code: 'signin-timeout' }));
    await expect(done).rejects.toMatchObject({ code: 'signin-timeout' });
  });

  it('never exposes the verifier through JSON, toString or inspect', () => {
    const pending = new PendingSignIns();
    pending.add(input());
    const signIn = pending.take('state-1');
    expect(JSON.stringify(signIn)).not.toContain(VERIFIER);
    expect(String(signIn)).not.toContain(VERIFIER);
    expect(inspect(signIn, { depth: 5, showHidden: true })).not.toContain(VERIFIER);
    expect(Object.values(signIn)).not.toContain(VERIFIER);
  });

  it('does not crash the process when nobody awaits a cancelled sign-in', async () => {
    const pending = new PendingSignIns();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    pending.add(input());
    pending.cancelAll();
    await new Promise((r) => setImmediate(r));
    process.off('unhandledRejection', unhandled);
    expect(unhandled).not.toHaveBeenCalled();
    expect(pending.size).toBe(0);
  });
});
