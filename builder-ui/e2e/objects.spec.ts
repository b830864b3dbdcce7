import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('an object defined through the API is listed with its label in each language', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  const name = `contract_${info.project.name}_${Date.now()}`;
  const res = await request.post('/api/meta/objects', {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      name,
      label: { en: 'Service Contract', 'zh-CN': '服务合同' },
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'amount', type: 'currency', currency: 'CNY' },
        { name: 'signed_on', type: 'date' },
      ],
    },
  });
  expect(res.status(), await res.text()).toBe(201);

  await signIn(page);
  // Quick find narrows the list (which pages by 20) to the object, by its label or API name.
  await page.getByRole('searchbox', { name: 'Find an object by name or label' }).fill('service contract');
  const row = page.getByRole('row').filter({ hasText: name });
  await expect(row).toContainText('Service Contract');
  await expect(page.getByRole('row').filter({ hasText: 'Account' })).toHaveCount(0);
  await expect(row.getByRole('cell').nth(phone ? 1 : 2)).toHaveText('3 fields');
  await expectNoHorizontalOverflow(page);
  await shot('10-objects-en');

  // Switching the language re-asks the server in it (Accept-Language) and relabels everything.
  const refetch = page.waitForRequest((r) => r.url().endsWith('/api/meta/objects'));
  await page.getByText('中文', { exact: true }).click();
  expect((await refetch).headers()['accept-language']).toBe('zh-CN');
  await expect(page.getByRole('heading', { name: '对象' })).toBeVisible();
  await expect(row).toContainText('服务合同');
  if (!phone) await expect(row).toContainText('年'); // updated at, formatted by dayjs in zh-CN
  await expectNoHorizontalOverflow(page);
  await shot('11-objects-zh');

  // The choice is kept across a reload.
  await page.reload();
  await expect(page.getByRole('heading', { name: '对象' })).toBeVisible();
  await page.getByText('EN', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Objects' })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Find an object by name or label' }).fill(name);
  await expect(row).toContainText('Service Contract');
});

test('the empty and the error states explain themselves', async ({ page, shot }) => {
  await page.route('**/api/meta/objects', (route) => route.fulfill({ json: { items: [] } }));
  await signIn(page);
  await expect(page.getByText('No objects yet')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('12-objects-empty');

  await page.unroute('**/api/meta/objects');
  await page.route('**/api/meta/objects', (route) =>
    route.fulfill({
      status: 503,
      json: { error: { code: 'database_unavailable', message: 'the database cannot be reached' } },
    }),
  );
  await page.reload();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('The objects could not be loaded');
  await expect(alert).toContainText('the database cannot be reached');
  await expectNoHorizontalOverflow(page);
  await shot('13-objects-error');

  await page.unroute('**/api/meta/objects');
  await alert.getByRole('button', { name: 'Retry' }).click();
  await expect(alert).toBeHidden();
});

test('an unknown page says so and leads back', async ({ page, shot }) => {
  await signIn(page);
  await page.goto('/no/such/page');
  await expect(page.getByText('Page not found')).toBeVisible();
  await expect(page.getByText('There is no page at /no/such/page.')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('14-not-found');
  await page.getByRole('button', { name: 'Go to Objects' }).click();
  await expect(page).toHaveURL(/\/objects$/);
});
