/** Smaller shell decisions: the release menu, the dev-server URL and its trust, the start-failure dialog. */
import type { MenuItemConstructorOptions } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { PilotError } from '../../main/core/errors';
import { appMenuTemplate } from '../../main/electron/app-menu';
import {
  devRendererUrl,
  isAppOrigin,
  isTrustedIpcSender,
  trustDevRendererOrigin,
} from '../../main/electron/policy';
import { startFailureDialog } from '../../main/electron/start-failure';

function roles(items: readonly MenuItemConstructorOptions[]): string[] {
  return items.flatMap((item) => [
    ...(item.role ? [String(item.role)] : []),
    ...(Array.isArray(item.submenu) ? roles(item.submenu) : []),
  ]);
}

describe('appMenuTemplate', () => {
  const DEVELOPER = ['toggleDevTools', 'reload', 'forceReload', 'viewMenu', 'toggledevtools'];

  it('release builds offer no developer tools or reload on any platform', () => {
    for (const platform of ['darwin', 'win32', 'linux'] as const) {
      const all = roles(appMenuTemplate({ platform, isPackaged: true }));
      expect(all.filter((r) => DEVELOPER.includes(r))).toEqual([]);
      // Copy/paste keep working (their shortcuts come from the edit roles).
      expect(all).toContain('editMenu');
    }
  });

  it('development runs keep them', () => {
    expect(roles(appMenuTemplate({ platform: 'linux', isPackaged: false }))).toEqual(
      expect.arrayContaining(['toggleDevTools', 'reload']),
    );
  });

  it('macOS gets the app menu, others the file menu', () => {
    expect(roles(appMenuTemplate({ platform: 'darwin', isPackaged: true }))[0]).toBe('appMenu');
    expect(roles(appMenuTemplate({ platform: 'win32', isPackaged: true }))[0]).toBe('fileMenu');
  });
});

describe('devRendererUrl and the dev origin', () => {
  afterEach(() => trustDevRendererOrigin(undefined));

  it('uses ELECTRON_RENDERER_URL only unpackaged and only on loopback', () => {
    const env = (url: string) => ({ ELECTRON_RENDERER_URL: url });
    expect(devRendererUrl(env('http://localhost:5173'), false)).toBe('http://localhost:5173/');
    expect(devRendererUrl(env('http://127.0.0.1:5173/'), false)).toBe('http://127.0.0.1:5173/');
    expect(devRendererUrl(env('http://localhost:5173'), true)).toBeUndefined();
    expect(devRendererUrl(env('https://evil.example/'), false)).toBeUndefined();
    expect(devRendererUrl(env('http://u:p@localhost:5173/'), false)).toBeUndefined();
    expect(devRendererUrl(env('file:///tmp/x.html'), false)).toBeUndefined();
    expect(devRendererUrl({}, false)).toBeUndefined();
  });

  it('trusts the dev server origin for IPC only once set, and only that origin', () => {
    const sender = { url: 'http://localhost:5173/', isTopFrame: true };
    expect(isTrustedIpcSender(sender)).toBe(false);
    trustDevRendererOrigin(devRendererUrl({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false));
    expect(isTrustedIpcSender(sender)).toBe(true);
    expect(isAppOrigin('http://localhost:5174/')).toBe(false);
    expect(isAppOrigin('app://pkce-pilot/index.html')).toBe(true);
  });
});

describe('startFailureDialog', () => {
  it('shows the plain message, the next step and the data folder', () => {
    const dialog = startFailureDialog(
      new PilotError(
        'storage',
        'The data folder is locked by another PKCE Pilot.',
        'Close the other window, then start again.',
      ),
      '/home/ada/.config/PKCE Pilot',
    );
    expect(dialog.title).toBe('PKCE Pilot could not start');
    expect(dialog.content).toContain('The data folder is locked by another PKCE Pilot.');
    expect(dialog.content).toContain('Close the other window, then start again.');
    expect(dialog.content).toContain('/home/ada/.config/PKCE Pilot');
  });

  it('does not show the text of an unexpected error (it may carry anything)', () => {
    const dialog = startFailureDialog(new Error('ENOENT /secret/path token=abc'), '/d');
    expect(dialog.content).not.toContain('token=abc');
    expect(dialog.content).toContain('An unexpected error occurred.');
  });
});
