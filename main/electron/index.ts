/**
 * App lifecycle: data folder, single instance, redirect scheme, then (when ready) the app protocol,
 * permission policy, core services, IPC and the window. Each step lives in its own module.
 */
import path from 'node:path';
import { app, session, type BrowserWindow } from 'electron';
import { EVENT_CHANNEL, apiContract, channelOf, type ApiMethod, type AppEvent } from '../../preload/contract';
import { DATA_FOLDER_ENV, resolveDataFolder } from '../core/storage/data-folder';
import { toPilotError } from '../core/errors';
import { DEFAULT_SCHEME, DEV_SCHEME } from '../core/auth/redirect';
import { createAppServices } from './app-services';
import { registerAppSchemePrivileges, serveRendererFolder } from './app-protocol';
import { broadcastEvent } from './events';
import type { IpcHandler } from './ipc-dispatcher';
import { registerIpcHandlers } from './ipc-main';
import { createMainWindow, focusWindow } from './main-window';
import { listenForOsRedirects } from './os-handoff';
import { applyPermissionPolicy } from './permissions';
import { protocolClientRegistration } from './protocol-client';
import { createRedirectInbox } from './redirect-inbox';
import { guardAllWebContents } from './web-contents-guards';

// Tests and portable installs point PKCE_PILOT_HOME at their own folder. It must be set before the
// single-instance lock, which is keyed by the userData folder (one app per data folder).
if (process.env[DATA_FOLDER_ENV]) app.setPath('userData', resolveDataFolder());

if (!app.requestSingleInstanceLock()) {
  // Another instance owns this data folder; it receives our argv through 'second-instance'.
  app.quit();
} else {
  start();
}

function start(): void {
  const registration = protocolClientRegistration(
    {
      isPackaged: app.isPackaged,
      defaultApp: process.defaultApp === true,
      execPath: process.execPath,
      argv: process.argv,
    },
    { production: DEFAULT_SCHEME, development: DEV_SCHEME },
  );
  // electron-security-exception PROTOCOL_HANDLER_JS_CHECK: RFC 8252 redirect scheme; every URL is validated by the core (state, path, single use)
  app.setAsDefaultProtocolClient(registration.scheme, registration.executable, [...registration.args]);

  let mainWindow: BrowserWindow | undefined;
  const inbox = createRedirectInbox();
  listenForOsRedirects(app, registration.scheme, inbox, () => focusWindow(mainWindow));
  registerAppSchemePrivileges();
  guardAllWebContents(app);

  app.on('window-all-closed', () => app.quit());

  void app
    .whenReady()
    .then(async () => {
      serveRendererFolder(path.join(__dirname, '../renderer'));
      applyPermissionPolicy(session.defaultSession);

      const services = await createAppServices({
        dataFolder: app.getPath('userData'),
        scheme: registration.scheme,
        emit: (event: AppEvent) => broadcastEvent(EVENT_CHANNEL, event),
      });
      registerIpcHandlers(
        apiContract,
        services.handlers as unknown as Readonly<Record<string, IpcHandler>>,
        (method) => channelOf(method as ApiMethod),
      );
      mainWindow = createMainWindow(path.join(__dirname, '../preload/index.js'));

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
      app.exit(1);
    });
}
