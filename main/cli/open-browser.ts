import { PilotError } from '../core/errors';

/**
 * Opens a URL in the user's default (system) browser — RFC 8252 §8.12: never an embedded view.
 * The URL carries only public values (client id, state, code challenge), so argv is acceptable.
 */
export async function openInSystemBrowser(
  url: string,
  platform: NodeJS.Platform = process.platform,
): Promise<void> {
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
    const child = spawn(command, args, { stdio: 'ignore', detached: true });
    child.once('error', () =>
      reject(
        new PilotError(
          'internal',
          `Could not open the system browser (${command} is not available).`,
          'Run the command again with --no-open and open the printed URL yourself.',
        ),
      ),
    );
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
