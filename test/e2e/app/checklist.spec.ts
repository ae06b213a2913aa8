import { readFileSync } from 'node:fs';
import { addOrg, expect, itemRow, test } from './fixtures';

test('first run: guide, add org, tick steps, restart keeps progress', async ({ app }) => {
  const page = app.page;
  await expect(page.getByRole('heading', { name: /give PKCE Pilot its own sign-in apps/i })).toBeVisible();
  // One callback URL per org and provider: the guide names the pattern with an <alias> placeholder.
  await expect(page.getByText('com.pkcepilot.app:/oauth/callback/<alias>/salesforce').first()).toBeVisible();
  await expect(
    page.getByText('http://127.0.0.1:7171/oauth/callback/<alias>/salesforce').first(),
  ).toBeVisible();
  await expect(
    page
      .getByRole('status')
      .filter({ hasText: /Salesforce (has enforced|starts enforcing) PKCE|days? left/ }),
  ).toBeVisible();

  await addOrg(page, {
    alias: 'acme-prod',
    salesforceLoginUrl: 'acme.my.salesforce.com',
    clientId: '3MVG9PkcePilotTest',
  });
  await expect(page.getByRole('heading', { name: 'acme-prod', level: 2 })).toBeVisible();
  await expect(page.getByText('https://acme.my.salesforce.com')).toBeVisible();
  await expect(page.getByText(/0 of \d+ steps done/)).toBeVisible();
  await expect(itemRow(page, 'prereq.okta-rest-provisioning-app')).toContainText('Next step');

  for (const id of ['prereq.okta-rest-provisioning-app', 'prereq.okta-admin-role', 'sf.open-app-manager']) {
    await itemRow(page, id).getByRole('checkbox').check();
    await expect(itemRow(page, id).getByRole('checkbox')).toBeChecked();
  }
  await expect(page.getByText(/3 of \d+ steps done/)).toBeVisible();
  await expect(itemRow(page, 'prereq.salesforce-system-admin')).toContainText('Next step');
  await expect(itemRow(page, 'sf.open-app-manager')).toContainText(/Done .* by you/);

  await app.restart();
  const again = app.page;
  await expect(again.getByRole('heading', { name: 'acme-prod', level: 2 })).toBeVisible();
  await expect(again.getByText(/3 of \d+ steps done/)).toBeVisible();
  await expect(itemRow(again, 'sf.open-app-manager').getByRole('checkbox')).toBeChecked();
  await expect(itemRow(again, 'sf.log-in').getByRole('checkbox')).not.toBeChecked();

  // Unticking is kept too.
  await itemRow(again, 'prereq.okta-admin-role').getByRole('checkbox').uncheck();
  await expect(again.getByText(/2 of \d+ steps done/)).toBeVisible();
});

test('notes are saved with a timestamp and survive a restart', async ({ app }) => {
  const page = app.page;
  await addOrg(page, { alias: 'acme', salesforceLoginUrl: 'production', clientId: '3MVG9PkcePilotTest' });
  const row = itemRow(page, 'sf.require-pkce');
  await row.getByRole('button', { name: 'Add note' }).click();
  await row.getByRole('textbox').fill('Done on the Okta Provisioning connected app; change ticket CHG-1234');
  await row.getByRole('button', { name: 'Save note' }).click();
  await expect(row.locator('.note')).toContainText('CHG-1234');
  await expect(row.locator('.note .when')).toHaveText(/\(.*\d{4}.*\)/);

  await app.restart();
  const row2 = itemRow(app.page, 'sf.require-pkce');
  await expect(row2.locator('.note')).toContainText('CHG-1234');
  await row2.getByRole('button', { name: 'Edit note' }).click();
  await row2.getByRole('textbox').fill('Edited');
  await row2.getByRole('button', { name: 'Save note' }).click();
  await expect(row2.locator('.note')).toContainText('Edited');
});

test('invalid org input shows clear errors next to the fields', async ({ app }) => {
  const page = app.page;
  const form = page.getByRole('form', { name: /add an org/i });
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText('Enter a short name for this org, for example acme-prod.')).toBeVisible();
  await expect(form.getByText(/Enter your My Domain URL/)).toBeVisible();
  await expect(form.getByText(/Paste the Consumer Key/)).toBeVisible();
  await expect(form.getByLabel('Alias')).toBeFocused();
  await expect(form.getByLabel('Alias')).toHaveAttribute('aria-invalid', 'true');

  await form.getByLabel('Alias').fill('acme prod!');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText(/starting with a letter or digit/)).toBeVisible();

  // Main's own validation: plain http to a non-loopback host is refused with a reason and next step.
  await form.getByLabel('Alias').fill('acme');
  await form.getByLabel('Salesforce login URL').fill('http://acme.my.salesforce.com');
  await form.getByLabel('Salesforce Consumer Key').fill('3MVG9x');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText(/must use https:\/\//)).toBeVisible();
  await expect(form.getByLabel('Salesforce login URL')).toBeFocused();

  await form.getByLabel('Salesforce login URL').fill('production');
  await form.getByLabel('Okta org URL').fill('https://acme.okta.com');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText(/go together/)).toBeVisible();

  await form.getByLabel('Okta org URL').fill('');
  await form.getByLabel('Loopback port').fill('80');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText(/1024 to 65535/)).toBeVisible();
  await form.getByLabel('Loopback port').fill('7171');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(page.getByRole('heading', { name: 'acme', level: 2 })).toBeVisible();
});

test("the org form reports every field error in one round, its own and main's", async ({ app }) => {
  const page = app.page;
  const form = page.getByRole('form', { name: /add an org/i });
  await form.getByLabel('Alias').fill('acme prod!');
  await form.getByLabel('Salesforce login URL').fill('http://acme.my.salesforce.com');
  await form.getByLabel('Loopback port').fill('80');
  await form.getByLabel('Okta org URL').fill('ftp://acme.okta.com');
  await form.getByLabel('Okta client id').fill('0oaX');
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText(/starting with a letter or digit/)).toBeVisible();
  await expect(form.getByText(/must use https:\/\//).first()).toBeVisible();
  await expect(form.getByText(/Paste the Consumer Key/)).toBeVisible();
  await expect(form.getByText(/1024 to 65535/)).toBeVisible();
  for (const label of [
    'Alias',
    'Salesforce login URL',
    'Salesforce Consumer Key',
    'Loopback port',
    'Okta org URL',
  ])
    await expect(form.getByLabel(label)).toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Okta client id')).not.toHaveAttribute('aria-invalid', 'true');
  await expect(form.getByLabel('Alias')).toBeFocused();
});

test("deep-link buttons open this org's Setup pages; offline, network features say so", async ({ app }) => {
  const page = app.page;
  await addOrg(page, {
    alias: 'acme',
    salesforceLoginUrl: 'https://acme.my.salesforce.com',
    clientId: '3MVG9x',
    oktaOrgUrl: 'https://acme.okta.com',
    oktaClientId: '0oaX',
  });
  await itemRow(page, 'sf.open-app-manager').getByRole('button', { name: 'Open App Manager' }).click();
  await itemRow(page, 'okta.open-applications')
    .getByRole('button', { name: 'Open Okta Applications' })
    .click();
  const externalOpens = app.externalOpens;
  if (externalOpens) {
    await expect
      .poll(() => externalOpens())
      .toEqual([
        'https://acme.my.salesforce.com/lightning/setup/NavigationMenus/home',
        'https://acme-admin.okta.com/admin/apps/active',
      ]);
  }

  await page.context().setOffline(true);
  await expect(page.getByText('Offline — sign-in, checks and links need a connection')).toBeVisible();
  const signIn = page.getByRole('region', { name: 'Sign-in' });
  await expect(signIn.getByRole('button', { name: 'Sign in to Salesforce' })).toBeDisabled();
  // The status board's next action needs the network too.
  await expect(page.getByTestId('board-next')).toBeDisabled();
  await expect(page.getByText('You are offline. Signing in needs a network connection.')).toBeVisible();
  await expect(
    itemRow(page, 'sf.open-app-manager').getByRole('button', { name: 'Open App Manager' }),
  ).toBeDisabled();
  await page.context().setOffline(false);
  await expect(signIn.getByRole('button', { name: 'Sign in to Salesforce' })).toBeEnabled();
});

test('exports a report of the checklist', async ({ app }) => {
  test.skip(app.kind !== 'web', 'the desktop app asks for a file name with a native dialog');
  const page = app.page;
  await addOrg(page, { alias: 'acme', salesforceLoginUrl: 'production', clientId: '3MVG9x' });
  await itemRow(page, 'sf.require-pkce').getByRole('checkbox').check();
  await expect(page.getByText(/1 of \d+ steps done/)).toBeVisible();
  const report = page.getByRole('region', { name: 'Report' });
  await report.getByRole('button', { name: 'Export Markdown' }).click();
  const saved = report.getByRole('status');
  await expect(saved).toContainText('acme-pkce-report.md');
  const file = (await saved.locator('.mono').textContent()) ?? '';
  const text = readFileSync(file, 'utf8');
  expect(text).toContain('acme');
  // The ticked step is reported as done (Markdown escapes the parentheses).
  expect(text).toMatch(/- \[x\] Under API .*Require Proof Key for Code Exchange/);
  expect(text).toMatch(/- \[ \] Log in to Salesforce as a System Administrator/);
  // Verification runs through the same core as the CLI: the checks panel offers it.
  await expect(page.getByRole('banner').getByRole('button', { name: 'Run checks' })).toBeEnabled();
});
