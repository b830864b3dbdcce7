import { demoPassword, lin, signInAs } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

test('a sales rep saves a list view, finds it again after a reload, and a colleague does not see it', async ({
  page,
  request,
  shot,
}, info) => {
  const name = `Bright leads ${info.project.name} ${Date.now() % 100000}`;
  await signInAs(page, lin);
  await page.goto('/app/lead');
  const rows = page.locator('.ant-table-tbody tr.ant-table-row');
  await page.getByPlaceholder('Search').fill('Bright');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Bright SaaS');

  await page.getByRole('button', { name: 'Save view' }).click();
  await page.getByLabel('View name').fill(name);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText(`View “${name}” saved`)).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('96-list-view-saved');

  // The list is its address: a reload keeps the view and its search.
  await page.reload();
  await expect(page.locator('div.ant-select[aria-label="Saved view"]')).toContainText(name, { timeout: 30_000 });
  await expect(page.getByPlaceholder('Search')).toHaveValue('Bright');
  await expect(rows).toHaveCount(1);

  // Opened afresh the list shows everything again; choosing the view brings its search back.
  await page.goto('/app/lead');
  await expect(page.getByPlaceholder('Search')).toHaveValue('', { timeout: 30_000 });
  await expect(page.locator('div.ant-select[aria-label="Saved view"]')).toContainText('All records');
  await page.getByRole('combobox', { name: 'Saved view' }).click({ force: true });
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: name }).click();
  await expect(page.getByPlaceholder('Search')).toHaveValue('Bright');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Bright SaaS');

  // The view is lin's own: kept on the server for her, not shown to a colleague.
  const token = async (email: string) =>
    (
      (await (await request.post('/api/auth/login', { data: { email, password: demoPassword } })).json()) as {
        token: string;
      }
    ).token;
  const list = async (email: string) =>
    JSON.stringify(
      await (
        await request.get('/api/views?object=lead', { headers: { Authorization: `Bearer ${await token(email)}` } })
      ).json(),
    );
  expect(await list(lin)).toContain(name);
  expect(await list('chen@demo.example.com')).not.toContain(name);
});
