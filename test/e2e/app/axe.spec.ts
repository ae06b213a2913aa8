/**
 * Accessibility by measurement: axe-core on every main screen (first run, the org form with errors,
 * an org's board and checklist, the fleet view, dark mode) must find no serious or critical violation.
 */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { addOrg, expect, test } from './fixtures';

async function seriousViolations(page: Page, screen: string): Promise<string[]> {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
    .analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${screen}: ${v.id} (${v.impact}) ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join('; ')}`,
    );
}

test('axe finds no serious or critical violation on the main screens, light and dark', async ({ app }) => {
  test.skip(app.kind !== 'web', 'axe runs in the web project');
  test.setTimeout(240_000); // eight full axe runs on a shared machine
  const page = app.page;
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.getByRole('heading', { name: /PKCE Pilot/, level: 1 })).toBeVisible();
    found.push(...(await seriousViolations(page, `first run (${scheme})`)));
  }
  await page.emulateMedia({ colorScheme: 'light' });

  // The org form with every error showing at once.
  const form = page.getByRole('form', { name: /add an org/i });
  await form.getByLabel('Loopback port').fill('80');
  await form.getByLabel('Okta org URL').fill('acme.okta.com');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.locator('[aria-invalid="true"]')).toHaveCount(5);
  found.push(...(await seriousViolations(page, 'org form with errors')));
  await form.getByLabel('Loopback port').fill('7171');

  for (const alias of ['acme-prod', 'acme-uat']) {
    if (alias === 'acme-uat') await page.getByRole('button', { name: '+ Add org' }).click();
    await addOrg(page, {
      alias,
      salesforceLoginUrl: alias === 'acme-prod' ? 'acme.my.salesforce.com' : 'sandbox',
      clientId: '3MVG9Axe',
      oktaOrgUrl: 'acme.okta.com',
      oktaClientId: '0oaAxe',
    });
    await expect(page.getByRole('region', { name: 'Status' })).toBeVisible();
  }
  await page.locator('#board-step-salesforce-app').focus();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    found.push(...(await seriousViolations(page, `org board and checklist (${scheme})`)));
  }

  await page.getByRole('button', { name: 'All orgs' }).click();
  await expect(page.getByRole('region', { name: 'All orgs' }).locator('tbody tr')).toHaveCount(2);
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    found.push(...(await seriousViolations(page, `fleet view (${scheme})`)));
  }
  expect(found).toEqual([]);
});
