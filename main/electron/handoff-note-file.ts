/**
 * Reads and writes ./launch-data-folder.ts's hand-off note in the default data folder. No `electron`
 * import. Reading is synchronous: it happens before the single-instance lock, at the very start.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HANDOFF_FILE_NAME, handoffNoteFor, isOwnHandoffNote } from './launch-data-folder';

/** The note's parsed JSON, or undefined (none, unreadable, not JSON). */
export function readHandoffNote(defaultFolder: string): unknown {
  try {
    return JSON.parse(readFileSync(path.join(defaultFolder, HANDOFF_FILE_NAME), 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/** Leaves the note when this instance runs on another folder than the default. Never throws. */
export function leaveHandoffNote(folder: string, defaultFolder: string, pid = process.pid): boolean {
  const note = handoffNoteFor(folder, defaultFolder, pid);
  if (!note) return false;
  try {
    mkdirSync(defaultFolder, { recursive: true, mode: 0o700 });
    writeFileSync(path.join(defaultFolder, HANDOFF_FILE_NAME), JSON.stringify(note), { mode: 0o600 });
    return true;
  } catch {
    return false; // the redirect then only reaches an instance on the default folder
  }
}

/** Removes the note if it is still this instance's. Never throws. */
export function removeOwnHandoffNote(folder: string, defaultFolder: string, pid = process.pid): void {
  if (!isOwnHandoffNote(readHandoffNote(defaultFolder), folder, pid)) return;
  rmSync(path.join(defaultFolder, HANDOFF_FILE_NAME), { force: true });
}

/** Whether a process with this id exists (signal 0 only checks). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    // ESRCH: gone. EPERM: another user's process — not one to hand this user's redirect to.
    return false;
  }
}
