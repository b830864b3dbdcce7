import { call, pickOption, type Rec } from './demo';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('an admin ticks leads and sets a field on all, sees which the rules refuse, and deletes some', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const tag = `Bulk${info.project.name}${Date.now()}`;
  const leads: Rec[] = [];
  for (const n of [1, 2, 3]) {
    leads.push(await call<Rec>(request, token, 'POST', '/api/records/lead', { company: `${tag} ${n}`, status: 'new' }));
  }

  await signIn(page);
  await page.goto('/app/lead');
  await page.getByPlaceholder('Search').fill(tag);
  const rows = page.locator('tr.ant-table-row');
  await expect(rows).toHaveCount(3);
  await page.getByRole('button', { name: 'Select' }).click();
  for (const n of [1, 2])
    await rows
      .filter({ hasText: `${tag} ${n}` })
      .locator('.ant-checkbox-input')
      .check();
  await expect(page.getByTestId('bulk-count')).toHaveText('2 rows ticked');

  // Set the status of both.
  await page.getByRole('button', { name: 'With the ticked rows' }).click();
  await page.getByRole('menuitem', { name: 'Set a field…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Set a field…' });
  await dialog.getByLabel('Field').click();
  await pickOption(page, 'Status');
  await dialog.locator('#field-status').click();
  await pickOption(page, 'Contacted');
  await expectNoHorizontalOverflow(page);
  await shot('bulk-set-field', false);
  await dialog.getByRole('button', { name: 'Apply to 2 records' }).click();
  await expect(page.getByText('2 records changed').last()).toBeVisible(); // an earlier toast may still show
  for (const l of leads.slice(0, 2)) {
    expect((await call<Rec>(request, token, 'GET', `/api/records/lead/${l.id}`)).status).toBe('contacted');
  }
  expect((await call<Rec>(request, token, 'GET', `/api/records/lead/${leads[2].id}`)).status).toBe('new');

  // Disqualified needs a reason: every ticked record is refused, and the answer says why.
  await rows
    .filter({ hasText: `${tag} 3` })
    .locator('.ant-checkbox-input')
    .check();
  await page.getByRole('button', { name: 'With the ticked rows' }).click();
  await page.getByRole('menuitem', { name: 'Set a field…' }).click();
  await dialog.getByLabel('Field').click();
  await pickOption(page, 'Status');
  await dialog.locator('#field-status').click();
  await pickOption(page, 'Disqualified');
  await dialog.getByRole('button', { name: 'Apply to 1 record' }).click();
  const failures = page.getByTestId('bulk-failures');
  await expect(failures).toContainText(`${tag} 3`);
  await shot('bulk-refused', false);
  await page.getByRole('button', { name: 'Close', exact: true }).last().click();

  // Delete two.
  for (const n of [1, 2])
    await rows
      .filter({ hasText: `${tag} ${n}` })
      .locator('.ant-checkbox-input')
      .check();
  await page.getByRole('button', { name: 'With the ticked rows' }).click();
  await page.getByRole('menuitem', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByText('2 records changed').last()).toBeVisible(); // an earlier toast may still show
  await expect(rows).toHaveCount(1);
});
