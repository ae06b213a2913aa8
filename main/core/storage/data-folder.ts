/**
 * Where PKCE Pilot keeps its files (orgs.json, progress.json). The CLI and the Electron app must agree
 * on the folder without the CLI loading Electron, so this reproduces what Electron's
 * app.getPath('userData') returns for productName "PKCE Pilot".
 */
import { mkdir, stat } from 'node:fs/promises';
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

/** Creates the folder (and parents) readable by the owner only, since it describes the admin's orgs. */
export async function ensureDataFolder(folder: string): Promise<string> {
  try {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const info = await stat(folder);
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    return folder;
  } catch (e) {
    throw dataFolderError(folder, e);
  }
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
