import { demoPassword, lin } from './demo';
import { expect, test } from './fixtures';

test('the app speaks the signed-in user’s language until they choose another here', async ({ browser, baseURL }) => {
  // A fresh browser with no choice stored (the page fixture stores English for the other tests).
  const context = await browser.newContext({ baseURL, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible(); // the browser's language first
  await page.getByLabel('Email').fill(lin); // lin's profile says zh-CN
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();

  // Her own choice wins from then on, also after a reload.
  await page.getByText('EN', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Your work' })).toBeVisible();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your work' })).toBeVisible();
  await context.close();
});
