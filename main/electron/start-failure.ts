/**
 * What the admin sees when the app cannot start (a locked or unreadable data folder, a broken
 * keychain, …): a dialog with the plain message and the next step. Logging alone shows nothing to
 * someone who started the app from a menu. Pure; index.ts shows it with dialog.showErrorBox.
 */
import { toPilotError } from '../core/errors';

export function startFailureDialog(e: unknown, dataFolder: string): { title: string; content: string } {
  const err = toPilotError(e);
  return {
    title: 'PKCE Pilot could not start',
    content: [err.message, err.hint, `Data folder: ${dataFolder}`, `(${err.code})`]
      .filter((line) => line.trim() !== '')
      .join('\n\n'),
  };
}
