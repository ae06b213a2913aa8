/**
 * The Salesforce reads behind the checks (I/O only; verdicts live in salesforce-verdicts.ts). Each
 * read returns a ReadResult and never throws: faults, refusals, HTML and timeouts become reasons.
 */
import type { Connection } from 'jsforce';
import { PilotError } from '../errors';
import { describeSalesforceFailure } from './read-failure';
import type { AdminPermissions, OAuthAppInfo, OAuthTokenRow } from './salesforce-verdicts';
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
  /** The sign-in-again step naming this org's command (sign-in-again.ts). */
  readonly again?: string;
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
          `Could not check: Salesforce answered with something other than the expected data while reading ${what} (${unexpected}): a proxy or maintenance page may be in the way; try again later.`,
        )
      : undefined;
  };
  try {
    const value = await withTimeout(work(), ctx.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS, what);
    return wrongAnswer() ?? readOk(value);
  } catch (e) {
    const wrong = wrongAnswer();
    if (wrong) return wrong;
    const d = describeSalesforceFailure(e, what, permission, ctx.secrets(), ctx.again);
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

interface ListedFile {
  readonly fullName: string;
  readonly lastModifiedDate?: string;
}

/** listMetadata's FileProperties: fullName and lastModifiedDate (Metadata API reference, FileProperties). */
async function listFiles(conn: Connection, type: string): Promise<ListedFile[]> {
  const listed = asArray(
    (await conn.metadata.list([{ type }])) as unknown as { fullName?: unknown; lastModifiedDate?: unknown }[],
  );
  return listed.flatMap((f): ListedFile[] => {
    const fullName = str(f.fullName);
    if (!fullName) return [];
    const modified = str(f.lastModifiedDate);
    // Salesforce reports never-modified components with the epoch (1970-01-01): not a real date.
    const usable = modified && Date.parse(modified) > 0 ? { lastModifiedDate: modified } : {};
    return [{ fullName, ...usable }];
  });
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
      const files = await listFiles(ctx.conn, 'ConnectedApp');
      const records = await readInBatches(
        ctx.conn,
        'ConnectedApp',
        files.map((f) => f.fullName),
      );
      return records.map((r): OAuthAppInfo => {
        const oauth = (r['oauthConfig'] ?? {}) as Record<string, unknown>;
        const pkce = str(oauth['isPkceRequired']);
        const fullName = str(r['fullName']) ?? '';
        const modified = files.find((f) => f.fullName === fullName)?.lastModifiedDate;
        return {
          kind: 'ConnectedApp',
          fullName,
          // ConnectedApp.label is the name Setup shows, which OauthToken.AppName carries.
          ...(str(r['label']) ? { label: str(r['label']) } : {}),
          callbackUrls: splitUrls(oauth['callbackUrl']),
          ...(pkce !== undefined ? { isPkceRequired: pkce } : {}),
          ...(modified ? { lastModifiedDate: modified } : {}),
        };
      });
    },
  );
}

/** External Client Apps' global OAuth settings (callback URLs, PKCE); gated by a dedicated permission. */
export interface EcaOauthInfo extends OAuthAppInfo {
  /** ExtlClntAppGlobalOauthSettings.externalClientApplication: the ECA's API name. */
  readonly ecaName?: string;
}

export function readExternalClientApps(ctx: ReadContext): Promise<ReadResult<EcaOauthInfo[]>> {
  return guarded(
    ctx,
    'the External Client App OAuth settings',
    'the "View all External Client App Settings" permission',
    async () => {
      const files = await listFiles(ctx.conn, 'ExtlClntAppGlobalOauthSettings');
      const records = await readInBatches(
        ctx.conn,
        'ExtlClntAppGlobalOauthSettings',
        files.map((f) => f.fullName),
      );
      return records.map((r): EcaOauthInfo => {
        const pkce = str(r['isPkceRequired']);
        const fullName = str(r['fullName']) ?? '';
        // "Require PKCE" lives in these global OAuth settings, so their lastModifiedDate is the change's.
        const modified = files.find((f) => f.fullName === fullName)?.lastModifiedDate;
        const ecaName = str(r['externalClientApplication']);
        // No label here: `externalClientApplication` is the ECA's API name, not the label OauthToken
        // shows; readEcaLabels fills it in from the ExternalClientApplication header.
        return {
          kind: 'ExternalClientApp',
          fullName,
          callbackUrls: splitUrls(r['callbackUrl']),
          ...(pkce !== undefined ? { isPkceRequired: pkce } : {}),
          ...(modified ? { lastModifiedDate: modified } : {}),
          ...(ecaName ? { ecaName } : {}),
        };
      });
    },
  );
}

/**
 * The labels of External Client Apps by API name, from the ExternalClientApplication header
 * (Metadata API reference: ExternalClientApplication.label, API 59.0+).
 */
export function readEcaLabels(
  ctx: ReadContext,
  ecaNames: readonly string[],
): Promise<ReadResult<ReadonlyMap<string, string>>> {
  return guarded(
    ctx,
    'the External Client App names',
    'the "View all External Client App Settings" permission',
    async () => {
      const records = await readInBatches(ctx.conn, 'ExternalClientApplication', ecaNames);
      const labels = new Map<string, string>();
      for (const r of records) {
        const name = str(r['fullName']);
        const label = str(r['label']);
        if (name && label) labels.set(name, label);
      }
      return labels;
    },
  );
}

/**
 * The first page of a SOQL query: the request jsforce's Query sends (GET <api>/query?q=…, through the
 * connection, so session refresh and the transport still apply) without the record stream Query builds
 * around it. Both queries here fit one page (a user's few assignments; LIMIT 200 below the 2,000-row page).
 */
async function queryPage(conn: Connection, soql: string): Promise<{ records?: unknown } | undefined> {
  const url = `/query?q=${encodeURIComponent(soql)}`;
  return (await conn.request({ method: 'GET', url })) as { records?: unknown } | undefined;
}

/** A Salesforce user id (15 or 18 characters); anything else is never put into SOQL. */
export function isSalesforceId(value: string): boolean {
  return /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);
}

export function adminPermissionQuery(userId: string): string {
  // Every profile has a profile-owned permission set, and PermissionSetAssignment lists it beside the
  // assigned permission sets (Object Reference: PermissionSet, IsOwnedByProfile), so one query covers both.
  return (
    'SELECT PermissionSet.Name, PermissionSet.IsOwnedByProfile, PermissionSet.PermissionsModifyAllData, ' +
    'PermissionSet.PermissionsCustomizeApplication FROM PermissionSetAssignment ' +
    `WHERE AssigneeId = ${soqlString(userId)}`
  );
}

/** Whether the signed-in user holds Modify All Data and Customize Application (profile or permission sets). */
export function readAdminPermissions(
  ctx: ReadContext,
  userId: string,
): Promise<ReadResult<AdminPermissions>> {
  return guarded(
    ctx,
    "the signed-in user's permissions (PermissionSetAssignment)",
    'the "View Setup and Configuration" permission',
    async () => {
      if (!isSalesforceId(userId))
        throw new PilotError('bad-response', 'Salesforce returned an unexpected user id.', '');
      const result = await queryPage(ctx.conn, adminPermissionQuery(userId));
      if (!result || !Array.isArray(result.records))
        throw new PilotError('bad-response', 'Salesforce returned no records list for the permissions.', '');
      let modifyAllData = false;
      let customizeApplication = false;
      const grantedBy: string[] = [];
      for (const r of result.records as Record<string, unknown>[]) {
        const ps = (r['PermissionSet'] ?? {}) as Record<string, unknown>;
        const mad = ps['PermissionsModifyAllData'] === true;
        const ca = ps['PermissionsCustomizeApplication'] === true;
        modifyAllData ||= mad;
        customizeApplication ||= ca;
        if (mad || ca) {
          const name = str(ps['Name']) ?? 'a permission set';
          grantedBy.push(ps['IsOwnedByProfile'] === true ? `profile (${name})` : name);
        }
      }
      return { modifyAllData, customizeApplication, grantedBy };
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
      const result = await queryPage(ctx.conn, oauthTokenQuery(appNames));
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
