/**
 * The application menu. Electron's default menu (and the 'viewMenu' role) offers Reload, Force Reload
 * and Toggle Developer Tools — in a release build that hands anyone at the keyboard a console inside
 * the privileged renderer. Release builds get editing, zoom and window items only; development runs
 * keep the developer items. Pure (type-only Electron import): the template is unit-tested.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuFacts {
  readonly platform: NodeJS.Platform;
  /** `app.isPackaged`: release build. */
  readonly isPackaged: boolean;
}

export function appMenuTemplate({ platform, isPackaged }: MenuFacts): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      ...(isPackaged
        ? []
        : ([
            { role: 'reload' },
            { role: 'forceReload' },
            { role: 'toggleDevTools' },
            { type: 'separator' },
          ] satisfies MenuItemConstructorOptions[])),
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  return [
    ...(platform === 'darwin' ? [{ role: 'appMenu' } as const] : [{ role: 'fileMenu' } as const]),
    // Copy and paste (redirect URLs, client ids) need the edit roles, also for their shortcuts.
    { role: 'editMenu' },
    view,
    { role: 'windowMenu' },
  ];
}
