/**
 * The Salesforce reads behind the checks (I/O only; verdicts live in salesforce-verdicts.ts). Each
 * read returns a ReadResult and never throws: faults, refusals, HTML and timeouts become reasons.
 */
import type { Connection } from 'jsforce';
import { PilotError } from '../errors';
import { describeSalesforceFailure } from './read-failure';
import type { OAuthAppInfo, OAuthTokenRow } from './salesforce-verdicts';
import { readFailed, readOk, type ReadResult } from './types';

/** readMetadata accepts at most 10 names per call (Metadata API limit). */
const READ_BATCH = 10;
export const DEFAULT_READ_TIMEOUT_MS = 30_000;

export interface ReadContext {
  readonly conn: Connection;
  readonly secrets: () => readonly string[];
  /** See SalesforceSession.takeUnexpectedAnswer. */
  readonly takeUnexpectedAnswer?: () => string | undefined;
  readonly timeoutMs?: number;
}

async function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new PilotError(
            'timeout',
            `Salesforce did not answer within ${Math.round(ms / 1000)} s while reading ${what}.`,
            'Try again later.',
          ),
        ),
      ms,
    );
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

function splitUrls(v: unknown): string[] {
  return asArray(v as string | string[] | undefined)
    .flatMap((s) => (typeof s === 'string' ? s.split(/[\s,]+/) : []))
    .filter((s) => s.length > 0);
}

async function guarded<T>(
  ctx: ReadContext,
  what: string,
  permission: string,
  work: () => Promise<T>,
): Promise<ReadResult<T>> {
  ctx.takeUnexpectedAnswer?.();
  const wrongAnswer = (): ReadResult<T> | undefined => {
    const unexpected = ctx.takeUnexpectedAnswer?.();
    return unexpected
      ? readFailed(
          `Salesforce answered with something other than the expected data while reading ${what} (${unexpected}): a proxy or maintenance page may be in the way.`,
        )
      : undefined;
  };
  try {
    const value = await withTimeout(work(), ctx.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS, what);
    return wrongAnswer() ?? readOk(value);
  } catch (e) {
    const wrong = wrongAnswer();
    if (wrong) return wrong;
    const d = describeSalesforceFailure(e, what, permission, ctx.secrets());
    return readFailed(d.reason, d.missing);
  }
}

/** Org-wide OAuth settings (Settings type OauthOidc, API 59.0+). */
export function readOrgOauthSettings(
  ctx: ReadContext,
): Promise<ReadResult<{ isPkceRequired?: unknown } | undefined>> {
  return guarded(
    ctx,
    "the org's OAuth and OpenID Connect settings",
    'the "View Setup and Configuration" and "Modify Metadata Through Metadata API Functions" permissions',
    async () => {
      const result = (await ctx.conn.metadata.read('OauthOidcSettings' as never, ['OauthOidc'])) as unknown;
      const record = asArray(result as Record<string, unknown> | Record<string, unknown>[])[0];
      if (record !== undefined && typeof record !== 'object')
        throw new PilotError('bad-response', 'Salesforce returned an unexpected OAuth settings record.', '');
      return record && 'isPkceRequired' in record
        ? { isPkceRequired: record['isPkceRequired'] }
        : record
          ? {}
          : undefined;
    },
  );
}

async function listNames(conn: Connection, type: string): Promise<string[]> {
  const listed = asArray((await conn.metadata.list([{ type }])) as unknown as { fullName?: unknown }[]);
  return listed.map((f) => str(f.fullName)).filter((n): n is string => !!n);
}

async function readInBatches(
  conn: Connection,
  type: string,
  names: readonly string[],
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < names.length; i += READ_BATCH) {
    const batch = names.slice(i, i + READ_BATCH);
    const records = asArray(
      (await conn.metadata.read(type as never, batch)) as unknown as Record<string, unknown>[],
    );
    // readMetadata answers a name it does not know with an empty record: skip those.
    for (const r of records) if (r && typeof r === 'object' && str(r['fullName'])) out.push(r);
  }
  return out;
}

/** All Connected Apps with their callback URLs and PKCE flag. */
export function readConnectedApps(ctx: ReadContext): Promise<ReadResult<OAuthAppInfo[]>> {
  return guarded(
    ctx,
    'the Connected Apps',
    'the "View Setup and Configuration" and "Modify Metadata Through Metadata API Functions" permissions',
    async () => {
      const names = await listNames(ctx.conn, 'ConnectedApp');
      const records = await readInBatches(ctx.conn, 'ConnectedApp', names);
      return records.map((r): OAuthAppInfo => {
        const oauth = (r['oauthConfig'] ?? {}) as Record<string, unknown>;
        const pkce = str(oauth['isPkceRequired']);
        return {
          kind: 'ConnectedApp',
          fullName: str(r['fullName']) ?? '',
          ...(str(r['label']) ? { label: str(r['label']) } : {}),
          callbackUrls: splitUrls(oauth['callbackUrl']),
          ...(pkce !== undefined ? { isPkceRequired: pkce } : {}),
        };
      });
    },
  );
}

/** External Client Apps' global OAuth settings (callback URLs, PKCE); gated by a dedicated permission. */
export function readExternalClientApps(ctx: ReadContext): Promise<ReadResult<OAuthAppInfo[]>> {
  return guarded(
    ctx,
    'the External Client App OAuth settings',
    'the "View all External Client App Settings" permission',
    async () => {
      const names = await listNames(ctx.conn, 'ExtlClntAppGlobalOauthSettings');
      const records = await readInBatches(ctx.conn, 'ExtlClntAppGlobalOauthSettings', names);
      return records.map((r): OAuthAppInfo => {
        const pkce = str(r['isPkceRequired']);
        const label = str(r['externalClientApplication']) ?? str(r['label']);
        return {
          kind: 'ExternalClientApp',
          fullName: str(r['fullName']) ?? '',
          ...(label ? { label } : {}),
          callbackUrls: splitUrls(r['callbackUrl']),
          ...(pkce !== undefined ? { isPkceRequired: pkce } : {}),
        };
      });
    },
  );
}

/** SOQL string literal: backslash-escape quotes and backslashes (SOQL reference, "Quoted String Escape Sequences"). */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function oauthTokenQuery(appNames: readonly string[]): string {
  return (
    'SELECT AppName, UserId, CreatedDate, LastUsedDate, UseCount FROM OauthToken ' +
    `WHERE AppName IN (${appNames.map(soqlString).join(', ')}) ORDER BY CreatedDate DESC LIMIT 200`
  );
}

/** OauthToken rows for the given app names (labels as Salesforce shows them in Connected Apps OAuth Usage). */
export function readOauthTokens(
  ctx: ReadContext,
  appNames: readonly string[],
): Promise<ReadResult<OAuthTokenRow[]>> {
  return guarded(
    ctx,
    'OAuth token usage (OauthToken)',
    'the "Manage Users" or "View Setup and Configuration" permission',
    async () => {
      const result = (await ctx.conn.query(oauthTokenQuery(appNames))) as unknown as { records?: unknown };
      if (!result || !Array.isArray(result.records))
        throw new PilotError('bad-response', 'Salesforce returned no records list for OauthToken.', '');
      return (result.records as Record<string, unknown>[]).map((r): OAuthTokenRow => {
        const created = str(r['CreatedDate']);
        if (!created)
          throw new PilotError(
            'bad-response',
            'Salesforce returned an OauthToken row without CreatedDate.',
            '',
          );
        const use = r['UseCount'];
        return {
          appName: str(r['AppName']) ?? '',
          userId: str(r['UserId']) ?? '',
          createdDate: created,
          lastUsedDate: str(r['LastUsedDate']) ?? null,
          useCount: typeof use === 'number' ? use : null,
        };
      });
    },
  );
}
