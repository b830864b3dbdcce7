import type { Page } from '@playwright/test';
import { closeProps, fieldProps } from './builder-helpers';
import { call, lin, signInAs, tokenOf } from './demo';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

interface Rec {
  id: string;
  version: number;
  [k: string]: unknown;
}

/** Switches the signed-in app to Chinese as a stored choice (the header's switch does the same). */
async function inChinese(page: Page) {
  await page.evaluate(() => localStorage.setItem('crm.locale', 'zh-CN'));
}

test('in Chinese, refusals say why in Chinese: not found, forbidden, version conflict', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const linToken = await tokenOf(request, lin);
  const linId = (await call<{ id: string }>(request, linToken, 'GET', '/api/auth/me')).id;
  // Reps may read their tickets but not change them (the template's sales role).
  const created = await call<Rec>(request, token, 'POST', '/api/records/ticket', {
    subject: `工单 ${info.project.name} ${Date.now()}`,
  });
  const ticket = await call<Rec>(request, token, 'PATCH', `/api/records/ticket/${created.id}`, { owner: linId });
  expect(ticket.owner).toBe(linId);

  await signInAs(page, lin);
  await inChinese(page);

  await page.goto('/app/lead/no-such-lead');
  await expect(page.getByText('记录不存在')).toBeVisible();
  await shot('90-zh-not-found');

  await page.goto(`/app/ticket/${ticket.id}/edit`);
  await page.locator('#field-subject').fill('改一下');
  await page.getByRole('button', { name: /^保\s?存$/ }).click();
  await expect(page.locator('.ant-alert')).toContainText('无权限执行此操作');
  await shot('91-zh-forbidden');

  // Someone else (an admin) changes her account while it is open here.
  const account = await call<Rec>(request, linToken, 'POST', '/api/records/account', {
    name: `版本公司 ${info.project.name} ${Date.now()}`,
    phone: '010-1111',
  });
  await page.goto(`/app/account/${account.id}/edit`);
  await expect(page.locator('#field-phone')).toHaveValue('010-1111');
  await call(request, token, 'PATCH', `/api/records/account/${account.id}`, { phone: '010-2222' });
  await page.locator('#field-phone').fill('010-3333');
  await page.getByRole('button', { name: /^保\s?存$/ }).click();
  await expect(page.locator('.ant-alert')).toContainText('版本冲突');
  await expectNoHorizontalOverflow(page);
  await shot('92-zh-version-conflict');
});

test('in Chinese the date picker is Chinese and its weeks start on Monday; in English on Sunday', async ({
  page,
  shot,
}) => {
  await signInAs(page, lin);
  const weekdays = page.locator('.ant-picker-dropdown:visible .ant-picker-content thead th');

  await page.goto('/app/opportunity/new');
  await page.locator('#field-close_date').click();
  await expect(weekdays.first()).toHaveText('Su');

  await inChinese(page);
  await page.goto('/app/opportunity/new');
  await page.locator('#field-close_date').click();
  await expect(weekdays).toHaveText(['一', '二', '三', '四', '五', '六', '日']);
  await expect(page.locator('.ant-picker-dropdown:visible')).toContainText('今天');
  await expect(page.locator('.ant-picker-dropdown:visible .ant-picker-header-view')).toContainText('年');
  await shot('93-zh-date-picker');
});

test('counts speak English plurals: 1 field, 2 fields; 1 problem, 2 problems', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  const stamp = `${info.project.name}_${Date.now()}`;
  for (const [n, fields] of [
    [1, [{ name: 'title', type: 'text' }]],
    [
      2,
      [
        { name: 'title', type: 'text' },
        { name: 'kind', type: 'picklist', options: [{ value: 'a' }] },
      ],
    ],
  ] as const) {
    const res = await request.post('/api/meta/objects', {
      headers: { Authorization: `Bearer ${token}` },
      data: { name: `plural${n}_${stamp}`, label: { en: `Plural ${n} ${stamp}` }, fields },
    });
    expect(res.status(), await res.text()).toBe(201);
  }
  await signIn(page);
  await page.getByRole('searchbox', { name: 'Find an object by name or label' }).fill(stamp);
  await expect(page.getByRole('row').filter({ hasText: `plural1_${stamp}` })).toContainText('1 field');
  await expect(page.getByRole('row').filter({ hasText: `plural1_${stamp}` })).not.toContainText('1 fields');
  await expect(page.getByRole('row').filter({ hasText: `plural2_${stamp}` })).toContainText('2 fields');
  await shot('94-plural-fields');

  // One problem, then two: the builder's refusal counts them in English.
  await page.goto(`/objects/plural2_${stamp}`);
  await page.getByTestId('field-kind').click();
  await fieldProps(page).getByRole('button', { name: 'Add value' }).click();
  await fieldProps(page).getByLabel('Value 2', { exact: true }).fill('a');
  await closeProps(page, phone);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('save-error')).toContainText('Not saved: the definition has 1 problem. It is shown');
  await page.getByTestId('field-kind').click();
  await fieldProps(page).getByRole('button', { name: 'Add value' }).click();
  await fieldProps(page).getByLabel('Value 3', { exact: true }).fill('a');
  await closeProps(page, phone);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('save-error')).toContainText('Not saved: the definition has 2 problems. Each is shown');
});

test('the builder shows every problem at the first save: each of a field, each rule', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const name = `every_${info.project.name}_${Date.now()}`;
  const res = await request.post('/api/meta/objects', {
    headers: { Authorization: `Bearer ${token}` },
    data: {
      name,
      label: { en: 'Every problem' },
      fields: [
        { name: 'title', type: 'text', label: { en: 'Title' } },
        { name: 'kind', type: 'picklist', label: { en: 'Kind' }, options: [{ value: 'a' }, { value: 'b' }] },
      ],
    },
  });
  expect(res.status(), await res.text()).toBe(201);

  await signIn(page);
  await page.goto(`/objects/${name}`);
  // Two problems in one field: the values a and b each twice.
  await page.getByTestId('field-kind').click();
  for (const [n, v] of [
    [3, 'a'],
    [4, 'b'],
  ] as const) {
    await fieldProps(page).getByRole('button', { name: 'Add value' }).click();
    await fieldProps(page).getByLabel(`Value ${n}`, { exact: true }).fill(v);
  }
  await closeProps(page, phone);
  // Two rules, each wrong in its own way.
  await page.getByRole('tab', { name: 'Validation rules' }).click();
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByTestId('rule-0').getByLabel('Refuse the record when').fill('titel == ""');
  await page.getByRole('button', { name: 'Add rule' }).click();
  await page.getByTestId('rule-1').getByLabel('Refuse the record when').fill('title ==');

  await page.getByRole('button', { name: 'Save' }).click();
  const alert = page.getByTestId('save-error');
  await expect(alert).toContainText('Not saved: the definition has 4 problems');
  await expect(alert.locator('li')).toHaveCount(4);
  await expect(alert.locator('li').filter({ hasText: /^kind:/ })).toHaveCount(2);
  await expect(alert).toContainText('rule_1: unknown name titel');
  await expect(alert.locator('li').filter({ hasText: /^rule_2:/ })).toHaveCount(1);
  await expect(page.getByRole('tab', { name: /Validation rules/ })).toContainText('2');
  await expectNoHorizontalOverflow(page);
  await shot('95-builder-every-problem');
});

test('a related list names each record, and View all opens the list of that parent only', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  const stamp = `${info.project.name} ${Date.now()}`;
  const account = await call<Rec>(request, token, 'POST', '/api/records/account', { name: `Related Ltd ${stamp}` });
  for (const [first, last, title] of [
    ['Mei', 'Chen', 'Buyer'],
    ['Jun', 'Wu', 'CFO'],
  ])
    await call(request, token, 'POST', '/api/records/contact', {
      first_name: first,
      last_name: `${last} ${stamp}`,
      title,
      account: account.id,
    });
  // A contact of another account, which the filtered list must leave out.
  const other = await call<Rec>(request, token, 'POST', '/api/records/account', { name: `Other Ltd ${stamp}` });
  await call(request, token, 'POST', '/api/records/contact', {
    first_name: 'Not',
    last_name: `Here ${stamp}`,
    account: other.id,
  });

  await signIn(page);
  await page.goto(`/app/account/${account.id}`);
  const contacts = page.getByTestId('related-contact-account');
  await expect(contacts.getByRole('row').filter({ hasText: `Mei Chen ${stamp}` })).toContainText('Buyer');
  await expect(contacts.getByRole('row').filter({ hasText: `Jun Wu ${stamp}` })).toContainText('CFO');
  await expectNoHorizontalOverflow(page);
  await shot('96-related-names');

  await contacts.getByRole('button', { name: 'View all' }).click();
  // The list's filter, in the filter language, in the address: `account = "<id>"`.
  await expect(page).toHaveURL(new RegExp(`/app/contact\\?filter=account\\+%3D\\+%22${account.id}%22$`));
  await expect(page.getByTestId('active-filters')).toContainText(`Account = Related Ltd ${stamp}`);
  await expect(page.getByText(`Chen ${stamp}`)).toBeVisible();
  await expect(page.getByText(`Wu ${stamp}`)).toBeVisible();
  await expect(page.getByText(`Here ${stamp}`)).toHaveCount(0);
  await shot('97-related-view-all');
});
