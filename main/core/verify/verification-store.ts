/**
 * The latest verification result per org (`verifications.json`), so reports and the app can show the
 * checks with their evidence after the run that produced them. Results hold only values read from the
 * APIs — never a token.
 */
import path from 'node:path';
import * as z from '../storage/schema';
import { JsonFileStore, type Recovery } from '../storage/json-file-store';
import type { VerificationResult } from './types';

export const VERIFICATIONS_FILE = 'verifications.json';
const SCHEMA_VERSION = 1;

const evidenceValue = z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(z.string())]);
const checkSchema = z.object({
  id: z.string(),
  status: z.enum(['pass', 'fail', 'unknown', 'manual']),
  // Absent in results stored before the field existed (check-catalog.ts checkIsRequired falls back).
  required: z.optional(z.boolean()),
  summary: z.string(),
  evidence: z.object({ api: z.string(), values: z.record(z.string(), evidenceValue), at: z.string() }),
});
const resultSchema = z.object({
  org: z.string(),
  checkedAt: z.string(),
  checks: z.array(checkSchema),
  error: z.optional(z.object({ code: z.string(), message: z.string(), hint: z.string() })),
});
const fileSchema = z.object({ orgs: z.record(z.string(), resultSchema) });
type VerificationsFile = z.infer<typeof fileSchema>;

export class VerificationStore {
  readonly #file: JsonFileStore<VerificationsFile>;

  constructor(
    dataFolder: string,
    private readonly onRecovered?: (r: Recovery) => void,
  ) {
    this.#file = new JsonFileStore<VerificationsFile>({
      path: path.join(dataFolder, VERIFICATIONS_FILE),
      schemaVersion: SCHEMA_VERSION,
      parse: (data) => fileSchema.parse(data),
      empty: () => ({ orgs: {} }),
    });
  }

  async latest(alias: string): Promise<VerificationResult | undefined> {
    const all = await this.latestAll();
    return Object.hasOwn(all, alias) ? all[alias] : undefined; // own keys: "constructor" is a valid alias
  }

  /** Every org's latest result by alias, from one read of the file (views of many orgs). */
  async latestAll(): Promise<Readonly<Record<string, VerificationResult>>> {
    const { value, recovered } = await this.#file.load();
    if (recovered) this.onRecovered?.(recovered);
    return value.orgs as Readonly<Record<string, VerificationResult>>;
  }

  /** Keeps the given results (one write for all of them). */
  async save(results: readonly VerificationResult[]): Promise<void> {
    if (results.length === 0) return;
    // Validated once, with the whole file, as it is written (JsonFileStore.saveNow): an invalid result
    // fails the save and leaves the file as it was.
    await this.#file.update((current) => {
      const orgs = { ...current.orgs };
      for (const r of results) orgs[r.org] = r as VerificationsFile['orgs'][string];
      return { value: { orgs }, result: undefined };
    });
  }

  async remove(alias: string): Promise<void> {
    await this.#file.update((current) => {
      const { [alias]: _removed, ...rest } = current.orgs;
      return { value: { orgs: rest }, result: undefined };
    });
  }
}
