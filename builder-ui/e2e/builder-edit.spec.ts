import type { APIRequestContext } from '@playwright/test';
import { choose, closeProps, drag, expectSaved, fieldProps } from './builder-helpers';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

interface Def {
  fields: Record<string, unknown>[];
  layouts: { sections: { label?: Record<string, string>; columns: number; fields: string[] }[] }[];
  version: number;
}

async function api(
  request: APIRequestContext,
  token: string,
  method: string,
  url: string,
  data?: unknown,
  ifMatch?: number,
) {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (ifMatch) headers['If-Match'] = `"${ifMatch}"`;
  const res = await request.fetch(url, { method, headers, data });
  expect(res.ok(), `${method} ${url}: ${await res.text()}`).toBeTruthy();
  return (await res.json()) as Def;
}

const text = (name: string, en: string) => ({ name, type: 'text', label: { en } });

test('fields and sections reordered by drag and by keyboard are saved', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const name = `reorder_${info.project.name}_${Date.now()}`;
  await api(request, token, 'POST', '/api/meta/objects', {
    name,
    label: { en: 'Reorder' },
    fields: [text('alpha', 'Alpha'), text('beta', 'Beta'), text('gamma', 'Gamma'), text('delta', 'Delta')],
    layouts: [
      {
        name: 'default',
        sections: [
          { label: { en: 'Main' }, columns: 2, fields: ['alpha', 'beta', 'gamma'] },
          { label: { en: 'More' }, columns: 2, fields: ['delta'] },
        ],
      },
    ],
  });
  await signIn(page);
  await page.goto(`/objects/${name}`);
  const s0 = page.getByTestId('section-0');
  const s1 = page.getByTestId('section-1');
  await expect(s0.getByTestId('field-gamma')).toBeVisible();

  // Pointer: Gamma before Alpha, then Alpha into the second section.
  await drag(page, page.getByTestId('field-gamma'), page.getByTestId('field-alpha'));
  await expect(s0.locator('.crm-field')).toHaveText([/Gamma/, /Alpha/, /Beta/]);
  await drag(page, page.getByTestId('field-alpha'), s1.getByTestId('section-body'), 'end');
  await expect(s0.locator('.crm-field')).toHaveText([/Gamma/, /Beta/]);
  await expect(s1.locator('.crm-field')).toHaveText([/Delta/, /Alpha/]);

  // Keyboard: Space picks Delta up, an arrow moves it past Alpha, Space drops it.
  await page.getByTestId('field-delta').focus();
  // The sensor listens for the arrows a moment after the pick-up, as it would for a person.
  await page.keyboard.press('Space');
  await page.waitForTimeout(200);
  await page.keyboard.press(phone ? 'ArrowDown' : 'ArrowRight');
  await page.waitForTimeout(200);
  await page.keyboard.press('Space');
  await expect(s1.locator('.crm-field')).toHaveText([/Alpha/, /Delta/]);

  // The second section becomes the first (its handle dragged above), three columns, renamed.
  await drag(page, s1.getByRole('button', { name: 'Move section More' }), s0.getByTestId('section-title'));
  await expect(page.getByTestId('section-0').getByTestId('section-title')).toHaveText('More');
  await page.getByTestId('section-0').getByTestId('section-title').click();
  const sectionProps = page.getByTestId('section-properties');
  await sectionProps.getByLabel('Label (English)').fill('Extra');
  await sectionProps.getByLabel('Label (中文)').fill('更多');
  await sectionProps.getByText('3 columns').click();
  if (phone) await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expectNoHorizontalOverflow(page);
  await shot('40-builder-reordered');

  await page.getByRole('button', { name: 'Save' }).click();
  await expectSaved(page, 2);
  const def = await api(request, token, 'GET', `/api/meta/objects/${name}`);
  expect(def.layouts[0].sections).toEqual([
    { label: { en: 'Extra', 'zh-CN': '更多' }, columns: 3, fields: ['alpha', 'delta'] },
    { label: { en: 'Main' }, columns: 2, fields: ['gamma', 'beta'] },
  ]);
  expect(def.fields.map((f) => f.name)).toEqual(['alpha', 'delta', 'gamma', 'beta']);
});

test('server refusals are shown where they belong, a breaking change with its record count', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const name = `ticket_${info.project.name}_${Date.now()}`;
  await api(request, token, 'POST', '/api/meta/objects', {
    name,
    label: { en: 'Ticket' },
    fields: [text('title', 'Title'), text('code', 'Code')],
  });
  for (const title of ['one', 'two']) await api(request, token, 'POST', `/api/records/${name}`, { title });

  await signIn(page);
  await page.goto(`/objects/${name}`);
  await page.getByTestId('field-code').click();
  await fieldProps(page).getByRole('checkbox', { name: 'Required' }).check();
  await closeProps(page, phone);
  await page.getByRole('button', { name: 'Save' }).click();
  const alert = page.getByTestId('save-error');
  await expect(alert).toContainText('this change would make 2 stored records invalid');
  await expect(alert).toContainText('code made required: 2 records have no value');
  await expectNoHorizontalOverflow(page);
  await shot('41-builder-breaking-change');

  // A picklist with a value twice and a rule naming a field that does not exist: 422, each
  // problem at its field and rule.
  await page.getByTestId('field-code').click();
  await fieldProps(page).getByRole('checkbox', { name: 'Required' }).uncheck();
  await closeProps(page, phone);
  await page.getByTestId('palette-picklist').click(); // the tap/keyboard alternative to a drag
  const props = fieldProps(page);
  await props.getByLabel('Label (English)').fill('Priority');
  for (const n of [1, 2]) {
    await props.getByRole('button', { name: 'Add value' }).click();
    await props.getByLabel(`Value ${n}`, { exact: true }).fill('high');
  }
  await closeProps(page, phone);
  await page.getByRole('tab', { name: 'Validation rules' }).click();
  await page.getByRole('button', { name: 'Add rule' }).click();
  const rule = page.getByTestId('rule-0');
  await rule.getByLabel('Refuse the record when').fill('title == "" && titel == ""');
  await expect(rule.getByTestId('expr-error')).toContainText('Line 1, column 16:');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByTestId('save-error')).toContainText('Not saved: the definition has 2 problems');
  await expect(rule.getByTestId('expr-error')).toContainText('titel');
  await expect(page.getByRole('tab', { name: /Validation rules/ })).toContainText('1');
  await shot('42-builder-rule-problem');

  await page.getByRole('tab', { name: /Design/ }).click();
  await expect(page.getByTestId('field-priority').locator('.crm-field-problem')).toBeVisible();
  await page
    .getByTestId('save-error')
    .getByRole('button', { name: /priority/ })
    .click();
  await expect(fieldProps(page).getByLabel('Value 2', { exact: true })).toHaveClass(/ant-input-status-error/);
  await expectNoHorizontalOverflow(page);
  await shot('43-builder-field-problem');
});

test('history shows what changed between versions and restores one', async ({ page, request, token, shot }, info) => {
  const name = `asset_${info.project.name}_${Date.now()}`;
  const v1 = await api(request, token, 'POST', '/api/meta/objects', {
    name,
    label: { en: 'Asset' },
    fields: [text('title', 'Title')],
  });
  await api(
    request,
    token,
    'PUT',
    `/api/meta/objects/${name}`,
    {
      name,
      label: { en: 'Asset' },
      fields: [
        { ...text('title', 'Asset title'), required: true },
        { name: 'kind', type: 'picklist', options: [{ value: 'laptop' }, { value: 'phone' }] },
      ],
    },
    v1.version,
  );
  await signIn(page);
  await page.goto(`/objects/${name}`);
  await page.getByRole('tab', { name: 'History' }).click();
  const diff = page.getByTestId('diff');
  await expect(page.getByText('Changes from version 1 to 2')).toBeVisible();
  await expect(diff).toContainText('added');
  await expect(diff).toContainText('kind');
  await expect(diff.locator('li').filter({ hasText: 'required' })).toContainText('true');
  await expect(diff.locator('li').filter({ hasText: 'label' })).toContainText('Asset title');
  await expectNoHorizontalOverflow(page);
  await shot('44-history-diff');

  await page.getByTestId('history-v1').click();
  await expect(page.getByText('First version')).toBeVisible();
  await page.getByRole('button', { name: 'Restore this version' }).click();
  await page.getByRole('tooltip').getByRole('button', { name: 'Restore this version' }).click();
  await expectSaved(page, 3);
  const def = await api(request, token, 'GET', `/api/meta/objects/${name}`);
  expect(def.fields).toEqual([text('title', 'Title')]);
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByTestId('history-v3')).toBeVisible();
  await shot('45-history-restored');
});

test('the builder speaks Chinese when switched, labels of the definition included', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  const name = `contact_${info.project.name}_${Date.now()}`;
  await api(request, token, 'POST', '/api/meta/objects', {
    name,
    label: { en: 'Contact', 'zh-CN': '联系人' },
    fields: [{ name: 'full_name', type: 'text', label: { en: 'Full name', 'zh-CN': '姓名' }, required: true }],
  });
  await signIn(page);
  await page.goto(`/objects/${name}`);
  await page.getByText('中文', { exact: true }).click();
  await expect(page.getByRole('heading', { name: '联系人' })).toBeVisible();
  await expect(page.getByRole('tab', { name: '设计' })).toBeVisible();
  await expect(page.getByText('字段类型')).toBeVisible();
  await expect(page.getByTestId('field-full_name')).toContainText('姓名');
  await expectNoHorizontalOverflow(page);
  await shot('46-builder-zh');
  await page.getByText('EN', { exact: true }).click();
  await expect(page.getByRole('tab', { name: 'Design' })).toBeVisible();
});

test('expressions complete field names, variables and library functions as one types', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  const name = `quote_${info.project.name}_${Date.now()}`;
  await api(request, token, 'POST', '/api/meta/objects', {
    name,
    fields: [
      { name: 'amount', type: 'currency', currency: 'CNY', label: { en: 'Amount' } },
      { name: 'discount', type: 'percent', label: { en: 'Discount' } },
    ],
  });
  await signIn(page);
  await page.goto(`/objects/${name}`);
  await page.getByTestId('field-discount').click();
  const editor = fieldProps(page).getByTestId('expr-visible_when');
  const input = editor.getByRole('combobox');
  await input.pressSequentially('amo');
  const list = editor.getByRole('listbox');
  await expect(list.getByRole('option').first()).toContainText('amount');
  await expect(list.getByRole('option').first()).toContainText('Amount · currency');
  await shot('47-expression-autocomplete', false);
  await input.press('Enter');
  await expect(input).toHaveValue('amount');
  await input.pressSequentially(' > 0 && not isB');
  await expect(list.getByRole('option', { selected: true })).toContainText('isBlank');
  await input.press('Tab');
  await expect(input).toHaveValue('amount > 0 && not isBlank(');
  await input.pressSequentially('disc');
  await input.press('Enter');
  await input.pressSequentially(')');
  await expect(input).toHaveValue('amount > 0 && not isBlank(discount)');
  await expect(editor.getByTestId('expr-ok')).toContainText('boolean');
  // The variables complete too: the acting user, the owner a write leaves, the record before it.
  await input.pressSequentially(' && "manager" in owner_user.ro');
  await expect(list.getByRole('option').first()).toContainText('owner_user.roles');
  await input.press('Enter');
  await input.pressSequentially(' && amount != old.amo');
  await expect(list.getByRole('option').first()).toContainText('old.amount');
  await expect(list.getByRole('option').first()).toContainText('Amount · before this write');
  await input.press('Enter');
  await expect(input).toHaveValue(
    'amount > 0 && not isBlank(discount) && "manager" in owner_user.roles && amount != old.amount',
  );
  await expect(editor.getByTestId('expr-ok')).toContainText('boolean');
  await closeProps(page, phone);
});

test('picklist values reordered by drag and a lookup target are saved', async ({
  page,
  request,
  token,
  phone,
}, info) => {
  const stamp = `${info.project.name}_${Date.now()}`;
  const name = `case_${stamp}`;
  await api(request, token, 'POST', '/api/meta/objects', {
    name: `account_${stamp}`,
    fields: [text('title', 'Title')],
  });
  await api(request, token, 'POST', '/api/meta/objects', {
    name,
    fields: [
      {
        name: 'level',
        type: 'picklist',
        label: { en: 'Level' },
        options: [{ value: 'low' }, { value: 'mid' }, { value: 'high' }],
      },
    ],
  });
  await signIn(page);
  await page.goto(`/objects/${name}`);
  await page.getByTestId('field-level').click();
  const props = fieldProps(page);
  await drag(
    page,
    props.getByRole('button', { name: 'Move value 3', exact: true }),
    props.getByRole('button', { name: 'Move value 1', exact: true }),
  );
  await expect(props.getByLabel('Value 1', { exact: true })).toHaveValue('high');
  await closeProps(page, phone);
  await page.getByTestId('palette-lookup').click();
  await fieldProps(page).getByLabel('Label (English)').fill('Account');
  await choose(page, fieldProps(page), 'Looks up', `account_${stamp}`, true);
  await closeProps(page, phone);
  await page.getByRole('button', { name: 'Save' }).click();
  await expectSaved(page, 2);
  const def = await api(request, token, 'GET', `/api/meta/objects/${name}`);
  expect(def.fields).toEqual([
    {
      name: 'level',
      type: 'picklist',
      label: { en: 'Level' },
      options: [{ value: 'high' }, { value: 'low' }, { value: 'mid' }],
    },
    { name: 'account', type: 'lookup', label: { en: 'Account' }, target: `account_${stamp}` },
  ]);
});
