/**
 * The app shell never scrolls as a whole: only its content areas do. Once, screen-reader-only spans
 * escaped the (unpositioned) scrolling main area and made the page 4,700 px tall at 900×600, so a
 * wheel over the header or Space/PageDown scrolled the window to a blank screen.
 */
import type { Locator, Page } from '@playwright/test';
import { addOrg, expect, itemRow, test } from './fixtures';

async function addOneOrg(page: Page): Promise<void> {
  await addOrg(page, {
    alias: 'layout-org',
    salesforceLoginUrl: 'layout.my.salesforce.com',
    clientId: '3MVG9Layout',
    oktaOrgUrl: 'layout.okta.com',
    oktaClientId: '0oaLayout',
  });
  await expect(page.getByRole('heading', { name: 'Migration checklist' })).toBeVisible();
}

async function boxOf(locator: Locator) {
  const box = await locator.boundingBox();
  if (!box) throw new Error('not on screen');
  return box;
}

async function expectShellInPlace(page: Page): Promise<void> {
  const state = await page.evaluate(() => ({
    scrollY: window.scrollY,
    scrollHeight: document.scrollingElement?.scrollHeight ?? 0,
    innerHeight: window.innerHeight,
    headerTop: document.querySelector('.topbar')?.getBoundingClientRect().top ?? -1,
  }));
  expect(state.scrollY).toBe(0);
  expect(state.scrollHeight).toBeLessThanOrEqual(state.innerHeight);
  expect(state.headerTop).toBe(0);
  await expect(page.getByRole('heading', { name: 'PKCE Pilot', level: 1 })).toBeInViewport();
}

for (const size of [
  { width: 900, height: 600 },
  { width: 800, height: 500 },
  { width: 1400, height: 900 },
]) {
  test(`the window never scrolls away at ${size.width}×${size.height}: wheel, Space, PageDown`, async ({
    app,
  }) => {
    const page = app.page;
    await page.setViewportSize(size);
    await addOneOrg(page);
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Migration checklist' })).toBeVisible();
    await expectShellInPlace(page);

    // Space and PageDown right after load, with nothing focused.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('Space');
    await page.keyboard.press('PageDown');
    await page.keyboard.press('End');
    await expectShellInPlace(page);

    // The wheel over the header, over the sidebar and over the content.
    for (const where of ['.topbar', '.sidebar', '.content']) {
      const box = await page.locator(where).boundingBox();
      if (!box) throw new Error(`${where} not on screen`);
      await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
      await page.mouse.wheel(0, 5000);
    }
    await expectShellInPlace(page);
    // The content itself did scroll: the wheel was not simply swallowed.
    expect(await page.locator('.content').evaluate((el) => el.scrollTop)).toBeGreaterThan(0);
  });
}

test('"Go to it" lands with the next step fully visible below the sticky header', async ({ app }) => {
  const page = app.page;
  await addOneOrg(page);
  // Move the next step well down the list.
  for (const id of [
    'prereq.okta-rest-provisioning-app',
    'prereq.okta-admin-role',
    'prereq.salesforce-system-admin',
    'sf.log-in',
    'sf.open-setup',
    'sf.open-app-manager',
  ]) {
    await itemRow(page, id).getByRole('checkbox').check();
  }
  await page.getByRole('button', { name: 'Go to it' }).click();
  const target = itemRow(page, 'sf.edit-okta-connected-app');
  await expect(target.getByRole('checkbox')).toBeFocused();
  const header = await boxOf(page.locator('.checklist-head'));
  const row = await boxOf(target);
  const content = await boxOf(page.locator('.content'));
  expect(row.y).toBeGreaterThanOrEqual(header.y + header.height);
  expect(row.y + row.height).toBeLessThanOrEqual(content.y + content.height);
  // The sticky header stays compact at 900×600 (it took ~115 of 553 px before).
  expect(header.height).toBeLessThan(90);
  await expectShellInPlace(page);
});
