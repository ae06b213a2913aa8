/**
 * `pkce-pilot verify --all --json` over 1, 10 and 50 signed-in orgs against the local Salesforce with
 * 100 ms added to every answer. Setup (untimed): each org is added with `org add` and signed in once with
 * `login` (one keychain item per alias); the 1- and 10-org data folders hold the first aliases of the
 * 50, so they reuse those keychain items. Okta is not configured on these orgs: the Okta checks report
 * "not configured" without network, and the time is Salesforce's reads (5 requests per org).
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import type { SalesforceTestServer } from '../test/servers/salesforce-server';
import { addOrg, loginWithCli, runCli } from './salesforce-fixture';
import { repeat, type RepeatOptions } from './timing';
import type { Sample } from './stats';

export const ORG_COUNTS = [1, 10, 50] as const;

export function aliasOf(i: number): string {
  return `bench-org-${String(i).padStart(2, '0')}`;
}

export interface VerifyHomes {
  /** Data folder per org count. */
  readonly homes: ReadonlyMap<number, string>;
}

/** Adds and signs in max(ORG_COUNTS) orgs; `ports` are loopback ports registered on the client, one per parallel sign-in. */
export async function prepareVerifyHomes(
  server: SalesforceTestServer,
  workDir: string,
  ports: readonly number[],
): Promise<VerifyHomes> {
  const homes = new Map<number, string>();
  for (const count of ORG_COUNTS) homes.set(count, await mkdtemp(path.join(workDir, `verify-${count}-`)));
  const max = Math.max(...ORG_COUNTS);
  const indexes = Array.from({ length: max }, (_, i) => i);
  const biggest = homes.get(max) as string;
  // Adds run one at a time: concurrent `org add` processes on one data folder can lose an update
  // (read-modify-write of orgs.json). Sign-ins only touch the keychain, so they run in parallel, each
  // worker on its own registered loopback port (the org's port decides where the CLI listens).
  const portOf = (i: number) => ports[i % ports.length] as number;
  for (const i of indexes)
    for (const count of ORG_COUNTS)
      if (i < count) await addOrg(homes.get(count) as string, aliasOf(i), server, portOf(i));
  const bySlot = ports.map((_, slot) => indexes.filter((i) => i % ports.length === slot));
  await Promise.all(
    bySlot.map(async (mine) => {
      for (const i of mine) await loginWithCli(biggest, aliasOf(i));
    }),
  );
  return { homes };
}

interface VerifyJson {
  org: string;
  error?: unknown;
  checks: { id: string; status: string }[];
}

/** One timed `verify --all --json`; checks that every org was really verified (signed in, reads done). */
export async function timeVerifyAll(home: string, expectedOrgs: number): Promise<number> {
  // Exit 1 means "a check failed", which is a verdict, not a bench failure; the JSON is checked instead.
  const run = await runCli(['verify', '--all', '--json'], home, undefined, [0, 1]);
  const results = JSON.parse(run.stdout) as VerifyJson[];
  if (results.length !== expectedOrgs)
    throw new Error(`verify --all returned ${results.length} results for ${expectedOrgs} orgs`);
  for (const r of results) {
    const signIn = r.checks.find((c) => c.id === 'salesforce.signin.pkce');
    const orgPkce = r.checks.find((c) => c.id === 'salesforce.org.pkce-required');
    if (r.error || signIn?.status !== 'pass' || orgPkce?.status !== 'pass') {
      throw new Error(
        `verify did not reach Salesforce for ${r.org}: sign-in ${signIn?.status}, org PKCE ${orgPkce?.status}`,
      );
    }
  }
  return run.ms;
}

export async function benchVerify(
  server: SalesforceTestServer,
  homes: VerifyHomes,
  latencyMs: number,
  options: RepeatOptions,
): Promise<Map<number, Sample>> {
  server.setLatency(latencyMs);
  try {
    const out = new Map<number, Sample>();
    for (const count of ORG_COUNTS)
      out.set(count, await repeat(options, () => timeVerifyAll(homes.homes.get(count) as string, count)));
    return out;
  } finally {
    server.setLatency(0);
  }
}
