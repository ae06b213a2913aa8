/**
 * The fleet view over the real core: a dozen orgs, sorting, filtering and keyboard navigation,
 * "Check all" for the signed-in ones with per-org progress (one org whose server is gone does not stop
 * the others), and the fleet report exported from the app.
 */
import { readFileSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { freePort } from '../../helpers/free-port';
import { completeLoginInBrowser } from '../../servers/browser';
import { createSalesforceApi, createSalesforceApiState } from '../../servers/salesforce-api';
import { startSalesforceServer, type SalesforceTestServer } from '../../servers/salesforce-server';
import { expect, test, type AppHandle } from './fixtures';

const CLIENT_ID = '3MVG9PkcePilotFleetE2E';
const OKTA_CALLBACK = 'https://system-admin.okta.com/admin/app/generic/oauth20redirect';

let sf: SalesforceTestServer;
let gone: SalesforceTestServer;
let port: number;

async function server(): Promise<SalesforceTestServer> {
  const s = await startSalesforceServer({
    autoConsent: true,
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
  // Each org has its own callback URL (mix-up defence): one registered per org that signs in.
  await s.registerClient({
    clientId: CLIENT_ID,
    redirectUris: SIGNED_IN.map((alias) => callbackFor(alias)),
  });
  return s;
}

test.beforeEach(async () => {
  port = await freePort();
  sf = await server();
  gone = await server();
});
test.afterEach(async () => {
  await sf.close();
  await gone.close().catch(() => undefined);
});

/** Adds an org through the app's own API (the same call the org form makes). */
async function addOrgByApi(page: Page, alias: string, loginUrl: string): Promise<void> {
  const r = await page.evaluate(
    async ([a, u, c, p]) =>
      window.pkcePilot?.['orgs.add']({
        alias: a,
        salesforceLoginUrl: u,
        clientId: c,
        redirect: 'loopback',
        port: p,
      }),
    [alias, loginUrl, CLIENT_ID, port] as const,
  );
  expect(r?.ok, JSON.stringify(r)).toBe(true);
}

const SIGNED_IN = ['org-01', 'org-05', 'org-09', 'zz-gone'];
function callbackFor(alias: string): string {
  return `http://127.0.0.1:${port}/oauth/callback/${alias}/salesforce`;
}

async function signInByApi(app: AppHandle, alias: string): Promise<void> {
  if (!app.nextBrowserOpen || !app.newBrowserPage) throw new Error('web project only');
  const opened = app.nextBrowserOpen();
  await app.page.evaluate(
    (a) => window.pkcePilot?.['signIn.start']({ alias: a, provider: 'salesforce' }),
    alias,
  );
  const browser = await app.newBrowserPage();
  await completeLoginInBrowser(browser, await opened, {
    login: `admin@${alias}.test`,
    redirectUri: callbackFor(alias),
  });
  // Left open: closing a page of the shared context mid-response trips Playwright; the context closes after the test.
  await expect(app.page.getByText(`admin@${alias}.test`).or(app.page.locator('body'))).toBeVisible();
}

test('fleet view of a dozen orgs: sort, filter, keyboard, Check all with per-org progress, fleet report', async ({
  app,
}) => {
  test.skip(!app.nextBrowserOpen, 'needs the captured system browser of the web project');
  const page = app.page;
  const aliases = Array.from({ length: 11 }, (_, i) => `org-${String(i + 1).padStart(2, '0')}`);
  for (const a of aliases) await addOrgByApi(page, a, sf.url);
  await addOrgByApi(page, 'zz-gone', gone.url);
  for (const a of SIGNED_IN) await signInByApi(app, a);
  // One org's server disappears after its sign-in: its checks fail, the others must not.
  await gone.close();

  await page.getByRole('navigation', { name: 'Orgs' }).getByRole('button', { name: 'All orgs' }).click();
  const fleet = page.getByRole('region', { name: 'All orgs' });
  const rows = fleet.locator('tbody tr');
  await expect(rows).toHaveCount(12);
  await expect(fleet).toContainText('4 signed in to Salesforce');
  await expect(rows.first()).toContainText('Run checks');

  // Sort by name, descending, with the sort state announced.
  const nameHeader = fleet.getByRole('columnheader', { name: /Org/ });
  await nameHeader.getByRole('button').click();
  await expect(nameHeader).toHaveAttribute('aria-sort', 'descending');
  await expect(rows.first()).toHaveAttribute('data-org', 'zz-gone');
  await nameHeader.getByRole('button').click();
  await expect(rows.first()).toHaveAttribute('data-org', 'org-01');

  // Check all: the signed-in orgs only, with progress; the page stays usable meanwhile.
  await fleet.getByRole('button', { name: 'Check all signed-in orgs (4)' }).click();
  await expect(fleet.getByRole('status').filter({ hasText: /Checked 4 orgs\./ })).toBeVisible({
    timeout: 30_000,
  });
  for (const a of ['org-01', 'org-05', 'org-09'])
    await expect(fleet.locator(`tr[data-org="${a}"]`)).toContainText('just now');
  // The exact time is the tooltip of "just now", formatted when the pointer first rests on it.
  const checkedAt = fleet.locator('tr[data-org="org-01"] time');
  await expect(checkedAt).not.toHaveAttribute('title', /./);
  await checkedAt.hover();
  await expect(checkedAt).toHaveAttribute('title', /\d{1,2}:\d{2}/);
  const goneRow = fleet.locator(`tr[data-org="zz-gone"]`);
  await expect(goneRow.locator('.mini-badge.state-could-not-check').first()).toBeVisible();
  await expect(fleet.locator('tr[data-org="org-02"]')).toContainText('never');
  // The migration cell's badges are one picture whose text alternative names every step and its state.
  await expect(
    fleet
      .locator('tr[data-org="org-01"]')
      .getByRole('img', { name: /^\d of \d steps verified\. .+: Verified\. .+ \(optional\)\.$/ }),
  ).toBeVisible();

  await page.screenshot({ path: 'test-results/screenshots/fleet/fleet-900.png' });
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.screenshot({ path: 'test-results/screenshots/fleet/fleet-1400.png' });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: 'test-results/screenshots/fleet/fleet-1400-dark.png' });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 900, height: 600 });

  // Filters: "not checked in 7 days" hides the orgs just checked; "needs action" keeps the others too.
  await fleet.getByLabel('Show').selectOption('not-checked-7-days');
  await expect(rows).toHaveCount(8);
  await expect(fleet.locator('tr[data-org="org-01"]')).toHaveCount(0);
  await fleet.getByLabel('Show').selectOption('needs-action');
  await expect(fleet.locator('tr[data-org="org-02"]')).toHaveCount(1);
  await fleet.getByLabel('Show').selectOption('all');
  await fleet.getByLabel('Name').fill('org-1');
  await expect(rows).toHaveCount(2);
  await fleet.getByLabel('Name').fill('');

  // Keyboard: arrows move between orgs, Enter opens one.
  await fleet.getByRole('button', { name: 'org-01', exact: true }).focus();
  await page.keyboard.press('ArrowDown');
  await expect(fleet.getByRole('button', { name: 'org-02', exact: true })).toBeFocused();
  await page.keyboard.press('End');
  await expect(fleet.getByRole('button', { name: 'zz-gone', exact: true })).toBeFocused();
  await page.keyboard.press('Home');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'org-01', level: 2 })).toBeVisible();
  await expect(page.locator('#board-step-salesforce-app')).toContainText('Verified');

  // The fleet report, from the app.
  await page.getByRole('button', { name: 'All orgs' }).click();
  await fleet.getByRole('button', { name: 'Export CSV' }).click();
  const saved = fleet.getByRole('status').filter({ hasText: 'Saved to' });
  await expect(saved).toContainText('fleet-pkce-report.csv');
  const csv = readFileSync((await saved.locator('.mono').textContent()) ?? '', 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines).toHaveLength(13);
  // Salesforce's side verified; Okta's steps wait for its settings.
  expect(lines.find((l) => l.startsWith('org-01,'))).toMatch(/^org-01,local,[^,]+,,[^,]+,,1,4,/);
  for (const token of [...sf.issuedTokens(), ...gone.issuedTokens()]) expect(csv).not.toContain(token);

  // Reopened, the app comes back to "All orgs", whose rows it asked for once, at launch (startup.ts).
  const rowRequests: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/__bridge/fleet.list') rowRequests.push(r.url());
  });
  await page.reload();
  await expect(rows).toHaveCount(12);
  await expect(fleet).toContainText('4 signed in to Salesforce');
  await expect(fleet.locator('tr[data-org="org-01"]')).toContainText('just now');
  expect(rowRequests).toHaveLength(1);
});
