import { call, lin, type Rec, signInAs, tokenOf } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

test('the form warns of a duplicate as the user types, and blocks the email the rules block', async ({
  page,
  request,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const token = await tokenOf(request, lin);
  const me = await call<{ id: string }>(request, token, 'GET', '/api/auth/me');
  const tag = `${info.project.name}${Date.now()}`;
  const existing = await call<Rec>(request, token, 'POST', '/api/records/lead', {
    company: `Dupcheck ${tag} (China) Co., Ltd.`,
    email: `dup-${tag}@example.com`,
    owner: me.id,
  });

  await signInAs(page, lin);
  await page.goto('/app/lead/new');
  await expect(page.getByRole('heading', { name: 'New Lead' })).toBeVisible();
  // The company written another way: the default template's fuzzy rule finds it before saving.
  await page.locator('#field-company').fill(`DUPCHECK ${tag} China`);
  const alert = page.getByTestId('duplicates-alert');
  await expect(alert).toContainText('This may be a record that already exists');
  await expect(alert.getByRole('link', { name: String(existing.company) })).toBeVisible();
  await expect(alert).toContainText('A lead of a similar company exists');
  await expectNoHorizontalOverflow(page);
  await shot('90-duplicate-warning');

  // Its email, in capitals: a rule that blocks says so while typing, and the save is refused.
  await page.locator('#field-email').fill(`DUP-${tag}@Example.com`);
  await expect(alert).toContainText('A record like this already exists: it cannot be saved');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.locator('.ant-alert-error').first()).toContainText('this looks like a record that already exists');
  await shot('91-duplicate-blocked');

  // Another email: saved, with the warning's count.
  await page.locator('#field-email').fill(`other-${tag}@example.com`);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText(/Saved\. 1 possible duplicate found\./)).toBeVisible();
});
