/**
 * Shared pieces of the property-based fuzz suites: the run budget (PKCE_PILOT_FUZZ_RUNS), a counting
 * stub token endpoint, an in-memory token vault, and small helpers for asserting "only PilotError".
 * Not a test file itself (vitest collects *.test.ts only).
 */
import { isPilotError, type PilotErrorCode } from '../../main/core/errors';
import type { OrgSettings, ProviderId, TokenSet } from '../../main/core/model';
import type { TokenVault } from '../../main/core/auth/token-service';

/** Default total of redirect inputs per run; the requirement is >= 100,000. */
export const DEFAULT_TOTAL_RUNS = 100_000;

/** Total redirect-handling inputs for this run: PKCE_PILOT_FUZZ_RUNS, else the default. */
export function totalRuns(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env['PKCE_PILOT_FUZZ_RUNS'];
  if (raw === undefined || raw.trim() === '') return DEFAULT_TOTAL_RUNS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`PKCE_PILOT_FUZZ_RUNS must be a positive integer, got "${raw}"`);
  return n;
}

/** A share of the total, at least `min` so small budgets still exercise every suite. */
export function share(total: number, fraction: number, min = 50): number {
  return Math.max(min, Math.ceil(total * fraction));
}

/** Seed for reproducing a failure: PKCE_PILOT_FUZZ_SEED, else fast-check's own (printed on failure). */
export function seedOption(): { seed?: number } {
  const raw = process.env['PKCE_PILOT_FUZZ_SEED'];
  return raw ? { seed: Number(raw) } : {};
}

/** A cheap assertion for hot loops; fast-check reports the failing input and the seed. */
export function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Rethrows anything that is not a PilotError (with one of `codes`, when given) so fast-check reports it. */
export function expectPilotError(
  e: unknown,
  codes?: readonly PilotErrorCode[],
): asserts e is import('../../main/core/errors').PilotError {
  if (!isPilotError(e)) {
    throw new Error(
      `expected a PilotError, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
      { cause: e },
    );
  }
  if (codes && !codes.includes(e.code))
    throw new Error(`unexpected PilotError code ${e.code} (${e.message})`, { cause: e });
  if (!e.message.trim() || !e.hint.trim())
    throw new Error(`PilotError ${e.code} lacks a message or a next step`);
}

export function memoryVault(): TokenVault & { size(): number } {
  const m = new Map<string, TokenSet>();
  return {
    get: async (a, p) => m.get(`${a}/${p}`),
    set: async (a, p, t) => void m.set(`${a}/${p}`, t),
    delete: async (a, p) => m.delete(`${a}/${p}`),
    size: () => m.size,
  };
}

export const STUB_LOGIN_URL = 'https://login.salesforce.com';

/**
 * A fetch stand-in that answers Salesforce's token endpoint with a well-formed token response and
 * counts every call made to it; everything else (identity) gets a 404, which sign-in tolerates.
 */
export function countingTokenEndpoint(baseUrl = STUB_LOGIN_URL): {
  http: (input: string | URL, init?: RequestInit) => Promise<Response>;
  tokenRequests(): number;
  otherRequests(): number;
} {
  let token = 0;
  let other = 0;
  const tokenUrl = `${baseUrl}/services/oauth2/token`;
  const http = async (input: string | URL, init?: RequestInit): Promise<Response> => {
    if (String(input) === tokenUrl && (init?.method ?? 'GET').toUpperCase() === 'POST') {
      token += 1;
      const body = {
        access_token: `at-${token}`,
        refresh_token: `rt-${token}`,
        token_type: 'Bearer',
        instance_url: 'https://acme.my.salesforce.com',
        id: `${baseUrl}/id/00D5g000004PkCeEAK/005000000000001AAA`,
        issued_at: String(Date.now()),
        scope: 'api refresh_token id',
      };
      return new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json' },
      });
    }
    other += 1;
    return new Response('{}', { status: 404, headers: { 'content-type': 'application/json' } });
  };
  return { http, tokenRequests: () => token, otherRequests: () => other };
}

export function orgRegistry(orgs: readonly OrgSettings[]): { get(alias: string): Promise<OrgSettings> } {
  const byAlias = new Map(orgs.map((o) => [o.alias, o]));
  return {
    get: async (alias) => {
      const o = byAlias.get(alias);
      if (!o) throw new Error(`test setup: no org ${alias}`);
      return o;
    },
  };
}

export function orgSettings(
  alias: string,
  baseUrl: string,
  clientId: string,
  redirect: 'scheme' | 'loopback',
  port: number,
): OrgSettings {
  const now = new Date(0).toISOString();
  return { alias, salesforce: { baseUrl, clientId, redirect, port }, createdAt: now, updatedAt: now };
}

export function stateOf(authorizationUrl: string): string {
  const state = new URL(authorizationUrl).searchParams.get('state');
  if (!state) throw new Error('authorization URL without state');
  return state;
}

export type { ProviderId };
