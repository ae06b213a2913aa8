/**
 * Carries out ./scheme-registration.ts's plan. No `electron` import (the app object is passed in),
 * so the Linux desktop-file path runs under Node in tests. Nothing here blocks start-up: the Linux
 * work is asynchronous and its failure only costs the custom-scheme return path (logged).
 */
import { execFile } from 'node:child_process';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PACKAGE_DESKTOP_FILE, type RegistrationPlan } from './scheme-registration';

export interface RegistrarDeps {
  readonly app: { setAsDefaultProtocolClient(scheme: string, path?: string, args?: string[]): boolean };
  /** Runs a command without a shell; resolves when it exits successfully. */
  readonly run?: (file: string, args: readonly string[]) => Promise<void>;
  readonly log?: (line: string) => void;
}

function runCommand(file: string, args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: 10_000 }, (error) => (error ? reject(error) : resolve()));
  });
}

/** Whether a package manager installed the app's desktop file (XDG_DATA_DIRS, spec default). */
export async function packageDesktopFileInstalled(
  env: Readonly<Record<string, string | undefined>>,
): Promise<boolean> {
  const dirs = (env['XDG_DATA_DIRS'] || '/usr/local/share:/usr/share').split(':').filter(path.isAbsolute);
  for (const dir of dirs) {
    try {
      await access(path.join(dir, 'applications', PACKAGE_DESKTOP_FILE));
      return true;
    } catch {
      // not in this one
    }
  }
  return false;
}

async function currentContents(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Applies the plan. Returns what happened in a few words (for logs and tests). The user desktop file
 * is rewritten and made the default only when it changed (first run, or the AppImage moved).
 */
export async function applyRegistrationPlan(plan: RegistrationPlan, deps: RegistrarDeps): Promise<string> {
  const log = deps.log ?? ((line: string) => console.log(line));
  switch (plan.kind) {
    case 'os-default':
      // electron-security-exception PROTOCOL_HANDLER_JS_CHECK: RFC 8252 redirect scheme; every URL is validated by the core (state, path, single use)
      deps.app.setAsDefaultProtocolClient(plan.scheme, plan.executable, [...plan.args]);
      return 'registered with the OS';
    case 'package-desktop-file':
      return 'registered by the package';
    case 'none':
      log(`PKCE Pilot could not register ${plan.scheme}: ${plan.reason}. Use a loopback redirect instead.`);
      return 'not registered';
    case 'user-desktop-file': {
      if ((await currentContents(plan.desktopFile)) === plan.contents) return 'already registered';
      await mkdir(path.dirname(plan.desktopFile), { recursive: true });
      await writeFile(plan.desktopFile, plan.contents, { mode: 0o644 });
      try {
        await (deps.run ?? runCommand)('xdg-mime', plan.xdgMimeArgs);
      } catch {
        log(
          `PKCE Pilot wrote ${plan.desktopFile} but could not make it the default for ${plan.scheme} (xdg-mime failed or is missing).`,
        );
        return 'desktop file written';
      }
      log(plan.notice);
      return 'registered for this user';
    }
  }
}
