/** The one app window: app-protocol content only, shown when painted. */
import type { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from './policy';
import { createSecureWindow } from './secure-window';

/**
 * `entryUrl`: the app protocol's index page, or in a development run the renderer dev server
 * (policy.ts devRendererUrl) so renderer edits show up without a rebuild.
 */
export function createMainWindow(
  preloadPath: string,
  entryUrl: string = APP_ENTRY_URL,
  devTools = false,
): BrowserWindow {
  const window = createSecureWindow({
    width: 1200,
    height: 820,
    minWidth: 880,
    minHeight: 600,
    title: 'PKCE Pilot',
    show: false,
    preload: preloadPath,
    devTools,
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(entryUrl);
  return window;
}

/** Brings the window to the front, e.g. when a sign-in redirect arrives from the browser. */
export function focusWindow(window: BrowserWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
