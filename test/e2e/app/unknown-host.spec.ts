/**
 * Issue 13 §1: a Salesforce login URL outside the known Salesforce domains is saved only after the admin
 * confirms it (mix-up defence). The form shows main's warning next to the field; the core refuses too.
 */
import AxeBuilder from '@axe-core/playwright';
import { addOrg, expect, test } from './fixtures';

const CONFIRM = "This is my organisation's Salesforce login address";

test('an unknown login host needs an explicit confirmation before the org is saved', async ({ app }) => {
  const page = app.page;
  const form = page.getByRole('form', { name: /add an org/i });
  await expect(form.getByLabel(CONFIRM)).toHaveCount(0);
  await addOrg(page, {
    alias: 'custom',
    salesforceLoginUrl: 'https://login.acme-sso.example',
    clientId: '3MVG9PkcePilotTest',
  });

  const warning = /login\.acme-sso\.example is not on a known Salesforce domain/;
  await expect(form.getByText(warning)).toBeVisible();
  const box = form.getByLabel(CONFIRM);
  await expect(box).toBeFocused();
  await expect(box).not.toBeChecked();
  await expect(box).toHaveAttribute('aria-invalid', 'true');
  await expect(box).toHaveAccessibleDescription(warning);
  await expect(form.getByLabel('Salesforce login URL')).toHaveAccessibleDescription(warning);
  await expect(
    form.getByText(/Tick the box if this is your organisation's Salesforce login address/),
  ).toBeVisible();

  if (app.kind === 'web') {
    const axe = await new AxeBuilder({ page })
      .include('form')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'])
      .analyze();
    expect(
      axe.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id),
    ).toEqual([]);
  }

  // Saving again without the tick still saves nothing.
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(box).toBeFocused();
  await expect(page.getByRole('heading', { name: 'custom', level: 2 })).toHaveCount(0);

  // A changed address drops the confirmation; a known domain asks nothing.
  await box.check();
  await form.getByLabel('Salesforce login URL').fill('https://login.other-sso.example');
  await expect(form.getByLabel(CONFIRM)).toHaveCount(0);
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(form.getByText(/login\.other-sso\.example is not on a known Salesforce domain/)).toBeVisible();
  await expect(form.getByLabel(CONFIRM)).not.toBeChecked();

  await form.getByLabel('Salesforce login URL').fill('https://login.acme-sso.example');
  await form.getByRole('button', { name: 'Add org' }).click();
  await form.getByLabel(CONFIRM).check();
  await expect(form.getByText(/Tick the box if/)).toHaveCount(0);
  await form.getByRole('button', { name: 'Add org' }).click();
  await expect(page.getByRole('heading', { name: 'custom', level: 2 })).toBeVisible();
  await expect(page.getByText('https://login.acme-sso.example')).toBeVisible();
});

test('the core refuses an unconfirmed unknown host whatever the renderer sends', async ({ app }) => {
  const page = app.page;
  await expect(page.getByRole('form', { name: /add an org/i })).toBeVisible();
  const results = await page.evaluate(async () => {
    const api = window.pkcePilot;
    if (!api) throw new Error('no bridge');
    const base = { clientId: '3MVG9x', redirect: 'loopback' as const };
    return [
      await api['orgs.add']({ alias: 'evil', salesforceLoginUrl: 'https://evil.example', ...base }),
      await api['orgs.add']({ alias: 'lab', salesforceLoginUrl: 'http://127.0.0.1:4010', ...base }),
      await api['orgs.update']({ alias: 'lab', salesforceLoginUrl: 'https://evil.example' }),
      await api['orgs.update']({ alias: 'lab', salesforceLoginUrl: 'acme.my.salesforce.com' }),
    ];
  });
  expect(results.map((r) => (r.ok ? 'ok' : r.error.code))).toEqual([
    'unknown-host',
    'ok',
    'unknown-host',
    'ok',
  ]);
});

test('editing an org onto an unknown host asks too; keeping the host does not', async ({ app }) => {
  const page = app.page;
  await addOrg(page, { alias: 'acme', salesforceLoginUrl: 'production', clientId: '3MVG9PkcePilotTest' });
  await expect(page.getByRole('heading', { name: 'acme', level: 2 })).toBeVisible();
  await page.getByRole('button', { name: 'Edit org' }).click();
  const form = page.getByRole('form', { name: 'Edit acme' });
  await form.getByLabel('Salesforce login URL').fill('sso.acme.example');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form.getByText(/sso\.acme\.example is not on a known Salesforce domain/)).toBeVisible();
  await form.getByLabel(CONFIRM).check();
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByText('https://sso.acme.example')).toBeVisible();

  // The confirmed host stays; changing another field asks nothing again.
  await page.getByRole('button', { name: 'Edit org' }).click();
  await form.getByLabel('Salesforce Consumer Key').fill('3MVG9Other');
  await form.getByRole('button', { name: 'Save changes' }).click();
  await expect(form).toHaveCount(0);
  await expect(page.getByText('https://sso.acme.example')).toBeVisible();
});
