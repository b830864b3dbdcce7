import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('a business calendar: weekly hours, holidays, a refused overlap shown on its day, saved', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const name = `office_${info.project.name}_${Date.now()}`;
  await signIn(page);
  if (phone) await page.getByRole('button', { name: 'Open navigation' }).click();
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('menuitem', { name: 'Calendars' }).click();
  await expect(page.getByRole('heading', { name: 'Business calendars' })).toBeVisible();
  await page.getByRole('button', { name: 'New calendar' }).click();
  const card = page.getByTestId('calendar-new');
  await card.getByLabel('Name', { exact: true }).fill(name);
  await card.getByRole('combobox', { name: 'Time zone' }).fill('Asia/Shanghai');
  await page.keyboard.press('Enter');
  await card.getByLabel('Friday interval 1 end').fill('17:00');
  await card.getByTestId('day-sat').getByRole('checkbox').check();
  await card.getByLabel('Saturday interval 1 end').fill('12:00');
  await card.getByLabel('Add a holiday').fill('2027-01-01');
  await page.keyboard.press('Enter');
  await expect(card.getByText('2027-01-01')).toBeVisible();

  // Monday's second interval overlaps its first: refused, the message on Monday's row.
  await card.getByTestId('day-mon').getByRole('button', { name: 'Add hours' }).click();
  await card.getByRole('button', { name: 'Save calendar' }).click();
  await expect(card.getByTestId('day-mon').locator('.crm-day-problem')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('70-calendar-overlap');
  await card.getByRole('button', { name: 'Remove Monday interval 2' }).click();
  await card.getByRole('button', { name: 'Save calendar' }).click();
  await expect(page.getByText(`${name} saved as version 1`)).toBeVisible();
  await shot('71-calendar-saved');

  const res = await request.get(`/api/meta/calendars/${name}`, { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const day = [{ start: '09:00', end: '18:00' }];
  expect(await res.json()).toMatchObject({
    name,
    time_zone: 'Asia/Shanghai',
    hours: {
      mon: day,
      tue: day,
      wed: day,
      thu: day,
      fri: [{ start: '09:00', end: '17:00' }],
      sat: [{ start: '09:00', end: '12:00' }],
    },
    holidays: ['2027-01-01'],
  });
});
