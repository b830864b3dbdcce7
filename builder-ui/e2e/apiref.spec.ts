import { admin } from './admin';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

// The API reference: the server's OpenAPI document drawn by Swagger UI, read with the session so
// that the default template's objects are in it; "Try it out" rides on the session cookie.

test('the API reference lists the routes and the signed-in user’s objects, and tries a call with the session', async ({
  page,
  phone,
  shot,
}) => {
  // Swagger UI redraws much of the document at each click: alone here about 70 s on a loaded machine.
  test.setTimeout(180_000);
  await signIn(page);
  if (phone) await page.getByRole('button', { name: 'Open navigation' }).click();
  await page
    .getByRole('navigation', { name: 'Main navigation' })
    .getByRole('menuitem', { name: 'API reference' })
    .click();
  await expect(page).toHaveURL(/\/reference$/);
  await expect(page.getByRole('heading', { name: 'API reference', exact: true })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Make an API token on your profile' })).toHaveAttribute(
    'href',
    '/profile',
  );

  const ref = page.getByTestId('api-reference');
  // The renderer's 1.5 MB chunk is parsed and the whole document laid out first: with other work
  // on two cores that took more than the default 10 s.
  await expect(ref.getByRole('heading', { name: /^CRM API/ })).toBeVisible({ timeout: 30_000 });
  // The routes in tag groups, and the typed routes of the default template's Lead.
  await expect(ref.locator('.opblock-tag[data-tag="records"]')).toBeVisible();
  const lead = ref.locator('.opblock-tag-section').filter({ has: page.locator('[data-tag="records: lead"]') });
  await lead.getByRole('button', { name: 'Expand operation' }).click();

  // One operation opened: its path parameter and the error statuses it may answer.
  const read = lead.locator('.opblock').filter({ hasText: 'Read a Lead record' });
  await read.locator('.opblock-summary-control').click();
  await expect(read.locator('tr[data-param-name="id"]')).toBeVisible();
  await expect(read.locator('tr.response[data-code="200"]')).toBeVisible();
  await expect(read.locator('tr.response[data-code="404"]')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('130-api-reference-operation', false);

  // The object's schemas, from the document read with the session.
  const models = ref.locator('section.models');
  // Closed like the tags.
  await models.getByRole('button', { name: 'Schemas' }).click();
  // Listed by their titles: the object's label.
  await expect(models.getByRole('button', { name: 'Lead', exact: true })).toBeVisible();
  await expect(models.getByRole('button', { name: 'Lead record', exact: true })).toBeVisible();

  // Try it out: GET /api/auth/me answers the signed-in admin through the session cookie alone.
  const me = ref
    .locator('.opblock')
    .filter({ has: page.locator('[data-path="/api/auth/me"]') })
    .filter({
      has: page.locator('.opblock-summary-method', { hasText: /^GET$/ }),
    });
  await ref
    .locator('.opblock-tag-section')
    .filter({ has: page.locator('[data-tag="auth"]') })
    .getByRole('button', { name: 'Expand operation' })
    .click();
  await me.locator('.opblock-summary-control').click();
  await me.getByRole('button', { name: 'Try it out' }).click();
  await me.getByRole('button', { name: 'Execute' }).click();
  const answer = me.locator('.live-responses-table');
  await expect(answer.locator('tr.response .response-col_status')).toHaveText('200');
  await expect(answer.locator('tr.response .response-col_description')).toContainText(admin.email);
  // No token in the request it shows, nor in the address.
  await expect(me.locator('.curl-command')).not.toContainText('Bearer');
  expect(new URL(page.url()).search).toBe('');
  await expectNoHorizontalOverflow(page);
  await shot('131-api-reference-try-it-out', false);
});
