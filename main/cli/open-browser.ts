import { PilotError } from '../core/errors';

/** How long an opener may run before we take "still running" as "the browser is starting". */
const OPENER_GRACE_MS = 3_000;

function cannotOpen(reason: string): PilotError {
  return new PilotError(
    'internal',
    `Could not open a browser (${reason}).`,
    'Open the sign-in URL printed below in a browser on this computer, or run the command again with --no-open.',
  );
}

/**
 * Opens a URL in the user's default (system) browser — RFC 8252 §8.12: never an embedded view.
 * The opener's argv is readable by every local user (/proc/<pid>/cmdline), so callers hand it only the
 * secret-free one-time start link, never the authorization URL with state and challenge.
 * Rejects when no opener can work (Linux without DISPLAY/WAYLAND_DISPLAY, opener missing) or the
 * opener exits with a failure, so the caller can print the URL instead of waiting forever.
 */
export async function openInSystemBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  if (platform !== 'darwin' && platform !== 'win32' && !env['DISPLAY'] && !env['WAYLAND_DISPLAY']) {
    throw cannotOpen('no graphical session: neither DISPLAY nor WAYLAND_DISPLAY is set');
  }
  // Loaded when a browser is really opened: every command imports this module, few open a browser,
  // and node:child_process is a noticeable part of a cold start.
  const { spawn } = await import('node:child_process');
  const [command, args] =
    platform === 'darwin'
      ? ['open', [url]]
      : platform === 'win32'
        ? // `start` would need cmd.exe quoting of & in the URL; the URL handler takes it verbatim.
          ['rundll32', ['url.dll,FileProtocolHandler', url]]
        : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'ignore', detached: true, env });
    let settled = false;
    const settle = (error?: PilotError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(grace);
      child.unref();
      if (error) reject(error);
      else resolve();
    };
    // xdg-open may stay in the foreground with the browser it started: still running = started.
    const grace = setTimeout(() => settle(), OPENER_GRACE_MS);
    grace.unref();
    child.once('error', () => settle(cannotOpen(`${command} is not available`)));
    child.once('exit', (code) =>
      settle(code === 0 ? undefined : cannotOpen(`${command} failed with exit code ${String(code)}`)),
    );
  });
}
