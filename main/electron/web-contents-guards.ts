/**
 * Guards applied to every webContents the app creates (the main window, the PDF renderer, anything
 * else): no navigation away, no new windows, no <webview>. Sign-in pages open in the system browser
 * via shell.openExternal (RFC 8252 §8.12: native apps must not use embedded user-agents).
 */
import type { App, WebContents } from 'electron';

function guard(contents: WebContents): void {
  // The renderer routes in memory: any navigation (a link, a drag-and-drop, a redirect) is unwanted.
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function guardAllWebContents(app: App): void {
  app.on('web-contents-created', (_event, contents) => guard(contents));
}
