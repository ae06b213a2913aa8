/**
 * Tokens live only in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on
 * Windows) under service "pkce-pilot": one item per org, account "<alias>/sign-ins", holding both sign-ins
 * (on Windows one per org and provider, "<alias>/<provider>": org-sign-ins.ts says why). There is deliberately NO plaintext
 * fallback: when the keychain is unusable the admin gets a keychain-unavailable error saying how to fix it.
 * keytar is loaded on first use, so importing this module is cheap and a missing native module becomes
 * a clear error instead of a crash at start-up.
 */
import path from 'node:path';
import * as z from './schema';
import { PilotError } from '../errors';
import type { ProviderId, TokenSet } from '../model';
import { withFileLock } from './json-file-store';
import { KeychainGate } from './keychain-gate';
import {
  defaultLayout,
  isEmpty,
  legacyValue,
  orgAccount,
  orgItemText,
  parseOrgItem,
  providerAccount,
  type SignInLayout,
  type StoredSignIns,
} from './org-sign-ins';
import { aliasSchema } from './org-store';

export const SERVICE = 'pkce-pilot';
export const PROVIDERS: readonly ProviderId[] = ['salesforce', 'okta'];
/** Has no "/", so it can never collide with an "<alias>/<provider>" account. */
const PROBE_ACCOUNT = 'keychain-probe';

export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface SecretStoreOptions {
  readonly backend?: KeychainBackend;
  /** How to obtain the backend when none is given; defaults to loading keytar. */
  readonly loadBackend?: () => Promise<KeychainBackend>;
  readonly platform?: NodeJS.Platform;
  /**
   * A locked Secret Service collection makes keytar's get return null and delete return false, exactly
   * like a missing item. On Linux we therefore confirm a miss with a write probe so a locked keyring
   * is reported instead of "not signed in" / a sign-out that silently did nothing.
   */
  readonly confirmMisses?: boolean;
  /** Time limit of one keychain call (default 60 s, room for an OS unlock prompt). */
  readonly callTimeoutMs?: number;
  /** Default: per platform (org-sign-ins.ts). */
  readonly layout?: SignInLayout;
  /**
   * Cross-process lock around a change of one org's item (secretStoreIn: a lock file in the data folder).
   * Both sign-ins share the item, so the CLI refreshing one while the app saves the other must not
   * overwrite each other's change. Default: none (tests, one process).
   */
  readonly lockOrg?: <R>(alias: string, task: () => Promise<R>) => Promise<R>;
}

const jwkSchema = z.record(z.string(), z.unknown());
const nonEmptyString = () => z.string().check(z.minLength(1));
export const tokenSetSchema = z.object({
  accessToken: nonEmptyString(),
  refreshToken: z.optional(nonEmptyString()),
  tokenType: nonEmptyString(),
  instanceUrl: nonEmptyString(),
  identityUrl: z.optional(z.string()),
  issuedAt: z.number(),
  expiresAt: z.optional(z.number()),
  scope: z.optional(z.string()),
  pkce: z.literal('S256'),
  username: z.optional(z.string()),
  userId: z.optional(z.string()),
  orgId: z.optional(z.string()),
  boundTo: z.optional(
    z.object({
      issuer: nonEmptyString(),
      tokenEndpoint: z.string().check(z.url()),
      revocationEndpoint: z.string().check(z.url()),
      clientId: nonEmptyString(),
    }),
  ),
  dpopKey: z.optional(z.object({ privateJwk: jwkSchema, publicJwk: jwkSchema })),
});

const PROVIDER_LABEL: Record<ProviderId, string> = { salesforce: 'Salesforce', okta: 'Okta' };

/** What the keychain holds for one org, read under the org's lock. */
interface OrgItem {
  readonly signIns: StoredSignIns;
  /** The org item exists (it may be damaged). */
  readonly exists: boolean;
  readonly damaged: boolean;
  /** Per-provider items found because there was no org item yet. */
  readonly legacy: readonly ProviderId[];
}

export class SecretStore {
  private readonly platform: NodeJS.Platform;
  private readonly layout: SignInLayout;
  private readonly confirmMisses: boolean;
  private readonly callTimeoutMs: number;
  private readonly loadBackend: () => Promise<KeychainBackend>;
  private backend: Promise<KeychainBackend> | undefined;
  /** Per org: the tail of its queue, so a read-modify-write of its item never interleaves with another. */
  private readonly orgQueues = new Map<string, Promise<unknown>>();
  /** Per org: a read in progress, shared by the callers that ask meanwhile (both sign-ins at once). */
  private readonly orgReads = new Map<string, Promise<OrgItem>>();
  private readonly lockOrg: NonNullable<SecretStoreOptions['lockOrg']>;

  constructor(options: SecretStoreOptions = {}) {
    this.platform = options.platform ?? process.platform;
    this.layout = options.layout ?? defaultLayout(this.platform);
    this.confirmMisses = options.confirmMisses ?? this.platform === 'linux';
    this.callTimeoutMs = options.callTimeoutMs ?? KEYCHAIN_TIMEOUT_MS;
    const given = options.backend;
    this.loadBackend = given ? async () => given : (options.loadBackend ?? loadKeytar);
    this.lockOrg = options.lockOrg ?? ((_alias, task) => task());
  }

  /** The stored tokens, or undefined when not signed in. */
  async get(alias: string, provider: ProviderId): Promise<TokenSet | undefined> {
    const account = accountFor(alias, provider);
    if (this.layout === 'per-provider') {
      const stored = await this.call('read', (b) => b.getPassword(SERVICE, account));
      if (stored === null) {
        if (this.confirmMisses) await this.assertWritable();
        return undefined;
      }
      return parseTokens(legacyValue(stored), alias, provider);
    }
    const item = await this.readOrg(alias);
    if (item.damaged) throw damagedItem(alias, provider);
    const stored = item.signIns[provider];
    return stored === undefined ? undefined : parseTokens(stored, alias, provider);
  }

  async set(alias: string, provider: ProviderId, tokens: TokenSet): Promise<void> {
    const account = accountFor(alias, provider);
    const valid = tokenSetSchema.safeParse(tokens);
    if (!valid.success) {
      // Name the field only: values here are secrets.
      throw new PilotError(
        'internal',
        'The sign-in result is incomplete and was not saved.',
        'Sign in again; if it keeps failing, report it.',
        {
          field: valid.error.issues[0]?.path.join('.') ?? '',
        },
      );
    }
    if (this.layout === 'per-provider') {
      await this.call('save', (b) => b.setPassword(SERVICE, account, JSON.stringify(valid.data)));
      return;
    }
    await this.changeOrg(alias, async () => {
      const item = await this.loadOrg(alias, 'save');
      // A damaged item holds nothing usable: this sign-in replaces it.
      const signIns = { ...(item.damaged ? {} : item.signIns), [provider]: valid.data };
      await this.writeOrg(alias, signIns, item.legacy);
    });
  }

  /** True when something was deleted. */
  async delete(alias: string, provider: ProviderId): Promise<boolean> {
    const account = accountFor(alias, provider);
    if (this.layout === 'per-provider') {
      const deleted = await this.call('delete', (b) => b.deletePassword(SERVICE, account));
      if (!deleted && this.confirmMisses) await this.assertWritable();
      return deleted;
    }
    const deleted = await this.changeOrg(alias, async () => {
      const item = await this.loadOrg(alias, 'delete');
      if (item.damaged) return this.call('delete', (b) => b.deletePassword(SERVICE, orgAccount(alias)));
      if (item.signIns[provider] === undefined) return false;
      const { [provider]: _removed, ...rest } = item.signIns;
      if (isEmpty(rest)) {
        if (item.exists) await this.call('delete', (b) => b.deletePassword(SERVICE, orgAccount(alias)));
        await this.dropLegacy(alias, item.legacy);
      } else {
        await this.writeOrg(alias, rest, item.legacy);
      }
      return true;
    });
    if (!deleted && this.confirmMisses) await this.assertWritable();
    return deleted;
  }

  /** Deletes every provider's tokens for the org (used when the org is removed or on sign-out of all). */
  async deleteAll(alias: string): Promise<void> {
    if (this.layout === 'per-provider') {
      for (const provider of PROVIDERS) await this.delete(alias, provider);
      return;
    }
    accountFor(alias, 'salesforce'); // a bad alias is refused before anything touches the keychain
    const deleted = await this.changeOrg(alias, async () => {
      let any = await this.call('delete', (b) => b.deletePassword(SERVICE, orgAccount(alias)));
      for (const provider of PROVIDERS)
        if (await this.call('delete', (b) => b.deletePassword(SERVICE, providerAccount(alias, provider))))
          any = true;
      return any;
    });
    if (!deleted && this.confirmMisses) await this.assertWritable();
  }

  /** Throws keychain-unavailable unless the keychain accepts a write right now. */
  async assertWritable(): Promise<void> {
    await this.call('check', async (b) => {
      await b.setPassword(SERVICE, PROBE_ACCOUNT, 'probe');
      await b.deletePassword(SERVICE, PROBE_ACCOUNT);
    });
  }

  /** The org's item, read once for every caller that asks while the read runs. */
  private readOrg(alias: string): Promise<OrgItem> {
    let pending = this.orgReads.get(alias);
    if (!pending) {
      pending = this.inOrder(alias, async () => {
        const item = await this.loadOrg(alias);
        if (item.legacy.length > 0) await this.moveLegacy(alias);
        // A locked collection answers every read with "missing": tell that apart before saying "not signed in".
        else if (!item.exists && this.confirmMisses) await this.assertWritable();
        return item;
      }).finally(() => this.orgReads.delete(alias));
      this.orgReads.set(alias, pending);
    }
    return pending;
  }

  /** Reads the org's item; without one, the per-provider items earlier versions saved. */
  private async loadOrg(alias: string, purpose: KeychainOperation = 'read'): Promise<OrgItem> {
    const text = await this.call('read', (b) => b.getPassword(SERVICE, orgAccount(alias)), purpose);
    if (text !== null) return { ...parseOrgItem(text), exists: true, legacy: [] };
    const signIns: StoredSignIns = {};
    const legacy: ProviderId[] = [];
    for (const provider of PROVIDERS) {
      const stored = await this.call(
        'read',
        (b) => b.getPassword(SERVICE, providerAccount(alias, provider)),
        purpose,
      );
      if (stored === null) continue;
      signIns[provider] = legacyValue(stored);
      legacy.push(provider);
    }
    return { signIns, exists: false, damaged: false, legacy };
  }

  /** Writes the org's item, then removes the per-provider items it replaces. */
  private async writeOrg(
    alias: string,
    signIns: StoredSignIns,
    legacy: readonly ProviderId[],
  ): Promise<void> {
    await this.call('save', (b) => b.setPassword(SERVICE, orgAccount(alias), orgItemText(signIns)));
    await this.dropLegacy(alias, legacy);
  }

  private async dropLegacy(alias: string, legacy: readonly ProviderId[]): Promise<void> {
    for (const provider of legacy)
      await this.call('delete', (b) => b.deletePassword(SERVICE, providerAccount(alias, provider)));
  }

  /**
   * Moves per-provider items into the org's item on first read, under the cross-process lock (read again
   * there: another process may have moved or changed them meanwhile). Best effort: if the keychain refuses
   * the write, the old items stay and are read again next time — nothing is lost either way.
   */
  private async moveLegacy(alias: string): Promise<void> {
    try {
      await this.lockOrg(alias, async () => {
        const item = await this.loadOrg(alias);
        if (!item.exists && item.legacy.length > 0) await this.writeOrg(alias, item.signIns, item.legacy);
      });
    } catch {
      // Still readable where it was.
    }
  }

  /** A change of the org's item: after this process's earlier tasks for it, under the cross-process lock. */
  private changeOrg<R>(alias: string, task: () => Promise<R>): Promise<R> {
    return this.inOrder(alias, () => this.lockOrg(alias, task));
  }

  /** Runs `task` after every earlier task of the same org has finished. */
  private inOrder<R>(alias: string, task: () => Promise<R>): Promise<R> {
    const previous = this.orgQueues.get(alias) ?? Promise.resolve();
    const run = previous.then(task, task);
    const tail = run.then(
      () => undefined,
      () => undefined,
    );
    this.orgQueues.set(alias, tail);
    void tail.then(() => {
      if (this.orgQueues.get(alias) === tail) this.orgQueues.delete(alias);
    });
    return run;
  }

  /** `reportAs`: the operation a failure is reported under (a save that fails while reading says "save"). */
  private async call<R>(
    operation: KeychainOperation,
    fn: (backend: KeychainBackend) => Promise<R>,
    reportAs: KeychainOperation = operation,
  ): Promise<R> {
    let backend: KeychainBackend;
    try {
      this.backend ??= this.loadBackend();
      backend = await this.backend;
    } catch (e) {
      this.backend = undefined; // let a later call retry, e.g. after the admin installed libsecret
      throw keychainError(e, this.platform, reportAs, 'module');
    }
    // Reads side by side, changes alone (keychain-gate.ts says why). The time limit turns a call libsecret
    // never answers into a clear error instead of a hung window or command.
    try {
      return await keychainGate.run(operation !== 'read', () => withTimeout(fn(backend), this.callTimeoutMs));
    } catch (e) {
      throw keychainError(e, this.platform, reportAs, e === NO_ANSWER ? 'no-answer' : undefined);
    }
  }
}

/** The product's store: a change of an org's item is locked across processes by a file in `dataFolder`. */
export function secretStoreIn(
  dataFolder: string,
  options: Omit<SecretStoreOptions, 'lockOrg'> = {},
): SecretStore {
  return new SecretStore({
    ...options,
    lockOrg: (alias, task) => withFileLock(path.join(dataFolder, `keychain-${alias}`), task),
  });
}

/** Long enough for an OS unlock prompt to be answered; short enough that nothing hangs for good. */
const KEYCHAIN_TIMEOUT_MS = 60_000;
const NO_ANSWER = new Error('keychain call timed out');
const keychainGate = new KeychainGate();

function withTimeout<R>(work: Promise<R>, ms: number): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(NO_ANSWER), ms);
    timer.unref();
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

async function loadKeytar(): Promise<KeychainBackend> {
  // CommonJS builds (Electron main, CLI bundle) resolve through require, which also finds native modules
  // in app.asar.unpacked; ESM contexts (vitest) fall back to import().
  type KeytarModule = KeychainBackend & { default?: KeychainBackend };
  const mod: KeytarModule =
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy, CJS-only branch (see above)
    typeof require === 'function' ? require('keytar') : await import('keytar');
  return mod.default ?? mod;
}

export function accountFor(alias: string, provider: ProviderId): string {
  if (!aliasSchema.safeParse(alias).success) {
    throw new PilotError(
      'invalid-input',
      `"${alias}" is not a valid org alias.`,
      'Run `pkce-pilot org list` to see the configured aliases.',
    );
  }
  if (!PROVIDERS.includes(provider)) {
    throw new PilotError(
      'invalid-input',
      `"${String(provider)}" is not a provider PKCE Pilot signs in to.`,
      'Use salesforce or okta.',
    );
  }
  return providerAccount(alias, provider);
}

/** Never echoes the stored value: it holds tokens. */
function parseTokens(stored: unknown, alias: string, provider: ProviderId): TokenSet {
  const parsed = tokenSetSchema.safeParse(stored);
  if (!parsed.success) {
    throw new PilotError(
      'storage',
      `The saved ${PROVIDER_LABEL[provider]} sign-in for ${alias} in the system keychain is unreadable.`,
      `Sign in to ${alias} (${PROVIDER_LABEL[provider]}) again; that replaces the damaged entry.`,
      { alias, provider },
    );
  }
  return parsed.data as TokenSet;
}

/** The org's item is not JSON at all: whichever sign-in was asked for is unreadable. */
function damagedItem(alias: string, provider: ProviderId): PilotError {
  return new PilotError(
    'storage',
    `The saved sign-ins for ${alias} in the system keychain are unreadable.`,
    `Sign in to ${alias} (${PROVIDER_LABEL[provider]}) again; that replaces the damaged entry.`,
    { alias, provider },
  );
}

export type KeychainOperation = 'read' | 'save' | 'delete' | 'check';
export type KeychainFailure =
  | 'no-session-bus'
  | 'no-provider'
  | 'no-keyring'
  | 'locked'
  | 'denied'
  | 'cancelled'
  | 'too-large'
  | 'module'
  | 'no-answer'
  | 'other';

/** Pure: which failure an OS/keytar error message describes. */
export function classifyKeychainFailure(message: string): KeychainFailure {
  const m = message.toLowerCase();
  if (
    /autolaunch d-bus|dbus_session_bus_address|failed to connect to socket|could not connect:|unable to autolaunch|no such file or directory.*bus/.test(
      m,
    )
  ) {
    return 'no-session-bus';
  }
  if (/org\.freedesktop\.secrets was not provided|serviceunknown|not provided by any \.service files/.test(m))
    return 'no-provider';
  // gnome-keyring without a default ("login") collection: creating one needs a desktop prompt.
  if (/object does not exist at path .*collection|no such object path .*collection/.test(m))
    return 'no-keyring';
  if (
    /cannot find module|libsecret|cannot open shared object|compiled against a different node\.js|module did not self-register|invalid elf header/.test(
      m,
    )
  ) {
    return 'module';
  }
  if (/user cancel|canceled|cancelled|dismissed/.test(m)) return 'cancelled';
  if (
    /locked|user interaction is not allowed|passphrase you entered is not correct|errsecauthfailed|-25293|-25308|unlock/.test(
      m,
    )
  ) {
    return 'locked';
  }
  // Windows rejects an over-long credential blob with RPC "bad stub data" (CRED_MAX_CREDENTIAL_BLOB_SIZE).
  if (/stub received bad data|too large|too long|1783/.test(m)) return 'too-large';
  if (
    /access (is )?denied|accessdenied|not authori[sz]ed|permission denied|logon session does not exist|errsecnoaccess/.test(
      m,
    )
  ) {
    return 'denied';
  }
  return 'other';
}

const FAILURE_MESSAGE: Record<KeychainFailure, string> = {
  'no-session-bus':
    'The system keychain cannot be reached: there is no D-Bus session (PKCE Pilot is not running in a desktop session).',
  'no-provider':
    'No system keychain service is running (no Secret Service provider such as gnome-keyring or KWallet).',
  'no-keyring': 'The system keychain has no default keyring to store sign-ins in yet.',
  locked: 'The system keychain is locked.',
  denied: 'The system keychain denied PKCE Pilot access to its saved sign-ins.',
  cancelled: 'Access to the system keychain was cancelled.',
  'too-large': 'The sign-in is too large for the system keychain.',
  module: 'The system keychain module (keytar) could not be loaded.',
  'no-answer': 'The system keychain did not answer in time.',
  other: 'The system keychain refused the request.',
};

function hintFor(platform: NodeJS.Platform, failure: KeychainFailure): string {
  if (failure === 'module') {
    return platform === 'linux'
      ? 'Install libsecret (e.g. apt install libsecret-1-0) and reinstall PKCE Pilot; tokens are never stored outside the keychain.'
      : 'Reinstall PKCE Pilot; tokens are never stored outside the keychain.';
  }
  switch (platform) {
    case 'darwin':
      return failure === 'cancelled' || failure === 'denied'
        ? 'Try again and choose "Allow" (or "Always Allow") when macOS asks; you can check access for "pkce-pilot" items in Keychain Access.'
        : 'Unlock the login keychain in Keychain Access (File > Unlock Keychain "login") and try again.';
    case 'win32':
      return failure === 'too-large'
        ? 'Windows Credential Manager limits each entry to 2.5 KB; report this so the sign-in can be stored in parts.'
        : 'Open Credential Manager (Control Panel > Credential Manager > Windows Credentials) and check that you can save credentials as this user, then try again.';
    default:
      switch (failure) {
        case 'no-session-bus':
          return 'Run PKCE Pilot in a desktop session, or from a terminal start it with dbus-run-session and an unlocked gnome-keyring-daemon.';
        case 'locked':
          return 'Unlock your keyring (Seahorse "Passwords and Keys", or log in to the desktop again) and try again.';
        case 'no-keyring':
          return 'Create a default keyring (Seahorse "Passwords and Keys" > New > Password Keyring, set as default), unlock it, and try again.';
        case 'no-provider':
          return 'Install and start gnome-keyring or KWallet (Secret Service), unlock it, and try again in a desktop session or under dbus-run-session.';
        default:
          return 'Check that gnome-keyring or KWallet (Secret Service) is running and unlocked in your desktop session, then try again.';
      }
  }
}

/** keychain-unavailable with a plain message and an OS-specific next step. The OS text is kept only as `cause`. */
export function keychainError(
  e: unknown,
  platform: NodeJS.Platform,
  operation: KeychainOperation,
  forced?: KeychainFailure,
): PilotError {
  if (e instanceof PilotError) return e;
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  const failure = forced ?? classifyKeychainFailure(text);
  return new PilotError(
    'keychain-unavailable',
    FAILURE_MESSAGE[failure],
    hintFor(platform, failure),
    { reason: failure, operation },
    { cause: e },
  );
}
