/**
 * How the app registers itself as the handler of its redirect scheme. Pure, so the packaged /
 * development split is unit-tested without Electron.
 */
import path from 'node:path';

export interface ProtocolClientRegistration {
  readonly scheme: string;
  /** Executable the OS should start (Electron's own default, spelled out). */
  readonly executable: string;
  /** Arguments placed before the URL. */
  readonly args: readonly string[];
}

export interface LaunchFacts {
  readonly isPackaged: boolean;
  /** `process.defaultApp`: true when started as `electron path/to/app` (development). */
  readonly defaultApp: boolean;
  readonly execPath: string;
  readonly argv: readonly string[];
  /** `app.getAppPath()`: the app Electron runs (argv[1] may be an inspector flag under a debugger). */
  readonly appPath: string;
}

/**
 * Packaged builds claim the production scheme. Development builds claim a different scheme so a dev
 * build never receives a production callback (RFC 8252 §7.1 reverse-domain schemes; GitHub Desktop
 * does the same), and must name the Electron binary plus the app path, because the OS would
 * otherwise start bare Electron without the app.
 */
export function protocolClientRegistration(
  facts: LaunchFacts,
  schemes: { readonly production: string; readonly development: string },
): ProtocolClientRegistration {
  if (facts.isPackaged) return { scheme: schemes.production, executable: facts.execPath, args: [] };
  const appPath = facts.defaultApp ? facts.appPath : undefined;
  if (appPath === undefined) return { scheme: schemes.development, executable: facts.execPath, args: [] };
  return { scheme: schemes.development, executable: facts.execPath, args: [path.resolve(appPath)] };
}
