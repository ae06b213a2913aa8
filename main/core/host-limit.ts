/**
 * Limits how many requests go to one host at a time, and pauses a host whose rate-limit budget is used
 * up (Okta's X-Rate-Limit-Remaining: 0 until X-Rate-Limit-Reset), so `verify --all` over many orgs that
 * share one Okta org stays within Okta's concurrency and per-minute limits instead of provoking 429s.
 * Requests to other hosts are not delayed. Wraps any HttpClient; the response is returned untouched.
 */
import type { HttpClient } from './http';
import { headerOf, type PlainRequest } from './plain-answer';

export interface HostLimitOptions {
  /** Requests in flight per host. */
  readonly perHost: number;
  /** Longest pause honoured for an exhausted budget (longer resets are left to the caller's 429 handling). */
  readonly maxPauseMs?: number;
  readonly nowMs?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

interface HostState {
  inFlight: number;
  readonly waiting: (() => void)[];
  pausedUntil: number;
}

/** Epoch ms until which a host should get no new request, from its rate-limit headers (Okta's names). */
export function pauseUntil(
  header: (name: string) => string | null,
  nowMs: number,
  maxPauseMs: number,
): number | undefined {
  const remaining = header('x-rate-limit-remaining');
  const reset = Number(header('x-rate-limit-reset'));
  if (remaining === null || Number(remaining) > 0 || !Number.isFinite(reset)) return undefined;
  const until = reset * 1000;
  return until > nowMs && until - nowMs <= maxPauseMs ? until : undefined;
}

export function limitPerHost(http: HttpClient, options: HostLimitOptions): HttpClient {
  const hosts = new Map<string, HostState>();
  const nowMs = options.nowMs ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxPauseMs = options.maxPauseMs ?? 60_000;
  const stateOf = (host: string): HostState => {
    let s = hosts.get(host);
    if (!s) hosts.set(host, (s = { inFlight: 0, waiting: [], pausedUntil: 0 }));
    return s;
  };
  /** Runs `send` once the host has a free slot and is not paused; `header` reads its answer's headers. */
  async function limited<A>(
    input: string | URL,
    send: () => Promise<A>,
    header: (answer: A, name: string) => string | null,
  ): Promise<A> {
    const s = stateOf(new URL(String(input)).host);
    if (s.inFlight >= options.perHost) await new Promise<void>((r) => s.waiting.push(r));
    s.inFlight++;
    try {
      const wait = s.pausedUntil - nowMs();
      if (wait > 0) await sleep(wait);
      const answer = await send();
      const until = pauseUntil((name) => header(answer, name), nowMs(), maxPauseMs);
      if (until !== undefined) s.pausedUntil = Math.max(s.pausedUntil, until);
      return answer;
    } finally {
      s.inFlight--;
      s.waiting.shift()?.();
    }
  }
  const client = (input: string | URL, init?: RequestInit) =>
    limited(
      input,
      () => http(input, init),
      (res, name) => res.headers.get(name),
    );
  const inner = http.plain;
  if (!inner) return client;
  // The plain path shares the same slots: it is the same host's budget.
  const plain: PlainRequest = (input, init) => limited(input, () => inner(input, init), headerOf);
  return Object.assign(client, { plain });
}
