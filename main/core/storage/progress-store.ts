/**
 * Checklist progress per org, in `progress.json`. The admin has the last word: a verification check may
 * tick an undecided item, but never unticks or overrides what the admin decided; a disagreement is
 * returned as `conflict` for the UI to show instead.
 */
import path from 'node:path';
import * as z from './schema';
import { PilotError } from '../errors';
import { JsonFileStore, type Recovery, type StoreFileSystem } from './json-file-store';
import { aliasSchema, isoTimeSchema, validate } from './org-store';

export const PROGRESS_FILE = 'progress.json';
const PROGRESS_SCHEMA_VERSION = 1;
export const NOTE_MAX_CHARS = 2000;
const SUMMARY_MAX_CHARS = 2000;

export type EvidenceStatus = 'pass' | 'fail' | 'unknown' | 'manual';

export interface Evidence {
  checkId: string;
  status: EvidenceStatus;
  summary: string;
  at: string; // ISO 8601
}

export interface ItemProgress {
  done: boolean;
  doneAt?: string;
  /** Who last decided `done`. 'admin' decisions are never changed by verification. */
  doneBy?: 'admin' | 'verification';
  note?: string;
  noteAt?: string;
  evidence?: Evidence;
}

const charCount = (text: string): number => [...text].length;
/** At most `max` characters (code points): these never outnumber UTF-16 units, so most need no count. */
const fits = (text: string, max: number): boolean => text.length <= max || charCount(text) <= max;

export const itemIdSchema = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/,
      'A checklist item id is 1–128 letters, digits or . _ : / -.',
    ),
  );

export const evidenceSchema = z.object({
  checkId: z.string().check(z.minLength(1), z.maxLength(128)),
  status: z.enum(['pass', 'fail', 'unknown', 'manual']),
  summary: z
    .string()
    .check(
      z.refine((s) => fits(s, SUMMARY_MAX_CHARS), `A summary is at most ${SUMMARY_MAX_CHARS} characters.`),
    ),
  at: isoTimeSchema,
});

const itemProgressSchema = z.object({
  done: z.boolean(),
  doneAt: z.optional(isoTimeSchema),
  doneBy: z.optional(z.enum(['admin', 'verification'])),
  note: z.optional(z.string().check(z.refine((s) => fits(s, NOTE_MAX_CHARS)))),
  noteAt: z.optional(isoTimeSchema),
  evidence: z.optional(evidenceSchema),
}) satisfies z.ZodMiniType<ItemProgress>;

const progressFileSchema = z.object({
  orgs: z.record(aliasSchema, z.record(itemIdSchema, itemProgressSchema)),
});
type ProgressFile = z.infer<typeof progressFileSchema>;
type OrgProgress = Record<string, ItemProgress>;

export interface ProgressStoreOptions {
  readonly onRecovered?: (recovery: Recovery) => void;
  readonly now?: () => Date;
  readonly fileSystem?: StoreFileSystem;
}

export interface EvidenceOutcome {
  readonly item: ItemProgress;
  /** Set when the check disagrees with the admin's decision; plain sentence for the UI. */
  readonly conflict?: string;
}

export class ProgressStore {
  private readonly file: JsonFileStore<ProgressFile>;
  private readonly now: () => Date;

  constructor(
    dataFolder: string,
    private readonly options: ProgressStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.file = new JsonFileStore<ProgressFile>({
      path: path.join(dataFolder, PROGRESS_FILE),
      schemaVersion: PROGRESS_SCHEMA_VERSION,
      parse: (data) => progressFileSchema.parse(data),
      empty: () => ({ orgs: {} }),
      ...(options.fileSystem ? { fileSystem: options.fileSystem } : {}),
    });
  }

  get path(): string {
    return this.file.path;
  }

  async getOrg(alias: string): Promise<Record<string, ItemProgress>> {
    const all = await this.getAll();
    // Own keys only: "constructor" is a valid alias, and a plain object inherits one.
    return (Object.hasOwn(all, alias) ? all[alias] : undefined) ?? {};
  }

  /** Every org's progress by alias, from one read of the file (views of many orgs: not one read per org). */
  async getAll(): Promise<Readonly<Record<string, Record<string, ItemProgress>>>> {
    const { value, recovered } = await this.file.load();
    if (recovered) this.options.onRecovered?.(recovered);
    return value.orgs;
  }

  async setDone(
    alias: string,
    itemId: string,
    done: boolean,
    by: 'admin' | 'verification' = 'admin',
  ): Promise<ItemProgress> {
    return this.changeItem(alias, itemId, (item) => {
      const { doneAt: _old, ...rest } = item;
      return {
        item: { ...rest, done, doneBy: by, ...(done ? { doneAt: this.now().toISOString() } : {}) },
        result: undefined,
      };
    }).then((r) => r.item);
  }

  /** An empty (or blank) note removes it. */
  async setNote(alias: string, itemId: string, note: string): Promise<ItemProgress> {
    if (typeof note !== 'string') throw invalid('A note must be text.');
    const length = charCount(note);
    if (length > NOTE_MAX_CHARS) {
      throw invalid(
        `The note is ${length} characters long; a note can be at most ${NOTE_MAX_CHARS}.`,
        'Shorten the note and save it again.',
      );
    }
    return this.changeItem(alias, itemId, (item) => {
      const { note: _n, noteAt: _t, ...rest } = item;
      const next = note.trim() === '' ? rest : { ...rest, note, noteAt: this.now().toISOString() };
      return { item: next, result: undefined };
    }).then((r) => r.item);
  }

  /**
   * Stores a verification result. 'pass' ticks an item nobody decided yet; 'fail' unticks only a tick
   * that verification itself made. Admin decisions stay, and disagreements come back as `conflict`.
   */
  async recordEvidence(alias: string, itemId: string, evidence: Evidence): Promise<EvidenceOutcome> {
    const valid = validate(evidenceSchema, evidence, 'check result');
    const { item, result } = await this.changeItem(alias, itemId, (current) => decide(current, valid));
    return result ? { item, conflict: result } : { item };
  }

  /**
   * recordEvidence for many items (of one or many orgs) in ONE atomic write: `verify --all` over fifty
   * orgs would otherwise rewrite and fsync the file a few hundred times.
   */
  async recordEvidenceMany(
    entries: readonly { alias: string; itemId: string; evidence: Evidence }[],
  ): Promise<EvidenceOutcome[]> {
    const valid = entries.map((e) => ({
      alias: validate(aliasSchema, e.alias, 'org alias'),
      itemId: validate(itemIdSchema, e.itemId, 'checklist item id'),
      evidence: validate(evidenceSchema, e.evidence, 'check result'),
    }));
    if (valid.length === 0) return [];
    const { result, recovered } = await this.file.update((file) => {
      const orgs: Record<string, OrgProgress> = { ...file.orgs };
      const outcomes = valid.map(({ alias, itemId, evidence }) => {
        const org: OrgProgress = { ...(orgs[alias] ?? {}) };
        const { item, result: conflict } = decide(org[itemId] ?? { done: false }, evidence);
        org[itemId] = item;
        orgs[alias] = org;
        return conflict ? { item, conflict } : { item };
      });
      return { value: { orgs }, result: outcomes };
    });
    if (recovered) this.options.onRecovered?.(recovered);
    return result;
  }

  async removeOrg(alias: string): Promise<void> {
    await this.file.update((file) => {
      const { [alias]: _removed, ...orgs } = file.orgs;
      return { value: { orgs }, result: undefined };
    });
  }

  private async changeItem<R>(
    alias: string,
    itemId: string,
    change: (item: ItemProgress) => { item: ItemProgress; result: R },
  ): Promise<{ item: ItemProgress; result: R }> {
    validate(aliasSchema, alias, 'org alias');
    validate(itemIdSchema, itemId, 'checklist item id');
    const { result, recovered } = await this.file.update((file) => {
      const org: OrgProgress = { ...(file.orgs[alias] ?? {}) };
      const outcome = change(org[itemId] ?? { done: false });
      org[itemId] = outcome.item;
      return { value: { orgs: { ...file.orgs, [alias]: org } }, result: outcome };
    });
    if (recovered) this.options.onRecovered?.(recovered);
    return result;
  }
}

/** Pure decision for recordEvidence: new item state plus an optional conflict sentence. */
export function decide(
  item: ItemProgress,
  evidence: Evidence,
): { item: ItemProgress; result: string | undefined } {
  const withEvidence: ItemProgress = { ...item, evidence };
  const byAdmin = item.doneBy === 'admin';

  if (evidence.status === 'pass') {
    if (byAdmin && !item.done) {
      return {
        item: withEvidence,
        result: `You marked this step as not done, but the check passed: ${evidence.summary}`,
      };
    }
    if (!byAdmin && !item.done) {
      return {
        item: { ...withEvidence, done: true, doneBy: 'verification', doneAt: evidence.at },
        result: undefined,
      };
    }
    return { item: withEvidence, result: undefined };
  }

  if (evidence.status === 'fail') {
    if (byAdmin && item.done) {
      return {
        item: withEvidence,
        result: `You marked this step as done, but the check failed: ${evidence.summary}`,
      };
    }
    if (item.doneBy === 'verification' && item.done) {
      // The tick was only ever the check's own opinion; a newer failing check withdraws it.
      const { doneAt: _d, ...rest } = withEvidence;
      return { item: { ...rest, done: false, doneBy: 'verification' }, result: undefined };
    }
  }
  // 'unknown' and 'manual' carry no verdict, so they never change `done`.
  return { item: withEvidence, result: undefined };
}

function invalid(message: string, hint = 'Correct the value and try again.'): PilotError {
  return new PilotError('invalid-input', message, hint);
}
