/**
 * The orgs the admin configured, in `orgs.json` in the data folder. Validates shape only; URL
 * normalisation happens earlier (login-url.ts), in the CLI and IPC handlers, before add().
 */
import path from 'node:path';
import * as z from './schema';
import { PilotError } from '../errors';
import { JsonFileStore, type Recovery, type StoreFileSystem } from './json-file-store';
import type { OrgSettings, ProviderSettings } from '../model';

export const ORGS_FILE = 'orgs.json';
const ORGS_SCHEMA_VERSION = 1;

export const ALIAS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export const aliasSchema = z
  .string()
  .check(
    z.regex(
      ALIAS_PATTERN,
      'An alias is 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit.',
    ),
  );

const urlStringSchema = z
  .string()
  .check(
    z.refine((value) => URL.canParse(value), 'Must be a full URL such as https://login.salesforce.com.'),
  );
export const isoTimeSchema = z
  .string()
  .check(z.refine((value) => !Number.isNaN(Date.parse(value)), 'Must be an ISO 8601 time.'));

export const providerSettingsSchema = z.object({
  baseUrl: urlStringSchema,
  clientId: z
    .string()
    .check(z.trim(), z.minLength(1, 'The client ID (consumer key) is required.'), z.maxLength(256)),
  redirect: z.enum(['loopback', 'scheme']),
  port: z.number().check(z.int(), z.minimum(1024), z.maximum(65535)),
}) satisfies z.ZodMiniType<ProviderSettings>;

/** What add() takes: an org without its timestamps. */
export const orgInputSchema = z.object({
  alias: aliasSchema,
  salesforce: providerSettingsSchema,
  okta: z.optional(providerSettingsSchema),
});
export type OrgInput = z.infer<typeof orgInputSchema>;

export const orgSettingsSchema = z.extend(orgInputSchema, {
  createdAt: isoTimeSchema,
  updatedAt: isoTimeSchema,
}) satisfies z.ZodMiniType<OrgSettings>;

/** What update() takes: `okta: null` removes the Okta settings. The alias cannot change (keychain items use it). */
export const orgPatchSchema = z.object({
  salesforce: z.optional(providerSettingsSchema),
  okta: z.optional(z.nullable(providerSettingsSchema)),
});
export type OrgPatch = z.infer<typeof orgPatchSchema>;

const orgsFileSchema = z
  .object({ orgs: z.array(orgSettingsSchema) })
  .check(
    z.refine(
      (file) => new Set(file.orgs.map((o) => o.alias.toLowerCase())).size === file.orgs.length,
      'Aliases must be unique.',
    ),
  );
type OrgsFile = z.infer<typeof orgsFileSchema>;

export interface OrgStoreOptions {
  /** Told when orgs.json was unreadable and moved aside, so the UI/CLI can say so. */
  readonly onRecovered?: (recovery: Recovery) => void;
  readonly now?: () => Date;
  readonly fileSystem?: StoreFileSystem;
}

export class OrgStore {
  private readonly file: JsonFileStore<OrgsFile>;
  private readonly now: () => Date;

  constructor(
    dataFolder: string,
    private readonly options: OrgStoreOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
    this.file = new JsonFileStore<OrgsFile>({
      path: path.join(dataFolder, ORGS_FILE),
      schemaVersion: ORGS_SCHEMA_VERSION,
      parse: (data) => orgsFileSchema.parse(data),
      empty: () => ({ orgs: [] }),
      ...(options.fileSystem ? { fileSystem: options.fileSystem } : {}),
    });
  }

  get path(): string {
    return this.file.path;
  }

  async list(): Promise<OrgSettings[]> {
    return (await this.read()).orgs;
  }

  async get(alias: string): Promise<OrgSettings> {
    const org = (await this.read()).orgs.find((o) => o.alias === alias);
    if (!org) throw notFound(alias);
    return org;
  }

  async add(input: OrgInput): Promise<OrgSettings> {
    const valid = validate(orgInputSchema, input, 'org settings');
    return this.change((file) => {
      const clash = file.orgs.find((o) => o.alias.toLowerCase() === valid.alias.toLowerCase());
      if (clash) {
        throw new PilotError(
          'already-exists',
          `An org with the alias "${clash.alias}" already exists.`,
          `Choose another alias, or change it with \`pkce-pilot org update ${clash.alias}\`.`,
          { alias: clash.alias },
        );
      }
      const stamp = this.now().toISOString();
      const org: OrgSettings = { ...valid, createdAt: stamp, updatedAt: stamp };
      return { value: { orgs: [...file.orgs, org] }, result: org };
    });
  }

  async update(alias: string, patch: OrgPatch): Promise<OrgSettings> {
    const valid = validate(orgPatchSchema, patch, 'org changes');
    return this.change((file) => {
      const index = file.orgs.findIndex((o) => o.alias === alias);
      const current = file.orgs[index];
      if (!current) throw notFound(alias);
      const { okta: _dropped, ...withoutOkta } = current;
      const okta = valid.okta === undefined ? current.okta : (valid.okta ?? undefined);
      const updated: OrgSettings = {
        ...withoutOkta,
        salesforce: valid.salesforce ?? current.salesforce,
        ...(okta ? { okta } : {}),
        updatedAt: this.now().toISOString(),
      };
      const orgs = file.orgs.slice();
      orgs[index] = updated;
      return { value: { orgs }, result: updated };
    });
  }

  async remove(alias: string): Promise<void> {
    await this.change((file) => {
      if (!file.orgs.some((o) => o.alias === alias)) throw notFound(alias);
      return { value: { orgs: file.orgs.filter((o) => o.alias !== alias) }, result: undefined };
    });
  }

  private async read(): Promise<OrgsFile> {
    const { value, recovered } = await this.file.load();
    if (recovered) this.options.onRecovered?.(recovered);
    return value;
  }

  private async change<R>(fn: (file: OrgsFile) => { value: OrgsFile; result: R }): Promise<R> {
    const { result, recovered } = await this.file.update((current) => fn(current));
    if (recovered) this.options.onRecovered?.(recovered);
    return result;
  }
}

function notFound(alias: string): PilotError {
  return new PilotError(
    'not-found',
    `No org has the alias "${alias}".`,
    'Run `pkce-pilot org list` to see the configured aliases.',
    {
      alias,
    },
  );
}

/** Parses with zod and turns the first problem into a plain PilotError naming the field. */
export function validate<S extends z.ZodMiniType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : what;
  throw new PilotError(
    'invalid-input',
    `Invalid ${what}: ${field}: ${issue?.message ?? 'invalid value'}`,
    'Correct the value and try again.',
    {
      field,
    },
  );
}
