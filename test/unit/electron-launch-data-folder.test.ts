/**
 * An instance the OS starts to hand over a sign-in redirect must open the data folder of the
 * instance that started the sign-in (launch-data-folder.ts), through the note in the default folder
 * (handoff-note-file.ts, exercised on a real temp folder with real process ids).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isProcessAlive,
  leaveHandoffNote,
  readHandoffNote,
  removeOwnHandoffNote,
} from '../../main/electron/handoff-note-file';
import {
  HANDOFF_FILE_NAME,
  chooseLaunchDataFolder,
  parseHandoffNote,
} from '../../main/electron/launch-data-folder';

const DEFAULT = '/home/ada/.config/PKCE Pilot';
const OTHER = '/srv/pilot-profile';
const alive = () => true;

describe('chooseLaunchDataFolder', () => {
  it('PKCE_PILOT_HOME always wins', () => {
    expect(
      chooseLaunchDataFolder({
        envFolder: OTHER,
        defaultFolder: DEFAULT,
        redirectInArgv: true,
        note: undefined,
        isAlive: alive,
      }),
    ).toEqual({ folder: OTHER, why: 'environment' });
  });

  it('a redirect hand-off follows the note of a live instance on another folder', () => {
    expect(
      chooseLaunchDataFolder({
        envFolder: undefined,
        defaultFolder: DEFAULT,
        redirectInArgv: true,
        note: { dataFolder: OTHER, pid: 4242 },
        isAlive: (pid) => pid === 4242,
      }),
    ).toEqual({ folder: OTHER, why: 'handoff' });
  });

  it('ignores the note for a plain start, a dead instance, or a malformed note', () => {
    const base = { envFolder: undefined, defaultFolder: DEFAULT, isAlive: alive };
    const note = { dataFolder: OTHER, pid: 4242 };
    expect(chooseLaunchDataFolder({ ...base, redirectInArgv: false, note }).why).toBe('default');
    expect(chooseLaunchDataFolder({ ...base, redirectInArgv: true, note, isAlive: () => false }).why).toBe(
      'default',
    );
    for (const bad of [
      null,
      'x',
      { dataFolder: 'relative', pid: 1 },
      { dataFolder: OTHER, pid: -1 },
      { dataFolder: OTHER, pid: 1.5 },
      { dataFolder: `${OTHER}\n`, pid: 1 },
    ]) {
      expect(parseHandoffNote(bad)).toBeUndefined();
      expect(chooseLaunchDataFolder({ ...base, redirectInArgv: true, note: bad }).why).toBe('default');
    }
  });
});

describe('the hand-off note on disk', () => {
  let root: string;
  let defaultFolder: string;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'pkce-handoff-'));
    defaultFolder = path.join(root, 'default');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('an instance on another folder leaves a private note that the next launch follows, and removes only its own', async () => {
    const other = path.join(root, 'profile');
    expect(leaveHandoffNote(other, defaultFolder)).toBe(true);
    const file = path.join(defaultFolder, HANDOFF_FILE_NAME);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ dataFolder: other, pid: process.pid });

    const next = chooseLaunchDataFolder({
      envFolder: undefined,
      defaultFolder,
      redirectInArgv: true,
      note: readHandoffNote(defaultFolder),
      isAlive: isProcessAlive,
    });
    expect(next).toEqual({ folder: other, why: 'handoff' });

    removeOwnHandoffNote(path.join(root, 'someone-else'), defaultFolder);
    expect(readHandoffNote(defaultFolder)).toBeDefined();
    removeOwnHandoffNote(other, defaultFolder);
    expect(readHandoffNote(defaultFolder)).toBeUndefined();
  });

  it('an instance on the default folder leaves no note', () => {
    expect(leaveHandoffNote(defaultFolder, defaultFolder)).toBe(false);
    expect(readHandoffNote(defaultFolder)).toBeUndefined();
  });

  it('a note of an exited process is not followed', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    const pid = child.pid ?? 0;
    await new Promise((resolve) => child.on('exit', resolve));
    expect(isProcessAlive(pid)).toBe(false);
    expect(isProcessAlive(process.pid)).toBe(true);
    leaveHandoffNote(path.join(root, 'profile'), defaultFolder, pid);
    expect(
      chooseLaunchDataFolder({
        envFolder: undefined,
        defaultFolder,
        redirectInArgv: true,
        note: readHandoffNote(defaultFolder),
        isAlive: isProcessAlive,
      }).why,
    ).toBe('default');
  });
});
