import { call, type Rec, signInAs, tokenOf, zhou } from './demo';
import { expect, test } from './fixtures';

test('two duplicate accounts are merged from the list: a value chosen per field, the contact moved, the loser leads to the winner', async ({
  page,
  request,
  shot,
}, info) => {
  test.setTimeout(120_000);
  const token = await tokenOf(request, zhou);
  const stamp = `${info.project.name} ${Date.now()}`;
  const keep = await call<Rec>(request, token, 'POST', '/api/records/account', {
    name: `Merge Keep ${stamp}`,
    phone: '+86 21 1111 0000',
  });
  const dup = await call<Rec>(request, token, 'POST', '/api/records/account', {
    name: `Merge Dup ${stamp}`,
    phone: '+86 21 2222 0000',
    website: 'https://dup.example.com',
  });
  const contact = await call<Rec>(request, token, 'POST', '/api/records/contact', {
    last_name: `Merged ${stamp}`,
    account: dup.id,
  });

  await signInAs(page, zhou);
  await page.goto('/app/account');
  await page.getByRole('searchbox', { name: 'Search' }).fill(stamp);
  const rowOf = (name: string) => page.locator('tr.ant-table-row').filter({ hasText: name });
  await expect(page.locator('tr.ant-table-row')).toHaveCount(2); // the search has answered
  await page.getByRole('button', { name: 'Merge' }).click(); // tick boxes appear
  await rowOf(`Merge Keep ${stamp}`).locator('.ant-checkbox-input').check();
  await rowOf(`Merge Dup ${stamp}`).locator('.ant-checkbox-input').check();
  await page.getByRole('button', { name: 'Merge 2 selected' }).click();

  // Side by side: the first ticked is kept; its phone is replaced by the duplicate's, the
  // website it lacks comes from the duplicate by itself.
  await expect(page).toHaveURL(/\/app\/account\/merge\?ids=/);
  await expect(page.getByRole('heading', { name: 'Merge records' })).toBeVisible();
  await expect(
    page.getByRole('radiogroup', { name: 'Record to keep' }).getByLabel(`Merge Keep ${stamp}`),
  ).toBeChecked();
  await expect(page.getByLabel(`Website of Merge Dup ${stamp}`)).toBeChecked();
  await expect(page.getByLabel(`Phone of Merge Keep ${stamp}`)).toBeChecked();
  await page.getByLabel(`Phone of Merge Dup ${stamp}`).check();
  await shot('90-merge-side-by-side');
  await page
    .locator('button')
    .filter({ hasText: /^Merge$/ })
    .click();
  await expect(page.getByText(`Merge 1 record into Merge Keep ${stamp}?`)).toBeVisible();
  await page.locator('.ant-popconfirm').getByRole('button', { name: 'Merge' }).click();

  await expect(page).toHaveURL(new RegExp(`/app/account/${keep.id}$`));
  await expect(page.getByRole('heading', { name: `Merge Keep ${stamp}` })).toBeVisible();
  // The field itself, not the activity's change line that names the same number.
  await expect(page.getByText('+86 21 2222 0000', { exact: true })).toBeVisible();
  const kept = await call<Rec>(request, token, 'GET', `/api/records/account/${keep.id}`);
  expect(kept.phone).toBe('+86 21 2222 0000');
  expect(kept.website).toBe('https://dup.example.com');
  const moved = await call<Rec>(request, token, 'GET', `/api/records/contact/${contact.id}`);
  expect(moved.account).toBe(keep.id);

  // The duplicate's address tells where it went, with a link there.
  await page.goto(`/app/account/${dup.id}`);
  await expect(page.getByText('This record was merged')).toBeVisible();
  await shot('91-merged-record');
  await page.getByRole('link', { name: 'Open the record it was merged into' }).click();
  await expect(page).toHaveURL(new RegExp(`/app/account/${keep.id}$`));
  await expect(page.getByRole('heading', { name: `Merge Keep ${stamp}` })).toBeVisible();
});
