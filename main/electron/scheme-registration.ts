/**
 * How the OS learns that PKCE Pilot handles its sign-in redirect scheme, per platform and package
 * type. Pure (facts in, a plan out) so every case is unit-tested under Node; ./scheme-registrar.ts
 * carries the plan out.
 *
 * - Windows: `app.setAsDefaultProtocolClient` writes HKCU\Software\Classes\<scheme> (the NSIS
 *   uninstaller removes it again, build/installer.nsh).
 * - macOS: the bundle's Info.plist CFBundleURLTypes (electron-builder `protocols`) declares the
 *   scheme; setAsDefaultProtocolClient (LSSetDefaultHandlerForURLScheme, Electron 45 docs: only
 *   schemes the Info.plist declares) makes this copy the default handler.
 * - Linux: Electron's setAsDefaultProtocolClient runs `xdg-settings set default-url-scheme-handler
 *   <scheme> $CHROME_DESKTOP` synchronously on the main thread, naming a desktop file that may not
 *   exist. Never used here:
 *   - deb/rpm (a desktop file installed by the package): that file already carries
 *     `MimeType=x-scheme-handler/<scheme>` (electron-builder writes it from `protocols`) — nothing
 *     to do at run time;
 *   - AppImage, or any build without an installed desktop file, and development runs: a user
 *     desktop file (~/.local/share/applications, hidden from menus) whose Exec starts this very
 *     copy, then `xdg-mime default <file> x-scheme-handler/<scheme>` in the background. The AppImage
 *     ships a desktop file inside the image, but nothing installs it (electron-builder 26
 *     AppImageTarget), so without this a custom-scheme sign-in never comes back.
 */
import path from 'node:path';
import type { ProtocolClientRegistration } from './protocol-client';

export interface RegistrationFacts {
  readonly platform: NodeJS.Platform;
  readonly isPackaged: boolean;
  /** Scheme, executable and arguments from ./protocol-client.ts (dev: Electron + the app path). */
  readonly registration: ProtocolClientRegistration;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly homeDir: string;
  /** Whether the package manager installed the app's desktop file (deb, rpm). Linux only. */
  readonly packageDesktopFileInstalled: boolean;
}

export type RegistrationPlan =
  | {
      /** Windows and macOS: Electron's own registration. */
      readonly kind: 'os-default';
      readonly scheme: string;
      readonly executable: string;
      readonly args: readonly string[];
    }
  | {
      /** Linux package with its own desktop file: the package did it. */
      readonly kind: 'package-desktop-file';
      readonly scheme: string;
    }
  | {
      /** Linux without an installed desktop file: write one for this user, then make it the default. */
      readonly kind: 'user-desktop-file';
      readonly scheme: string;
      readonly desktopFile: string;
      readonly contents: string;
      /** Arguments of `xdg-mime` making the file the scheme's default handler. */
      readonly xdgMimeArgs: readonly string[];
      /** One line for the log: what was registered and where. */
      readonly notice: string;
    }
  | {
      /** Nothing can be registered safely (e.g. a path that cannot be written into Exec). */
      readonly kind: 'none';
      readonly scheme: string;
      readonly reason: string;
    };

/** File name of the app's desktop file installed by the deb (package.json desktopName). */
export const PACKAGE_DESKTOP_FILE = 'com.pkcepilot.app.desktop';

/**
 * One Exec argument, quoted per the Desktop Entry Specification ("The Exec key"): inside double
 * quotes, `"`, `` ` ``, `$` and `\` are backslash-escaped, `%` is doubled; then the value as a whole
 * gets the general string escaping (`\` → `\\`).
 */
export function quoteExecArgument(arg: string): string {
  const quoted = `"${arg.replace(/[\\"`$]/g, (c) => `\\${c}`).replace(/%/g, '%%')}"`;
  return quoted.replace(/\\/g, '\\\\');
}

function isWritableIntoDesktopFile(value: string): boolean {
  return path.isAbsolute(value) && !/[\r\n\0]/.test(value);
}

function userApplicationsDir(facts: RegistrationFacts): string {
  const dataHome = facts.env['XDG_DATA_HOME'];
  const base = dataHome && path.isAbsolute(dataHome) ? dataHome : path.join(facts.homeDir, '.local', 'share');
  return path.join(base, 'applications');
}

function linuxUserPlan(
  facts: RegistrationFacts,
  command: readonly string[],
  label: string,
  fileName: string,
): RegistrationPlan {
  const scheme = facts.registration.scheme;
  if (!command.every(isWritableIntoDesktopFile)) {
    return {
      kind: 'none',
      scheme,
      reason: 'the app path cannot be written into a desktop file (not absolute, or a line break in it)',
    };
  }
  const desktopFile = path.join(userApplicationsDir(facts), fileName);
  const contents = [
    '[Desktop Entry]',
    'Type=Application',
    `Name=PKCE Pilot ${label}`,
    'Comment=Receives PKCE Pilot sign-in redirects',
    `Exec=${command.map(quoteExecArgument).join(' ')} %u`,
    'Terminal=false',
    // A scheme handler, not a second launcher in the menu.
    'NoDisplay=true',
    `MimeType=x-scheme-handler/${scheme};`,
    '',
  ].join('\n');
  return {
    kind: 'user-desktop-file',
    scheme,
    desktopFile,
    contents,
    xdgMimeArgs: ['default', fileName, `x-scheme-handler/${scheme}`],
    notice: `Registered this ${label} as the handler of ${scheme}: sign-in redirects come back to it (${desktopFile}).`,
  };
}

export function schemeRegistrationPlan(facts: RegistrationFacts): RegistrationPlan {
  const { scheme, executable, args } = facts.registration;
  if (facts.platform !== 'linux') return { kind: 'os-default', scheme, executable, args };
  if (!facts.isPackaged) {
    return linuxUserPlan(facts, [executable, ...args], '(development)', 'pkce-pilot-dev.desktop');
  }
  const appImage = facts.env['APPIMAGE'];
  if (appImage) return linuxUserPlan(facts, [appImage], 'AppImage', 'pkce-pilot-appimage.desktop');
  if (facts.packageDesktopFileInstalled) return { kind: 'package-desktop-file', scheme };
  // An unpacked or archived build (dir, tar.gz): no desktop file anywhere; this binary handles it.
  return linuxUserPlan(facts, [executable, ...args], '(unpacked build)', 'pkce-pilot-unpacked.desktop');
}
