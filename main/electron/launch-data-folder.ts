/**
 * Which data folder an instance opens. The folder also keys the single-instance lock (Electron locks
 * per userData folder), so it decides which running instance receives a redirect.
 *
 * On Windows and Linux the OS hands a sign-in redirect to a NEW process started from the registered
 * command line, without the environment of the instance that started the sign-in. When that instance
 * runs on another folder (PKCE_PILOT_HOME: tests, portable installs, several profiles), the new
 * process would open the default folder, take its lock, and the redirect would never reach the
 * waiting sign-in. So the waiting instance leaves a small note in the DEFAULT folder — its folder and
 * process id — when a sign-in starts; a process started with a redirect URL and no PKCE_PILOT_HOME
 * follows the note if that process is still alive. Pure: facts in, decision out.
 */
import path from 'node:path';

export const HANDOFF_FILE_NAME = 'sign-in-handoff.json';

export interface HandoffNote {
  readonly dataFolder: string;
  readonly pid: number;
}

export interface LaunchFolderFacts {
  /** PKCE_PILOT_HOME, resolved; undefined when not set. */
  readonly envFolder: string | undefined;
  /** Electron's default userData folder. */
  readonly defaultFolder: string;
  /** Whether this process was started with a redirect URL of the app's scheme (findRedirectInArgv). */
  readonly redirectInArgv: boolean;
  /** The parsed handoff note from the default folder, if any (untrusted shape). */
  readonly note: unknown;
  readonly isAlive: (pid: number) => boolean;
}

export interface LaunchFolder {
  readonly folder: string;
  readonly why: 'environment' | 'handoff' | 'default';
}

export function parseHandoffNote(value: unknown): HandoffNote | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { dataFolder, pid } = value as Record<string, unknown>;
  if (typeof dataFolder !== 'string' || !path.isAbsolute(dataFolder) || /[\0\r\n]/.test(dataFolder)) {
    return undefined;
  }
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { dataFolder, pid };
}

export function chooseLaunchDataFolder(facts: LaunchFolderFacts): LaunchFolder {
  if (facts.envFolder !== undefined) return { folder: facts.envFolder, why: 'environment' };
  // Only a redirect hand-off follows the note: the admin starting the app opens their own folder.
  if (facts.redirectInArgv) {
    const note = parseHandoffNote(facts.note);
    if (
      note &&
      path.resolve(note.dataFolder) !== path.resolve(facts.defaultFolder) &&
      facts.isAlive(note.pid)
    ) {
      return { folder: note.dataFolder, why: 'handoff' };
    }
  }
  return { folder: facts.defaultFolder, why: 'default' };
}

/** The note a waiting instance leaves, or undefined when it runs on the default folder anyway. */
export function handoffNoteFor(folder: string, defaultFolder: string, pid: number): HandoffNote | undefined {
  return path.resolve(folder) === path.resolve(defaultFolder) ? undefined : { dataFolder: folder, pid };
}

/** On quit: remove the note only if it is still ours (another instance may have written its own). */
export function isOwnHandoffNote(value: unknown, folder: string, pid: number): boolean {
  const note = parseHandoffNote(value);
  return note !== undefined && note.pid === pid && path.resolve(note.dataFolder) === path.resolve(folder);
}
