/**
 * The only place that constructs a BrowserWindow, so the hardening is written out once, literally
 * (electronegativity reads these keys statically; a spread from another module would hide them).
 */
import { BrowserWindow, type BrowserWindowConstructorOptions } from 'electron';

export type SecureWindowOptions = Omit<BrowserWindowConstructorOptions, 'webPreferences'> & {
  /** Absolute path of the sandboxed preload bundle; omit for windows that need no API. */
  readonly preload?: string;
  /** Script in the page; off for windows that only render static HTML (the PDF report). */
  readonly javascript?: boolean;
  /** Developer tools; only development runs turn them on (release builds cannot open them at all). */
  readonly devTools?: boolean;
  /** Session partition; default: the app's default session. */
  readonly partition?: string;
};

export function createSecureWindow({
  preload,
  javascript = true,
  devTools = false,
  partition,
  ...options
}: SecureWindowOptions): BrowserWindow {
  return new BrowserWindow({
    ...options,
    webPreferences: {
      // Electron security checklist: isolate, sandbox, no Node in any renderer.
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click would open links in new windows; setWindowOpenHandler denies them anyway.
      disableBlinkFeatures: 'Auxclick',
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      javascript,
      devTools,
      ...(partition === undefined ? {} : { partition }),
      // electron-security-exception PRELOAD_JS_CHECK: the one preload is the sandboxed contract bridge (preload/index.ts), exposing functions only
      ...(preload === undefined ? {} : { preload }),
    },
  });
}
