/** The one app window: app-protocol content only, shown when painted. */
import type { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from './policy';
import { createSecureWindow } from './secure-window';

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = createSecureWindow({
    width: 1200,
    height: 820,
    minWidth: 880,
    minHeight: 600,
    title: 'PKCE Pilot',
    show: false,
    preload: preloadPath,
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** Brings the window to the front, e.g. when a sign-in redirect arrives from the browser. */
export function focusWindow(window: BrowserWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
