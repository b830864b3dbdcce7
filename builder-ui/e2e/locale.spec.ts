import { expect, test } from './fixtures';

test('the app speaks the profile’s language, and a language chosen in the app becomes the profile’s', async ({
  browser,
  baseURL,
  request,
  token,
}, info) => {
  // A user of this test alone: the demo people's profiles follow whatever the other tests choose.
  const email = `mei.${info.project.name}.${Date.now()}@example.com`;
  const password = 'Locale-test-2026!';
  const created = await request.post('/api/users', {
    headers: { Authorization: `Bearer ${token}` },
    data: { email, password, name: 'Mei', roles: ['sales'], locale: 'zh-CN' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const profileLocale = async () => {
    const login = await request.post('/api/auth/login', { data: { email, password } });
    const me = await request.get('/api/auth/me', {
      headers: { Authorization: `Bearer ${((await login.json()) as { token: string }).token}` },
    });
    return ((await me.json()) as { locale?: string }).locale;
  };

  // A fresh browser with no choice stored (the page fixture stores English for the other tests).
  const context = await browser.newContext({ baseURL, locale: 'en-US' });
  const page = await context.newPage();
  await page.goto('/login');
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible(); // the browser's language first
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();

  // Her choice in the app is her profile's from then on (notifications are written in it), and
  // stays after a reload.
  await page.getByText('EN', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Your work' })).toBeVisible();
  await expect.poll(profileLocale).toBe('en');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Your work' })).toBeVisible();
  await page.getByText('中文', { exact: true }).click();
  await expect(page.getByRole('heading', { name: '我的工作' })).toBeVisible();
  await expect.poll(profileLocale).toBe('zh-CN');
  await context.close();
});
