/** Pushes core events (sign-in finished, progress changed…) to every app window. */
import { BrowserWindow } from 'electron';
import { isAppOrigin } from './policy';

export function broadcastEvent(channel: string, event: unknown): void {
  for (const window of BrowserWindow.getAllWindows()) {
    const contents = window.webContents;
    // Only app pages receive events; the hidden PDF window shows a data: URL and gets none.
    if (!contents.isDestroyed() && isAppOrigin(contents.getURL())) contents.send(channel, event);
  }
}
