import type { Page } from '@playwright/test';
import { admin } from './admin';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

async function signOut(page: Page, phone: boolean) {
  if (phone) {
    await page.getByRole('button', { name: 'Account' }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
  } else {
    await page.getByRole('button', { name: 'Sign out' }).click();
  }
}

test('signing out returns to the login page and ends the session on the server', async ({
  page,
  request,
  phone,
  shot,
}) => {
  await signIn(page);
  const token = await page.evaluate(() => localStorage.getItem('crm.token'));
  expect(token).toBeTruthy();
  await signOut(page, phone);
  await expect(page).toHaveURL(/\/login$/);
  await shot('20-signed-out');

  const me = await request.get('/api/auth/me', { headers: { Authorization: `Bearer ${token}` } });
  expect(me.status()).toBe(401);
  // Neither token nor cookie is left: the app asks to sign in again.
  await page.goto('/objects');
  await expect(page).toHaveURL(/\/login\?next=%2Fobjects$/);
});

test('the navigation fits the screen: side bar on desktop, drawer on phones', async ({ page, phone, shot }) => {
  await signIn(page);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  if (!phone) {
    await expect(nav.getByRole('menuitem', { name: 'Objects' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Open navigation' })).toHaveCount(0);
    return;
  }
  await expect(nav).toHaveCount(0);
  await expectNoHorizontalOverflow(page);
  await page.getByRole('button', { name: 'Open navigation' }).click();
  await expect(nav.getByRole('menuitem', { name: 'Objects' })).toBeVisible();
  await shot('21-nav-drawer');
  await nav.getByRole('menuitem', { name: 'Objects' }).click();
  await expect(nav).toBeHidden();
  await expect(page).toHaveURL(/\/objects$/);
  await expectNoHorizontalOverflow(page);
});

test('a session ended elsewhere leads to the login page and back', async ({ page, request }) => {
  await signIn(page);
  const token = await page.evaluate(() => localStorage.getItem('crm.token'));
  expect((await request.post('/api/auth/logout', { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(
    204,
  );

  // The next request answers 401: the app asks to sign in, keeping the page.
  await page.getByText('中文', { exact: true }).click();
  await expect(page).toHaveURL(/\/login\?next=%2Fobjects$/);
  await page.getByLabel('邮箱').fill(admin.email);
  await page.getByLabel('密码').fill(admin.password);
  await page.getByLabel('密码').press('Enter');
  await expect(page).toHaveURL(/\/objects$/);
  await expect(page.getByRole('heading', { name: '对象' })).toBeVisible();
});
