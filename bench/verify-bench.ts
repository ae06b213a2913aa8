/**
 * `pkce-pilot verify --all --json` over 1, 10, 50 and 200 signed-in orgs of the bench world
 * (bench/verify-world.ts: every check can pass, every read runs) with 100 ms added to every answer.
 *
 * Setup (untimed): one org is added and signed in through the CLI, to Salesforce and to Okta; the keychain
 * item(s) those sign-ins left (one per org here: storage/org-sign-ins.ts) are then copied to every bench
 * alias, as real sign-ins would leave them, and the orgs are written with the core's OrgStore (the same code `org add` runs, without
 * 261 process starts). The 1-, 10- and 50-org data folders hold the first aliases of the 200.
 * Timed: each round runs every org count once, the order alternating round by round.
 */
import { mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import keytar from 'keytar';
import { buildOrgSettings } from '../main/core/org-input';
import { ensureDataFolder } from '../main/core/storage/data-folder';
import { OrgStore } from '../main/core/storage/org-store';
import { orgAccount, providerAccount } from '../main/core/storage/org-sign-ins';
import { SERVICE } from '../main/core/storage/secret-store';
import { addOrg, loginWithCli, runCli } from './salesforce-fixture';
import { repeatInterleaved, type RepeatOptions } from './timing';
import type { Sample } from './stats';
import {
  OKTA_CLIENT_ID,
  SALESFORCE_CLIENT_ID,
  verifyRunProblems,
  type VerifiedOrgJson,
  type VerifyWorldControl,
} from './verify-world';

export const ORG_COUNTS = [1, 10, 50, 200] as const;

export function aliasOf(i: number): string {
  return `bench-org-${String(i).padStart(3, '0')}`;
}

/** Data folder per org count. */
export type VerifyHomes = ReadonlyMap<number, string>;

/** An org's keychain items by account suffix ("sign-ins", or "salesforce" and "okta" on Windows). */
export type SeedItems = ReadonlyMap<string, string>;

const ITEM_SUFFIXES = [
  orgAccount(''),
  providerAccount('', 'salesforce'),
  providerAccount('', 'okta'),
] as const;

/** Signs one org in through the CLI (Salesforce and Okta) and returns the keychain items it left. */
export async function signInSeed(
  world: VerifyWorldControl,
  home: string,
  alias: string,
  port: number,
): Promise<SeedItems> {
  await addOrg(home, alias, world, port, true);
  await loginWithCli(home, alias);
  await loginWithCli(home, alias, true);
  const items = new Map<string, string>();
  for (const suffix of ITEM_SUFFIXES) {
    const text = await keytar.getPassword(SERVICE, `${alias}${suffix}`);
    if (text) items.set(suffix, text);
  }
  if (items.size === 0) throw new Error(`the seed sign-ins of ${alias} left no keychain items`);
  return items;
}

/** Writes `count` orgs of the world into `home`, all with Okta configured. */
export async function writeOrgs(
  world: VerifyWorldControl,
  home: string,
  count: number,
  port: number,
): Promise<void> {
  await ensureDataFolder(home);
  const store = new OrgStore(home);
  for (let i = 0; i < count; i++)
    await store.add(
      buildOrgSettings({
        alias: aliasOf(i),
        salesforceLoginUrl: world.salesforce.url,
        clientId: SALESFORCE_CLIENT_ID,
        port,
        oktaOrgUrl: world.okta.url,
        oktaClientId: OKTA_CLIENT_ID,
      }),
    );
}

/** Stores the seed's sign-ins (both providers) for every alias. */
export async function copySignIns(items: SeedItems, count: number): Promise<void> {
  for (let i = 0; i < count; i++)
    for (const [suffix, text] of items) await keytar.setPassword(SERVICE, `${aliasOf(i)}${suffix}`, text);
}

export async function prepareVerifyHomes(
  world: VerifyWorldControl,
  workDir: string,
  port: number,
  items: SeedItems,
): Promise<VerifyHomes> {
  const homes = new Map<number, string>();
  for (const count of ORG_COUNTS) {
    const home = await mkdtemp(path.join(workDir, `verify-${count}-`));
    await writeOrgs(world, home, count, port);
    homes.set(count, home);
  }
  await copySignIns(items, Math.max(...ORG_COUNTS));
  return homes;
}

export interface VerifyRun {
  readonly ms: number;
  readonly peakRssKiB: number;
  /** CPU time the CLI process used (user + system): the work, whatever the machine's load. */
  readonly cpuMs: number;
}

/**
 * One timed `verify --all --json`; throws unless every org was verified completely: each check's status
 * as VERIFY_EXPECTED says and exactly its requests per org (a skipped read fails the bench).
 */
export async function timeVerifyAll(
  world: VerifyWorldControl,
  home: string,
  count: number,
): Promise<VerifyRun> {
  const before = await world.requestCounts();
  const tokensBefore = await world.tokenRequests();
  // Exit 1 means "a check failed", which is a verdict, not a bench failure; the JSON is checked instead.
  const run = await runCli(['verify', '--all', '--json'], home, undefined, [0, 1], [], undefined, true);
  const after = await world.requestCounts();
  const problems = verifyRunProblems({
    results: JSON.parse(run.stdout) as VerifiedOrgJson[],
    expectedOrgs: Array.from({ length: count }, (_, i) => aliasOf(i)),
    requests: { salesforce: after.salesforce - before.salesforce, okta: after.okta - before.okta },
    tokenRequests: (await world.tokenRequests()) - tokensBefore,
  });
  if (problems.length > 0)
    throw new Error(
      `verify --all over ${count} org(s) did not verify completely:\n  ${problems.join('\n  ')}`,
    );
  if (run.peakRssKiB === undefined || run.cpuMs === undefined)
    throw new Error('the peak RSS and CPU time of verify were not recorded');
  return { ms: run.ms, peakRssKiB: run.peakRssKiB, cpuMs: run.cpuMs };
}

export interface VerifySamples {
  readonly ms: ReadonlyMap<number, Sample>;
  /** Peak RSS in MiB per org count. */
  readonly rssMiB: ReadonlyMap<number, Sample>;
  /** Most Okta requests in flight at once over all runs. */
  readonly oktaPeakConcurrency: number;
}

export async function benchVerify(
  world: VerifyWorldControl,
  homes: VerifyHomes,
  latencyMs: number,
  options: RepeatOptions,
): Promise<VerifySamples> {
  await world.setLatency(latencyMs);
  await world.resetOktaPeak();
  const rss = new Map<number, number[]>(ORG_COUNTS.map((c) => [c, []]));
  try {
    const samples = await repeatInterleaved(
      options,
      ORG_COUNTS.map((count) => async (round: number) => {
        const run = await timeVerifyAll(world, homes.get(count) as string, count);
        if (round >= options.warmups) rss.get(count)?.push(run.peakRssKiB / 1024);
        return run.ms;
      }),
    );
    return {
      ms: new Map(ORG_COUNTS.map((c, i) => [c, samples[i] as Sample])),
      rssMiB: new Map(ORG_COUNTS.map((c) => [c, { values: rss.get(c) ?? [], warmups: options.warmups }])),
      oktaPeakConcurrency: await world.oktaPeakConcurrency(),
    };
  } finally {
    await world.setLatency(0);
  }
}
