import { choose, closeProps, drag, expectSaved, fieldProps } from './builder-helpers';
import { demoPassword } from './demo';
import { expect, test } from './fixtures';

const ana = 'ana@demo.example.com'; // the analyst of the default template's demo people

test('an analyst adds a roll-up to accounts in the builder and sees its value on an account', async ({
  page,
  request,
  token,
  phone,
  shot,
}) => {
  test.setTimeout(120_000);
  const auth = { Authorization: `Bearer ${token}` };
  const post = async (url: string, data: unknown) => {
    const res = await request.post(url, { headers: auth, data });
    expect(res.status(), await res.text()).toBe(201);
    return (await res.json()) as { id: string };
  };
  // An account with two won deals and an open one, before the roll-up exists: its backfill
  // computes the value.
  const account = await post('/api/records/account', { name: `Rollup Co ${Date.now()}` });
  for (const [amount, stage] of [
    ['1000.25', 'won'],
    ['234.25', 'won'],
    ['5000', 'proposal'],
  ] as const) {
    await post('/api/records/opportunity', { name: `Deal ${amount}`, account: account.id, amount, stage });
  }

  await page.goto('/login');
  await page.getByLabel('Email').fill(ana);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/objects$/);
  await page.goto('/objects/account');
  await drag(
    page,
    page.getByTestId('palette-rollup'),
    page.getByTestId('section-0').getByTestId('section-body'),
    'end',
  );
  const props = fieldProps(page);
  await expect(props).toBeVisible();
  await props.getByLabel('Label (English)').fill('Won amount');
  await props.getByLabel('Label (中文)').fill('赢单金额');
  await choose(page, props, 'Summarize records of', 'Opportunity');
  await expect(props.getByRole('combobox', { name: 'Through their lookup', exact: true })).toBeVisible();
  await choose(page, props, 'Through their lookup', 'Account');
  await choose(page, props, 'Function', 'Sum');
  await choose(page, props, 'Of the field', 'Amount');
  await props.getByTestId('expr-filter').getByRole('combobox').fill('stage == "won"');
  await expect(props.getByTestId('expr-filter').getByTestId('expr-ok')).toBeVisible();
  await shot('96-rollup-properties');
  await closeProps(page, phone);
  await page.getByRole('button', { name: 'Save' }).click();
  await expectSaved(page);

  // The backfill runs in the background: the account page shows the sum once it has.
  await page.goto(`/app/account/${account.id}`);
  await expect(async () => {
    await page.reload();
    // The field, not the activity's change line that names it too.
    await expect(page.locator('.ant-descriptions-item-label', { hasText: 'Won amount' })).toBeVisible();
    await expect(page.locator('.ant-descriptions-item-content', { hasText: /1,234\.50/ })).toBeVisible({
      timeout: 1000,
    });
  }).toPass({ timeout: 60_000 });
  await shot('97-rollup-on-account');
});
