/**
 * Where PKCE Pilot keeps its files (orgs.json, progress.json). The CLI and the Electron app must agree
 * on the folder without the CLI loading Electron, so this reproduces what Electron's
 * app.getPath('userData') returns for productName "PKCE Pilot".
 */
import { chmod, lstat, mkdir, realpath } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PilotError } from '../errors';

export const PRODUCT_NAME = 'PKCE Pilot';
export const DATA_FOLDER_ENV = 'PKCE_PILOT_HOME';

export interface DataFolderOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly platform?: NodeJS.Platform;
  readonly homedir?: string;
}

/** Absolute path of the data folder. PKCE_PILOT_HOME wins (tests, portable installs, several profiles). */
export function resolveDataFolder(options: DataFolderOptions = {}): string {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const homedir = options.homedir ?? os.homedir();
  // Windows paths must be judged by Windows rules even when this runs elsewhere (tests).
  const p = platform === 'win32' ? path.win32 : path.posix;

  const override = env[DATA_FOLDER_ENV];
  if (override !== undefined && override !== '') {
    if (!p.isAbsolute(override)) {
      throw new PilotError(
        'invalid-input',
        `${DATA_FOLDER_ENV} must be an absolute path, but it is "${override}".`,
        `Set ${DATA_FOLDER_ENV} to a full path such as ${platform === 'win32' ? 'C:\\pkce-pilot' : '/home/you/pkce-pilot'}, or unset it to use the default folder.`,
      );
    }
    return p.normalize(override);
  }
  return p.join(appDataFolder(env, platform, homedir, p), PRODUCT_NAME);
}

/** Electron's "appData" folder for the platform. */
function appDataFolder(
  env: Readonly<Record<string, string | undefined>>,
  platform: NodeJS.Platform,
  homedir: string,
  p: path.PlatformPath,
): string {
  switch (platform) {
    case 'darwin':
      return p.join(homedir, 'Library', 'Application Support');
    case 'win32': {
      const appData = env['APPDATA'];
      return appData && p.isAbsolute(appData) ? appData : p.join(homedir, 'AppData', 'Roaming');
    }
    default: {
      // XDG Base Directory spec: a relative $XDG_CONFIG_HOME is invalid and must be ignored.
      const xdg = env['XDG_CONFIG_HOME'];
      return xdg && p.isAbsolute(xdg) ? xdg : p.join(homedir, '.config');
    }
  }
}

export interface EnsureOptions {
  /** Told when a folder of ours was too open and was tightened to 0700 (the shells say so). */
  readonly onNotice?: (message: string) => void;
  readonly platform?: NodeJS.Platform;
}

/**
 * Creates the folder (and parents) readable by the owner only, since it describes the admin's orgs and
 * decides where sign-ins and revocations go. An existing folder is trusted only when this user owns it,
 * it is not a symlink and nobody else can write to it or to any folder above it (issue 13 §4: a folder
 * pre-created by another user let that user swap orgs.json). A folder of ours that is too open is
 * tightened to 0700, and the shells say so.
 */
export async function ensureDataFolder(folder: string, options: EnsureOptions = {}): Promise<string> {
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw dataFolderError(folder, e);
  }
  if ((options.platform ?? process.platform) === 'win32' || typeof process.getuid !== 'function') {
    return folder; // Windows: ACLs, not modes; the per-user profile folder is private by default.
  }
  const me = process.getuid();
  let info;
  try {
    info = await lstat(folder);
  } catch (e) {
    throw dataFolderError(folder, e);
  }
  if (info.isSymbolicLink()) {
    throw untrusted(
      folder,
      'it is a symbolic link',
      `Remove the link and let PKCE Pilot create a real folder there, or set ${DATA_FOLDER_ENV} to a folder of your own.`,
    );
  }
  if (!info.isDirectory())
    throw dataFolderError(folder, Object.assign(new Error('not a directory'), { code: 'ENOTDIR' }));
  if (info.uid !== me) {
    throw untrusted(
      folder,
      `it belongs to another user (uid ${info.uid})`,
      `Move it away (another user could have placed files there), or set ${DATA_FOLDER_ENV} to a folder of your own.`,
    );
  }
  if ((info.mode & 0o077) !== 0) {
    try {
      await chmod(folder, 0o700);
    } catch (e) {
      throw dataFolderError(folder, e);
    }
    options.onNotice?.(
      `The data folder ${folder} was open to other users (mode ${(info.mode & 0o777).toString(8)}); PKCE Pilot made it private (700).`,
    );
  }
  await checkParents(folder, me);
  return folder;
}

/**
 * Every folder above the data folder (symlinks resolved) must belong to this user or root and be
 * writable by nobody else — unless it is sticky like /tmp, where others cannot rename our entries.
 */
async function checkParents(folder: string, me: number): Promise<void> {
  let current: string;
  try {
    current = await realpath(path.dirname(folder));
  } catch (e) {
    throw dataFolderError(folder, e);
  }
  for (;;) {
    const info = await lstat(current);
    const sticky = (info.mode & 0o1000) !== 0;
    if (info.uid !== me && info.uid !== 0) {
      throw untrusted(
        folder,
        `the folder ${current} above it belongs to another user (uid ${info.uid})`,
        `Set ${DATA_FOLDER_ENV} to a folder inside your home folder.`,
      );
    }
    if ((info.mode & 0o022) !== 0 && !sticky) {
      throw untrusted(
        folder,
        `other users can write to the folder ${current} above it`,
        `Run \`chmod go-w ${current}\` if it is yours, or set ${DATA_FOLDER_ENV} to a folder inside your home folder.`,
      );
    }
    const parent = path.dirname(current);
    if (parent === current) return;
    current = parent;
  }
}

function untrusted(folder: string, why: string, hint: string): PilotError {
  return new PilotError(
    'storage',
    `PKCE Pilot does not use the data folder ${folder}: ${why}, so someone else could change which servers it signs in to.`,
    hint,
    { path: folder },
  );
}

function dataFolderError(folder: string, e: unknown): PilotError {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why =
    code === 'ENOTDIR' || code === 'EEXIST'
      ? 'a file with that name is in the way'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'the disk is read-only'
          : code === 'ENOSPC'
            ? 'the disk is full'
            : 'the system refused';
  return new PilotError(
    'storage',
    `Could not create the data folder ${folder}: ${why}.`,
    `Fix the folder's location or permissions, or set ${DATA_FOLDER_ENV} to a writable folder.`,
    { path: folder, errno: code },
    { cause: e },
  );
}
