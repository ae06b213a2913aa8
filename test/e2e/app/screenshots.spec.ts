import { copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { addOrg, expect, itemRow, test } from './fixtures';

const ROOT = path.resolve(__dirname, '../../..');
/**
 * `npm test` must leave the work tree as it found it: shots go to test-results/ (ignored). Only
 * `npm run screenshots` (which sets this) refreshes the README's docs/screenshots, from the web project.
 */
const UPDATE_DOCS = process.env['PKCE_PILOT_UPDATE_SCREENSHOTS'] === '1';

test('screenshots of the main screens in light and dark', async ({ app }, testInfo) => {
  const page = app.page;
  const outDir = path.join(ROOT, 'test-results', 'screenshots', testInfo.project.name);
  mkdirSync(outDir, { recursive: true });
  const shot = async (name: string) => {
    const file = path.join(outDir, `${name}.png`);
    await page.screenshot({ path: file });
    return file;
  };

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.getByRole('heading', { name: /PKCE Pilot/, level: 1 })).toBeVisible();
    if (scheme === 'light') {
      const file = await shot(`first-run-${scheme}`);
      if (UPDATE_DOCS && testInfo.project.name === 'web') copyToDocs(file, `first-run-${scheme}.png`);
    }
  }

  await page.emulateMedia({ colorScheme: 'light' });
  await addOrg(page, {
    alias: 'acme-prod',
    salesforceLoginUrl: 'acme.my.salesforce.com',
    clientId: '3MVG9Screens',
    oktaOrgUrl: 'acme.okta.com',
    oktaClientId: '0oaScreens',
  });
  for (const id of [
    'prereq.okta-rest-provisioning-app',
    'prereq.okta-admin-role',
    'prereq.salesforce-system-admin',
    'sf.log-in',
  ]) {
    await itemRow(page, id).getByRole('checkbox').check();
  }
  await expect(page.getByText(/4 of \d+ steps done/)).toBeVisible();
  // Bring the checklist with its "next step" into view.
  await itemRow(page, 'sf.open-setup').scrollIntoViewIfNeeded();

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // The theme really changed: the page background follows prefers-color-scheme.
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe(scheme === 'light' ? 'rgb(244, 246, 248)' : 'rgb(20, 23, 28)');
    const file = await shot(`checklist-${scheme}`);
    if (UPDATE_DOCS && testInfo.project.name === 'web') copyToDocs(file, `checklist-${scheme}.png`);
  }

  // Only `npm run screenshots` writes docs/: `npm test` leaves the work tree as it found it.
  const keep = (file: string, name: string) => {
    if (UPDATE_DOCS && testInfo.project.name === 'web') copyToDocs(file, `${name}.png`);
  };

  // The status board at the top of the org, after a run (nobody signed in here: "could not check").
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('banner').getByRole('button', { name: 'Run checks' }).click();
  const board = page.getByRole('region', { name: 'Status' });
  await expect(board).toContainText('Last checked just now');
  await page.locator('.content').evaluate((el) => el.scrollTo(0, 0));
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    keep(await shot(`board-${scheme}`), `board-${scheme}`);
  }

  // The fleet view with a few orgs, at the larger window size.
  await page.emulateMedia({ colorScheme: 'light' });
  for (const [alias, url] of [
    ['acme-uat', 'sandbox'],
    ['globex-prod', 'globex.my.salesforce.com'],
    ['initech-dev', 'initech--dev.sandbox.my.salesforce.com'],
  ] as const) {
    await page.getByRole('button', { name: '+ Add org' }).click();
    await addOrg(page, { alias, salesforceLoginUrl: url, clientId: '3MVG9Screens' });
    await expect(page.getByRole('heading', { name: alias, level: 2 })).toBeVisible();
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  await page.getByRole('button', { name: 'All orgs' }).click();
  await expect(page.getByRole('region', { name: 'All orgs' }).locator('tbody tr')).toHaveCount(4);
  await expect(page.getByRole('region', { name: 'All orgs' })).toContainText('signed in to Salesforce');
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    keep(await shot(`fleet-${scheme}`), `fleet-${scheme}`);
  }
});

function copyToDocs(file: string, name: string): void {
  mkdirSync(path.join(ROOT, 'docs', 'screenshots'), { recursive: true });
  copyFileSync(file, path.join(ROOT, 'docs', 'screenshots', name));
}
