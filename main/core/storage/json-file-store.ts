/**
 * One versioned JSON file on disk: { "schemaVersion": n, "data": … }.
 *
 * Why this shape of care:
 * - Saves are atomic (temp file in the same folder, fsync, rename, fsync the folder) so a crash or
 *   power loss leaves either the old or the new file, never a torn one.
 * - A file we cannot understand is moved aside, never deleted, and the caller is told (`recovered`),
 *   so the admin is never silently reset to an empty state.
 * - A file from a newer PKCE Pilot is left untouched: downgrading must not destroy data.
 * - All operations on one store run one after another (a queue), so concurrent saves in this process
 *   cannot interleave and the last one wins.
 * - The value last read or written is kept with the identity of the file version it came from, so a
 *   load (and the read half of an update) skips reading, parsing and validating a file that has not
 *   changed since: `verify --all` over 200 orgs reads 2.5 MB it wrote or read before. Any other
 *   writer (another process, an editor) shows as a different version and is read again.
 */
import { randomBytes } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import * as nodeFs from 'node:fs/promises';
import path from 'node:path';
import { PilotError } from '../errors';

/** The few file operations the store needs; tests substitute a fault-injecting wrapper. */
export interface StoreFileSystem {
  readFile(file: string, encoding: 'utf8'): Promise<string>;
  open(file: string, flags: string, mode?: number): Promise<StoreFileHandle>;
  rename(from: string, to: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(folder: string, options: { recursive: true; mode: number }): Promise<unknown>;
  lstat(file: string, options?: { bigint: true }): Promise<unknown>;
  readdir(folder: string): Promise<string[]>;
}

export interface StoreFileHandle {
  writeFile(data: string, encoding: 'utf8'): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
  /** Optional so test doubles may leave it out; without it a save keeps no snapshot. */
  stat?(options: { bigint: true }): Promise<unknown>;
}

/**
 * One version of a data file. Saves rename a new file into place, so each has its own inode; an
 * in-place edit changes the size or the modification time (nanoseconds where the file system has them).
 */
interface FileVersion {
  readonly dev: bigint;
  readonly ino: bigint;
  readonly size: bigint;
  readonly mtimeNs: bigint;
}

function versionOf(info: Partial<BigIntStats> | undefined): FileVersion | undefined {
  const { dev, ino, size, mtimeNs } = info ?? {};
  return typeof dev === 'bigint' &&
    typeof ino === 'bigint' &&
    typeof size === 'bigint' &&
    typeof mtimeNs === 'bigint'
    ? { dev, ino, size, mtimeNs }
    : undefined;
}

function sameVersion(a: FileVersion, b: FileVersion): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs;
}

/** Snapshots are shared by every caller of load(): frozen, so no caller can change another's view. */
function deepFreeze<V>(value: V): V {
  if (typeof value === 'object' && value !== null) {
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
    Object.freeze(value);
  }
  return value;
}

export interface JsonFileStoreOptions<T> {
  readonly path: string;
  readonly schemaVersion: number;
  /** Validates the `data` part and returns it typed; throws when invalid. */
  readonly parse: (data: unknown) => T;
  /** Upgrades `data` written with an older schemaVersion; without it, older files count as invalid. */
  readonly migrate?: (data: unknown, fromVersion: number) => unknown;
  readonly empty: () => T;
  readonly fileSystem?: StoreFileSystem;
  /** Clock for the name of a quarantined file (tests). */
  readonly now?: () => Date;
}

export interface Recovery {
  /** Plain sentence: why the file could not be used. */
  readonly reason: string;
  /** Where the unusable file was moved. */
  readonly keptAt: string;
}

export interface LoadResult<T> {
  readonly value: T;
  readonly recovered?: Recovery;
}

const defaultFileSystem: StoreFileSystem = nodeFs as unknown as StoreFileSystem;

export class JsonFileStore<T> {
  readonly path: string;
  private readonly fs: StoreFileSystem;
  private readonly now: () => Date;
  private queue: Promise<unknown> = Promise.resolve();
  private sweptTempFiles = false;
  /** The value of the file version this process last read or wrote (see the header). */
  private snapshot: { readonly version: FileVersion; readonly value: T; frozen: boolean } | undefined;

  constructor(private readonly options: JsonFileStoreOptions<T>) {
    if (!Number.isInteger(options.schemaVersion) || options.schemaVersion < 1) {
      throw new RangeError('schemaVersion must be a positive integer');
    }
    this.path = path.resolve(options.path);
    this.fs = options.fileSystem ?? defaultFileSystem;
    this.now = options.now ?? (() => new Date());
  }

  /** The value is frozen (it may be shared with other callers): change it through save or update. */
  load(): Promise<LoadResult<T>> {
    return this.enqueue(() => this.loadNow());
  }

  save(value: T): Promise<void> {
    return this.enqueue(() => this.saveNow(value));
  }

  /**
   * Read-modify-write as one queued step, so two changes made at the same time both survive.
   * `change` gets the current value frozen and returns a new value and an optional result.
   */
  update<R>(
    change: (current: T, loaded: LoadResult<T>) => { value: T; result: R },
  ): Promise<{ result: R; recovered?: Recovery }> {
    return this.enqueue(() =>
      withFileLock(this.path, async () => {
        const loaded = await this.loadNow();
        const { value, result } = change(loaded.value, loaded);
        await this.saveNow(value);
        return loaded.recovered ? { result, recovered: loaded.recovered } : { result };
      }),
    );
  }

  private enqueue<R>(task: () => Promise<R>): Promise<R> {
    const run = this.queue.then(task, task);
    // Keep the chain alive after a failure; the caller still sees the rejection through `run`.
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * A data file must be a plain file of this user, never a symlink (which could point at a file someone
   * else controls): checked without following links (issue 13 §4). The folder itself is checked by
   * ensureDataFolder; this is the second line. Windows has no uids: only the symlink check applies.
   * Returns the file's version when the file system tells it.
   */
  private async ownPlainFileVersion(): Promise<FileVersion | undefined> {
    const info = (await this.fs.lstat(this.path, { bigint: true })) as Partial<BigIntStats> | undefined;
    if (!info || typeof info.isSymbolicLink !== 'function') return undefined; // a test double without details
    const uid = info.uid === undefined ? undefined : Number(info.uid);
    const foreign = typeof process.getuid === 'function' && uid !== undefined && uid !== process.getuid();
    if (info.isSymbolicLink() || foreign) {
      throw new PilotError(
        'storage',
        `PKCE Pilot does not read ${this.path}: it is ${info.isSymbolicLink() ? 'a symbolic link' : `owned by another user (uid ${String(uid)})`}.`,
        'Move it away (someone else may have placed it there) and run the command again.',
        { path: this.path },
      );
    }
    return versionOf(info);
  }

  private async loadNow(): Promise<LoadResult<T>> {
    if (!this.sweptTempFiles) {
      this.sweptTempFiles = true;
      await this.removeTempFilesOfDeadWriters();
    }
    let text: string;
    let version: FileVersion | undefined;
    try {
      // The version is taken before the read: if the file is replaced in between, the snapshot is
      // only ever older than the file, which makes the next load read it again.
      version = await this.ownPlainFileVersion();
      const kept = this.snapshot;
      if (kept && version && sameVersion(kept.version, version)) {
        // Frozen on first use, not when saved: a run that saves and exits never pays for it.
        if (!kept.frozen) {
          deepFreeze(kept.value);
          kept.frozen = true;
        }
        return { value: kept.value };
      }
      this.snapshot = undefined;
      text = await this.fs.readFile(this.path, 'utf8');
    } catch (e) {
      this.snapshot = undefined;
      if (e instanceof PilotError) throw e;
      if (errnoOf(e) === 'ENOENT') return { value: this.options.empty() };
      throw storageError(`Could not read ${this.path}`, e, this.path);
    }

    let envelope: unknown;
    try {
      envelope = JSON.parse(text);
    } catch {
      return this.quarantine('the file is not valid JSON (it may have been cut short or edited by hand)');
    }
    if (!isEnvelope(envelope)) {
      return this.quarantine('the file does not have the expected {"schemaVersion", "data"} layout');
    }

    const { schemaVersion } = envelope;
    if (schemaVersion > this.options.schemaVersion) {
      throw new PilotError(
        'storage',
        `${this.path} was written by a newer PKCE Pilot (file format ${schemaVersion}; this version reads up to ${this.options.schemaVersion}).`,
        'Update PKCE Pilot to the newest version; the file was left as it is.',
        { path: this.path, schemaVersion, supported: this.options.schemaVersion },
      );
    }

    let data: unknown = envelope.data;
    if (schemaVersion < this.options.schemaVersion) {
      if (!this.options.migrate) {
        return this.quarantine(
          `the file uses the old format ${schemaVersion}, which this version cannot convert`,
        );
      }
      try {
        data = this.options.migrate(data, schemaVersion);
      } catch {
        return this.quarantine(`the file could not be converted from format ${schemaVersion}`);
      }
    }

    let value: T;
    try {
      value = this.options.parse(data);
    } catch {
      return this.quarantine('the file content is not valid (a value is missing or has the wrong type)');
    }
    // Frozen now: the caller holds it, and so does the snapshot.
    this.remember(version, deepFreeze(value), true);
    return { value };
  }

  /** Keeps `value` as the content of `version`, when the file system tells the version. */
  private remember(version: FileVersion | undefined, value: T, frozen: boolean): void {
    this.snapshot = version ? { version, value, frozen } : undefined;
  }

  private async saveNow(value: T): Promise<void> {
    this.snapshot = undefined;
    // Never write what we could not read back. The parsed copy is what the file holds from now on.
    const saved = this.options.parse(value);
    const text = `${JSON.stringify({ schemaVersion: this.options.schemaVersion, data: saved }, null, 2)}\n`;
    const folder = path.dirname(this.path);
    const tempPath = path.join(
      folder,
      `${path.basename(this.path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
    );
    try {
      await this.fs.mkdir(folder, { recursive: true, mode: 0o700 });
      const version = await this.writeDurably(tempPath, text);
      await this.fs.rename(tempPath, this.path);
      this.remember(version, saved, false);
    } catch (e) {
      await this.fs.unlink(tempPath).catch(() => undefined);
      throw storageError(`Could not save ${this.path}`, e, this.path);
    }
    await this.syncFolder(folder);
  }

  /**
   * 'wx' so a leftover temp name is never reused; 0o600 because the file describes the admin's orgs.
   * Returns the written file's version, read from the open file: the rename that follows keeps it.
   */
  private async writeDurably(file: string, text: string): Promise<FileVersion | undefined> {
    const handle = await this.fs.open(file, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
      return versionOf((await handle.stat?.({ bigint: true })) as Partial<BigIntStats> | undefined);
    } finally {
      await handle.close();
    }
  }

  /** POSIX needs the directory entry flushed too, or a crash can forget the rename. Windows cannot open folders. */
  private async syncFolder(folder: string): Promise<void> {
    if (process.platform === 'win32') return;
    let handle: StoreFileHandle | undefined;
    try {
      handle = await this.fs.open(folder, 'r');
      await handle.sync();
    } catch {
      // Best effort: some file systems (network shares) refuse fsync on folders; the rename already happened.
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  /**
   * A writer killed mid-save leaves its temp file behind (the real file is intact). Remove those whose
   * process is gone; a live pid (another PKCE Pilot, or pid reuse) keeps its file. Best effort.
   */
  private async removeTempFilesOfDeadWriters(): Promise<void> {
    const folder = path.dirname(this.path);
    const prefix = `${path.basename(this.path)}.`;
    let names: string[];
    try {
      names = await this.fs.readdir(folder);
    } catch {
      return;
    }
    for (const name of names) {
      const match = name.startsWith(prefix)
        ? /^(\d+)\.[0-9a-f]+\.tmp$/.exec(name.slice(prefix.length))
        : null;
      if (!match || isProcessAlive(Number(match[1]))) continue;
      await this.fs.unlink(path.join(folder, name)).catch(() => undefined);
    }
  }

  /** Moves the unusable file aside (never deletes it) and starts from empty, telling the caller. */
  private async quarantine(reason: string): Promise<LoadResult<T>> {
    const keptAt = await this.freeQuarantineName();
    try {
      await this.fs.rename(this.path, keptAt);
    } catch (e) {
      throw storageError(`${this.path} is unreadable (${reason}) and could not be moved aside`, e, this.path);
    }
    return { value: this.options.empty(), recovered: { reason, keptAt } };
  }

  private async freeQuarantineName(): Promise<string> {
    const parsed = path.parse(this.path);
    // ':' is not allowed in Windows file names, so the ISO time uses '-' there.
    const stamp = this.now().toISOString().replace(/:/g, '-');
    for (let n = 0; ; n++) {
      const candidate = path.join(
        parsed.dir,
        `${parsed.name}.corrupt-${stamp}${n === 0 ? '' : `-${n}`}.json`,
      );
      try {
        await this.fs.lstat(candidate);
      } catch (e) {
        if (errnoOf(e) === 'ENOENT') return candidate;
        throw storageError(`Could not move ${this.path} aside`, e, this.path);
      }
    }
  }
}

function isEnvelope(value: unknown): value is { schemaVersion: number; data: unknown } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const v = value as Record<string, unknown>;
  return Number.isInteger(v['schemaVersion']) && (v['schemaVersion'] as number) >= 1 && 'data' in v;
}

function isProcessAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: the process exists but belongs to someone else.
    return errnoOf(e) === 'EPERM';
  }
}

function errnoOf(e: unknown): string | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Maps the OS error to one plain reason; the previous file is untouched whenever this is thrown from a save. */
const LOCK_WAIT_MS = 10_000;
const LOCK_STALE_MS = 30_000;

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoOf(e) === 'EPERM';
  }
}

/**
 * Read-modify-write across processes: the CLI and the app (or several CLI runs in a script) may change
 * the same file at once, and without a lock one change would be lost. `<file>.lock` is created
 * exclusively and holds the owner's pid; a lock whose owner died (SIGKILL, crash) or that is very old
 * is taken over, so a crash never blocks the admin.
 */
export async function withFileLock<R>(file: string, task: () => Promise<R>): Promise<R> {
  const lock = `${file}.lock`;
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await nodeFs.open(lock, 'wx', 0o600);
      try {
        await handle.writeFile(String(process.pid), 'utf8');
      } catch (writeError) {
        // A full or failing disk: leave no half-made lock behind.
        await handle.close().catch(() => undefined);
        await nodeFs.unlink(lock).catch(() => undefined);
        throw storageError(`Could not save ${file}`, writeError, file);
      }
      await handle.close();
      break;
    } catch (e) {
      if (e instanceof PilotError) throw e;
      if (errnoOf(e) !== 'EEXIST') throw storageError(`Could not save ${file}`, e, file);
      // Judge one and the same lock file: its identity before reading the owner, and again before removing
      // it — a lock released and re-created by a live process meanwhile must never be taken away.
      const seen = await nodeFs.stat(lock).catch(() => undefined);
      const owner = await nodeFs.readFile(lock, 'utf8').catch(() => '');
      const pid = Number.parseInt(owner, 10);
      const stale =
        seen !== undefined &&
        ((Number.isInteger(pid) && pid > 0 && !processIsAlive(pid)) ||
          Date.now() - seen.mtimeMs > LOCK_STALE_MS);
      if (stale) {
        const still = await nodeFs.stat(lock).catch(() => undefined);
        if (still && still.ino === seen.ino && still.mtimeMs === seen.mtimeMs && still.size === seen.size) {
          await nodeFs.unlink(lock).catch(() => undefined);
        }
        continue;
      }
      if (Date.now() > deadline) {
        throw new PilotError(
          'storage',
          `Could not save ${path.basename(file)}: another PKCE Pilot process has been saving it for ${LOCK_WAIT_MS / 1000} seconds.`,
          `Wait for the other PKCE Pilot window or command to finish and try again; if none is running, delete ${lock}.`,
          { path: file },
        );
      }
      await new Promise((r) => setTimeout(r, Math.min(5 + attempt * 5, 50)));
    }
  }
  try {
    return await task();
  } finally {
    await nodeFs.unlink(lock).catch(() => undefined);
  }
}

export function storageError(what: string, e: unknown, file: string): PilotError {
  if (e instanceof PilotError) return e;
  const code = errnoOf(e);
  const reasons: Record<string, [string, string]> = {
    ENOSPC: ['the disk is full', 'Free some disk space and try again; your previous data is unchanged.'],
    EDQUOT: [
      'your disk quota is used up',
      'Free some space in your quota and try again; your previous data is unchanged.',
    ],
    EROFS: [
      'the folder is read-only',
      'Make the folder writable or set PKCE_PILOT_HOME to a writable folder; your previous data is unchanged.',
    ],
    EACCES: [
      'permission denied',
      `Give your user write permission on ${path.dirname(file)} or set PKCE_PILOT_HOME to a folder you own.`,
    ],
    EPERM: [
      'permission denied',
      `Give your user write permission on ${path.dirname(file)} (or close programs that lock the file) and try again.`,
    ],
    EBUSY: [
      'the file is in use by another program',
      'Close the program that holds the file (antivirus, sync tool) and try again.',
    ],
  };
  const [why, hint] = (code === undefined ? undefined : reasons[code]) ?? [
    'the system refused',
    'Check the data folder and its permissions, then try again.',
  ];
  return new PilotError('storage', `${what}: ${why}.`, hint, { path: file, errno: code }, { cause: e });
}
