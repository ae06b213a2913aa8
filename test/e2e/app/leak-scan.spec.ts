/**
 * "Secrets never leak", app level: a full sign-in from the app through the system browser (a second
 * page), a verification run and report exports — then every token and code the Salesforce server issued
 * is searched for in the renderer's DOM and storage, in every bridge request and response (the IPC
 * answers the contract let through), in every pushed app event, in the data folder (reports included)
 * and in the URLs the server saw.
 */
import { freePort } from '../../helpers/free-port';
import type { Request, Response } from '@playwright/test';
import {
  describeHits,
  filesIn,
  pageHaystacks,
  requestUrlHaystacks,
  scanFolder,
  scanForSecrets,
  type Haystack,
} from '../../helpers/leak-scan';
import { completeLoginInBrowser } from '../../servers/browser';
import { createSalesforceApi, createSalesforceApiState } from '../../servers/salesforce-api';
import { startSalesforceServer, type SalesforceTestServer } from '../../servers/salesforce-server';
import { addOrg, expect, test } from './fixtures';

const CLIENT_ID = '3MVG9PkcePilotLeakE2E';
const OKTA_CALLBACK = 'https://system-admin.okta.com/admin/app/generic/oauth20redirect';

let sf: SalesforceTestServer;
let port: number;
test.beforeEach(async () => {
  sf = await startSalesforceServer({
    apiHandler: createSalesforceApi(
      createSalesforceApiState({
        orgPkceRequired: true,
        connectedApps: [
          {
            fullName: 'Okta_Provisioning',
            label: 'Okta Provisioning',
            callbackUrl: OKTA_CALLBACK,
            isPkceRequired: true,
          },
        ],
      }),
    ),
  });
  port = await freePort();
  await sf.registerClient({
    clientId: CLIENT_ID,
    redirectUris: [`http://127.0.0.1:${port}/oauth/callback/acme/salesforce`],
  });
});
test.afterEach(async () => {
  await sf.close();
});

test('after sign-in, checks and report exports, no issued token is in the DOM, storage, IPC answers, events or files', async ({
  app,
}) => {
  const { newBrowserPage, nextBrowserOpen } = app;
  test.skip(
    !newBrowserPage || !nextBrowserOpen,
    'needs the captured system browser and the recorded bridge of the web project',
  );
  if (!newBrowserPage || !nextBrowserOpen) return;
  const page = app.page;

  // Every IPC exchange: what the window asked (request bodies) and what the contract let through.
  const bridge: Promise<Haystack>[] = [];
  page.on('request', (r: Request) => {
    if (r.url().includes('/__bridge/') && r.method() === 'POST')
      bridge.push(
        Promise.resolve({ label: `ipc request ${new URL(r.url()).pathname}`, text: r.postData() ?? '' }),
      );
  });
  page.on('response', (r: Response) => {
    const { pathname } = new URL(r.url());
    if (!pathname.startsWith('/__bridge/') || pathname === '/__bridge/events') return;
    bridge.push(r.text().then((text) => ({ label: `ipc response ${pathname}`, text })));
  });
  // Pushed events arrive over one long-lived stream; a second listener in the page keeps a copy.
  await page.evaluate(() => {
    const w = window as unknown as { __leakScanEvents: string[] };
    w.__leakScanEvents = [];
    new EventSource('/__bridge/events').onmessage = (e) => w.__leakScanEvents.push(String(e.data));
  });

  await addOrg(page, { alias: 'acme', salesforceLoginUrl: sf.url, clientId: CLIENT_ID, port: String(port) });
  const panel = page.getByRole('region', { name: 'Sign-in' });
  const opened = nextBrowserOpen();
  await panel.getByRole('button', { name: 'Sign in to Salesforce' }).click();
  const systemBrowser = await newBrowserPage();
  await completeLoginInBrowser(systemBrowser, await opened, {
    login: 'admin@acme.test',
    redirectUri: `http://127.0.0.1:${port}/oauth/callback/acme/salesforce`,
  });
  await expect(panel).toContainText(/Salesforce: Signed in as admin@acme\.test/);
  await systemBrowser.close();

  await page.getByRole('banner').getByRole('button', { name: 'Run checks' }).click();
  const board = page.getByRole('region', { name: 'Status' });
  await expect(board).toContainText(/Last checked just now/);
  const orgWide = board.locator('#board-step-org-wide');
  await orgWide.getByText('Evidence').click();
  await expect(orgWide).toContainText('salesforce.org.pkce-required');
  await expect(orgWide.getByText('Verified', { exact: true })).toBeVisible();

  for (const label of ['Markdown', 'HTML', 'JSON']) {
    await page.getByRole('button', { name: `Export ${label}` }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Saved to' })).toContainText(
      `acme-pkce-report.${label === 'Markdown' ? 'md' : label.toLowerCase()}`,
    );
  }

  const events = await page.evaluate(
    () => (window as unknown as { __leakScanEvents: string[] }).__leakScanEvents,
  );
  expect(events.some((e) => e.includes('signed-in'))).toBe(true);
  const ipc = await Promise.all(bridge);
  const answered = new Set(ipc.map((h) => h.label));
  for (const method of ['signIn.start', 'signIn.status', 'verify.run', 'report.export']) {
    expect(
      [...answered].some((l) => l === `ipc response /__bridge/${method}`),
      `no recorded answer for ${method}`,
    ).toBe(true);
  }
  const folder = await scanFolder(app.dataFolder);
  expect(filesIn(folder)).toEqual(
    expect.arrayContaining([
      'orgs.json',
      'reports/acme-pkce-report.md',
      'reports/acme-pkce-report.html',
      'reports/acme-pkce-report.json',
    ]),
  );

  const secrets = sf.issuedTokens();
  expect(secrets.length).toBeGreaterThanOrEqual(3); // code, access token, refresh token
  const haystacks = [
    ...(await pageHaystacks(page)),
    ...ipc,
    { label: 'pushed app events', text: events.join('\n') },
    ...folder,
    ...requestUrlHaystacks('salesforce', sf.requests),
  ];
  const hits = scanForSecrets(haystacks, secrets);
  expect(hits, describeHits(hits)).toEqual([]);
  expect(sf.leaks).toEqual([]);

  // Sign out so the throwaway keychain is left empty; the answer to that is scanned too.
  await panel.getByRole('button', { name: 'Sign out of Salesforce' }).click();
  await expect(panel).toContainText('Salesforce: Not signed in');
  const late = scanForSecrets(
    [...(await Promise.all(bridge)), ...(await pageHaystacks(page))],
    sf.issuedTokens(),
  );
  expect(late, describeHits(late)).toEqual([]);
});
