/**
 * App lifecycle: data folder, single instance, redirect scheme, then (when ready) the app protocol,
 * permission policy, core services, IPC and the window. Each step lives in its own module.
 */
import os from 'node:os';
import path from 'node:path';
import { Menu, app, dialog, session, type BrowserWindow } from 'electron';
import { EVENT_CHANNEL, apiContract, channelOf, type ApiMethod, type AppEvent } from '../../preload/contract';
import { DATA_FOLDER_ENV, resolveDataFolder } from '../core/storage/data-folder';
import { toPilotError } from '../core/errors';
import { DEFAULT_SCHEME, DEV_SCHEME, findRedirectInArgv } from '../core/auth/redirect';
import { appMenuTemplate } from './app-menu';
import { createAppServices } from './app-services';
import { registerAppSchemePrivileges, serveRendererFolder } from './app-protocol';
import { broadcastEvent } from './events';
import { isProcessAlive, leaveHandoffNote, readHandoffNote, removeOwnHandoffNote } from './handoff-note-file';
import type { IpcHandler } from './ipc-dispatcher';
import { registerIpcHandlers } from './ipc-main';
import { chooseLaunchDataFolder } from './launch-data-folder';
import { createMainWindow, focusWindow } from './main-window';
import { listenForOsRedirects } from './os-handoff';
import { applyPermissionPolicy } from './permissions';
import { APP_ENTRY_URL, devRendererUrl, trustDevRendererOrigin } from './policy';
import { protocolClientRegistration } from './protocol-client';
import { createRedirectInbox } from './redirect-inbox';
import { applyRegistrationPlan, packageDesktopFileInstalled } from './scheme-registrar';
import { schemeRegistrationPlan } from './scheme-registration';
import { startFailureDialog } from './start-failure';
import { guardAllWebContents } from './web-contents-guards';

const registration = protocolClientRegistration(
  {
    isPackaged: app.isPackaged,
    defaultApp: process.defaultApp === true,
    execPath: process.execPath,
    argv: process.argv,
    appPath: app.getAppPath(),
  },
  { production: DEFAULT_SCHEME, development: DEV_SCHEME },
);

// The data folder keys the single-instance lock (one app per data folder), so it is chosen first.
// PKCE_PILOT_HOME wins (tests, portable installs); a process the OS started to hand over a sign-in
// redirect follows the note a waiting instance on another folder left (launch-data-folder.ts).
const defaultDataFolder = app.getPath('userData');
const launchFolder = chooseLaunchDataFolder({
  envFolder: process.env[DATA_FOLDER_ENV] ? resolveDataFolder() : undefined,
  defaultFolder: defaultDataFolder,
  redirectInArgv: findRedirectInArgv(process.argv, registration.scheme) !== undefined,
  note: readHandoffNote(defaultDataFolder),
  isAlive: isProcessAlive,
});
if (launchFolder.folder !== defaultDataFolder) app.setPath('userData', launchFolder.folder);

if (!app.requestSingleInstanceLock()) {
  // Another instance owns this data folder; it receives our argv through 'second-instance'.
  app.quit();
} else {
  start();
}

function start(): void {
  const dataFolder = app.getPath('userData');
  // Linux: no xdg-settings on the main thread; deb/rpm carry the scheme in their desktop file, the
  // AppImage and development runs register a user desktop file in the background.
  void packageDesktopFileInstalled(process.env)
    .then((installed) =>
      applyRegistrationPlan(
        schemeRegistrationPlan({
          platform: process.platform,
          isPackaged: app.isPackaged,
          registration,
          env: process.env,
          homeDir: os.homedir(),
          packageDesktopFileInstalled: installed,
        }),
        { app },
      ),
    )
    .catch((e: unknown) => console.warn(`Could not register the sign-in scheme: ${toPilotError(e).code}`));

  let mainWindow: BrowserWindow | undefined;
  const inbox = createRedirectInbox();
  listenForOsRedirects(app, registration.scheme, inbox, () => focusWindow(mainWindow));
  registerAppSchemePrivileges();
  guardAllWebContents(app);

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => removeOwnHandoffNote(dataFolder, defaultDataFolder));

  const devUrl = devRendererUrl(process.env, app.isPackaged);
  trustDevRendererOrigin(devUrl);
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(appMenuTemplate({ platform: process.platform, isPackaged: app.isPackaged })),
  );

  void app
    .whenReady()
    .then(async () => {
      serveRendererFolder(path.join(__dirname, '../renderer'));
      applyPermissionPolicy(session.defaultSession);

      const services = await createAppServices({
        dataFolder,
        scheme: registration.scheme,
        emit: (event: AppEvent) => {
          // A sign-in now waits for a redirect the OS may hand to a new process: leave the note.
          if (event.type === 'sign-in' && event.phase === 'waiting-for-browser') {
            leaveHandoffNote(dataFolder, defaultDataFolder);
          }
          broadcastEvent(EVENT_CHANNEL, event);
        },
      });
      registerIpcHandlers(
        apiContract,
        services.handlers as unknown as Readonly<Record<string, IpcHandler>>,
        (method) => channelOf(method as ApiMethod),
      );
      mainWindow = createMainWindow(
        path.join(__dirname, '../preload/index.js'),
        devUrl ?? APP_ENTRY_URL,
        !app.isPackaged,
      );

      inbox.attach((url) => {
        focusWindow(mainWindow);
        services.signIn.handleOsRedirect(url).then(
          () => focusWindow(mainWindow),
          // The redirect is hostile input until proven otherwise: log only the error code, never the URL.
          (e: unknown) => console.warn(`Ignored a sign-in redirect: ${toPilotError(e).code}`),
        );
      });
    })
    .catch((e: unknown) => {
      console.error(`PKCE Pilot could not start: ${toPilotError(e).toDisplayString()}`);
      const { title, content } = startFailureDialog(e, dataFolder);
      dialog.showErrorBox(title, content);
      app.exit(1);
    });
}
