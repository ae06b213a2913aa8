/**
 * Receives sign-in redirects the OS hands to the app (RFC 8252 §7.1 private-use scheme):
 * macOS `open-url` (registered inside `will-finish-launching` so a cold-start URL is not missed),
 * Windows/Linux `second-instance` argv, and this process's own argv on a cold start. Every URL goes
 * to the inbox; the core (SignInService.handleOsRedirect) judges it.
 */
import type { App } from 'electron';
import { findRedirectInArgv } from '../core/auth/redirect';
import type { RedirectInbox } from './redirect-inbox';

export function listenForOsRedirects(
  app: App,
  scheme: string,
  inbox: RedirectInbox,
  onSecondInstance: () => void,
): void {
  app.on('will-finish-launching', () => {
    app.on('open-url', (event, url) => {
      event.preventDefault();
      inbox.push(url);
    });
  });
  app.on('second-instance', (_event, argv) => {
    const url = findRedirectInArgv(argv, scheme);
    if (url !== undefined) inbox.push(url);
    // A second launch without a URL means the admin opened the app again: show the window.
    onSecondInstance();
  });
  const coldStartUrl = findRedirectInArgv(process.argv, scheme);
  if (coldStartUrl !== undefined) inbox.push(coldStartUrl);
}
