import { describe, expect, it } from 'vitest';
import { limitPerHost, pauseUntil } from '../../main/core/host-limit';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/** A clock that a pause moves forward at once; `slept` lists the pauses asked for. */
function fakeClock() {
  let now = 1_000_000;
  const slept: number[] = [];
  return {
    now: () => now,
    slept,
    options: {
      nowMs: () => now,
      sleep: async (ms: number) => {
        slept.push(ms);
        now += ms;
      },
    },
  };
}

describe('limitPerHost', () => {
  it('keeps at most perHost requests in flight to one host, and does not hold back other hosts', async () => {
    const inFlight = new Map<string, number>();
    const peak = new Map<string, number>();
    const gates: (() => void)[] = [];
    const http = async (input: string | URL) => {
      const host = new URL(String(input)).host;
      inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
      peak.set(host, Math.max(peak.get(host) ?? 0, inFlight.get(host) ?? 0));
      const gate = deferred();
      gates.push(gate.resolve);
      await gate.promise;
      inFlight.set(host, (inFlight.get(host) ?? 1) - 1);
      return new Response('[]');
    };
    const limited = limitPerHost(http, { perHost: 2 });
    const all = Promise.all([
      ...Array.from({ length: 6 }, (_, i) => limited(`https://acme.okta.com/api/v1/apps?${i}`)),
      ...Array.from({ length: 3 }, (_, i) => limited(`https://a${i}.my.salesforce.com/x`)),
    ]);
    for (let i = 0; i < 50 && gates.length < 5; i++) await new Promise((r) => setImmediate(r));
    // 2 to Okta + 3 to three Salesforce hosts are sent at once; the other 4 Okta requests wait.
    expect(gates.length).toBe(5);
    while (gates.length > 0) {
      gates.shift()?.();
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    }
    await all;
    expect(peak.get('acme.okta.com')).toBe(2);
  });

  it('pauses a host whose rate-limit budget is used up until its reset, then goes on', async () => {
    const clock = fakeClock();
    let calls = 0;
    const http = async () => {
      calls++;
      return new Response('[]', {
        headers:
          calls === 1
            ? { 'X-Rate-Limit-Remaining': '0', 'X-Rate-Limit-Reset': String((clock.now() + 5_000) / 1000) }
            : { 'X-Rate-Limit-Remaining': '99', 'X-Rate-Limit-Reset': String((clock.now() + 60_000) / 1000) },
      });
    };
    const limited = limitPerHost(http, { perHost: 1, ...clock.options });
    await limited('https://acme.okta.com/api/v1/apps');
    await limited('https://acme.okta.com/api/v1/logs');
    await limited('https://other.okta.com/api/v1/apps');
    expect(clock.slept).toEqual([5_000]);
    expect(calls).toBe(3);
  });

  it('gives the plain path the same slots and pauses as the fetch path', async () => {
    const gates: (() => void)[] = [];
    let inFlight = 0;
    let peak = 0;
    const answer = (remaining: string) => ({
      status: 200,
      url: '',
      headers: { 'x-rate-limit-remaining': remaining, 'x-rate-limit-reset': '1005' },
      text: '[]',
    });
    const slow = async <A>(value: A): Promise<A> => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise<void>((r) => gates.push(r));
      inFlight--;
      return value;
    };
    const http = Object.assign(async () => slow(new Response('[]')), {
      plain: async () => slow(answer(gates.length === 0 ? '0' : '9')),
    });
    const clock = fakeClock();
    const limited = limitPerHost(http, { perHost: 1, ...clock.options });
    if (!limited.plain) throw new Error('the plain path was dropped');
    const all = Promise.all([limited.plain('https://acme.okta.com/a'), limited('https://acme.okta.com/b')]);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 10 && gates.length === 0; i++) await new Promise((r) => setImmediate(r));
      gates.shift()?.();
    }
    await all;
    expect(peak).toBe(1);
    // The plain answer's exhausted budget paused the next request until the reset.
    expect(clock.slept).toEqual([5_000]);
    expect(limitPerHost(async () => new Response(''), { perHost: 1 }).plain).toBeUndefined();
  });

  it('reads only an exhausted budget with a near reset as a pause', () => {
    const h = (remaining: string, reset: number) => {
      const headers = new Headers({
        'X-Rate-Limit-Remaining': remaining,
        'X-Rate-Limit-Reset': String(reset),
      });
      return (name: string) => headers.get(name);
    };
    expect(pauseUntil(h('0', 1_010), 1_000_000, 60_000)).toBe(1_010_000);
    expect(pauseUntil(h('3', 1_010), 1_000_000, 60_000)).toBeUndefined();
    expect(pauseUntil(h('0', 990), 1_000_000, 60_000)).toBeUndefined();
    expect(pauseUntil(h('0', 1_100), 1_000_000, 60_000)).toBeUndefined();
    expect(pauseUntil(() => null, 1_000_000, 60_000)).toBeUndefined();
  });
});
