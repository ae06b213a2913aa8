import { freePort } from '../../helpers/free-port';
import { completeLoginInBrowser } from '../../servers/browser';
import { startSalesforceServer, type SalesforceTestServer } from '../../servers/salesforce-server';
import { addOrg, expect, test } from './fixtures';

const CLIENT_ID = '3MVG9PkcePilotE2E';
const SCHEME_URI = 'com.pkcepilot.app:/oauth/callback/acme/salesforce';

/** The browser is opened on a one-time local start link: no state, no challenge in the opener's argv. */
function expectStartLink(url: string): void {
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/start\/[A-Za-z0-9_-]{43}$/);
}

let sf: SalesforceTestServer;
let port: number;
test.beforeEach(async () => {
  sf = await startSalesforceServer();
  port = await freePort();
  await sf.registerClient({
    clientId: CLIENT_ID,
    // One callback URL per org and provider (mix-up defence).
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`, SCHEME_URI],
    pkceRequired: true,
  });
});
test.afterEach(async () => {
  await sf.close();
});

test('signs in to Salesforce through the system browser, shows who, never a token, and signs out', async ({
  app,
}) => {
  const { newBrowserPage, nextBrowserOpen } = app;
  test.skip(!newBrowserPage || !nextBrowserOpen, 'needs the captured system browser of the web project');
  if (!newBrowserPage || !nextBrowserOpen) return;
  const page = app.page;
  await addOrg(page, { alias: 'acme', salesforceLoginUrl: sf.url, clientId: CLIENT_ID, port: String(port) });
  const panel = page.getByRole('region', { name: 'Sign-in' });
  await expect(panel).toContainText('Salesforce: Not signed in');

  const opened = nextBrowserOpen();
  await panel.getByRole('button', { name: 'Sign in to Salesforce' }).click();
  const authorizationUrl = await opened;
  expectStartLink(authorizationUrl);
  await expect(panel).toContainText('Waiting for you to finish signing in in your browser');
  await expect(panel.getByRole('button', { name: 'Cancel sign-in' })).toBeVisible();

  const systemBrowser = await newBrowserPage();
  await completeLoginInBrowser(systemBrowser, authorizationUrl, {
    login: 'admin@acme.test',
    redirectUri: `http://127.0.0.1:${port}/oauth/callback/acme/salesforce`,
  });
  await expect(panel).toContainText(/Salesforce: Signed in as admin@acme\.test/);

  const html = await page.content();
  for (const token of sf.issuedTokens()) expect(html).not.toContain(token);
  expect(sf.leaks).toEqual([]);

  // Survives a restart: the tokens live in the keychain, not in the page.
  await app.restart();
  const panel2 = app.page.getByRole('region', { name: 'Sign-in' });
  await expect(panel2).toContainText(/Signed in as admin@acme\.test/);
  await panel2.getByRole('button', { name: 'Sign out of Salesforce' }).click();
  await expect(panel2).toContainText('Salesforce: Not signed in');
});

test('signs in through the custom-scheme redirect the OS hands to the app', async ({ app }) => {
  const { newBrowserPage, nextBrowserOpen } = app;
  test.skip(!newBrowserPage || !nextBrowserOpen, 'needs the captured system browser of the web project');
  if (!newBrowserPage || !nextBrowserOpen) return;
  const page = app.page;
  await addOrg(page, { alias: 'acme', salesforceLoginUrl: sf.url, clientId: CLIENT_ID, redirect: 'scheme' });
  const panel = page.getByRole('region', { name: 'Sign-in' });
  const opened = nextBrowserOpen();
  await panel.getByRole('button', { name: 'Sign in to Salesforce' }).click();
  const authorizationUrl = await opened;
  expectStartLink(authorizationUrl);

  // Chromium aborts the custom-scheme navigation; the helper reads it through CDP, as the OS would receive it.
  const systemBrowser = await newBrowserPage();
  const { finalUrl } = await completeLoginInBrowser(systemBrowser, authorizationUrl, {
    login: 'admin@acme.test',
    redirectUri: SCHEME_URI,
  });
  expect(finalUrl.startsWith(`${SCHEME_URI}?`)).toBe(true);

  // A forged redirect first: refused, and the real sign-in keeps waiting.
  const forged = new URL(finalUrl.replace('com.pkcepilot.app:', 'https://x'));
  forged.searchParams.set('state', 'forged-state-value-0123456789abcdef');
  await app.handOffRedirect(`${SCHEME_URI}${forged.search}`);
  await expect(panel).toContainText('Waiting for you to finish signing in in your browser');

  await app.handOffRedirect(finalUrl);
  await expect(panel).toContainText(/Salesforce: Signed in as admin@acme\.test/);
  expect(sf.tokenRequestCount('authorization_code')).toBe(1);
  const html = await page.content();
  for (const token of sf.issuedTokens()) expect(html).not.toContain(token);
  await panel.getByRole('button', { name: 'Sign out of Salesforce' }).click();
  await expect(panel).toContainText('Salesforce: Not signed in');
});

test('a sign-in can be cancelled from the app', async ({ app }) => {
  const { nextBrowserOpen } = app;
  test.skip(!nextBrowserOpen, 'needs the captured system browser of the web project');
  if (!nextBrowserOpen) return;
  const page = app.page;
  await addOrg(page, { alias: 'acme', salesforceLoginUrl: sf.url, clientId: CLIENT_ID, port: String(port) });
  const panel = page.getByRole('region', { name: 'Sign-in' });
  const opened = nextBrowserOpen();
  await panel.getByRole('button', { name: 'Sign in to Salesforce' }).click();
  await opened;
  await panel.getByRole('button', { name: 'Cancel sign-in' }).click();
  await expect(panel).toContainText('sign-in cancelled');
  await expect(panel.getByRole('button', { name: 'Sign in to Salesforce' })).toBeEnabled();
});
