import type { Page } from '@playwright/test';
import { en, zhCN, type MessageKey } from '../src/i18n/messages';
import { drag } from './builder-helpers';
import { demoPassword, zhou } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

// The report builder end to end: an analyst builds "pipeline by industry and stage" by dragging
// fields (on a phone through each field's menu), saves it, puts it on the sales dashboard and
// resizes it; a manager opens it and drills from a group to exactly that group's records.
// English at 1440×900, Chinese at phone width.

const ana = 'ana@demo.example.com'; // the analyst of the default template's demo people

async function signInTo(page: Page, email: string, zh: boolean) {
  await page.goto('/login');
  await page.evaluate((l) => localStorage.setItem('crm.locale', l), zh ? 'zh-CN' : 'en');
  await page.reload();
  await page.locator('#email, input[type=email], input[autocomplete=username]').first().fill(email);
  await page.locator('input[type=password]').fill(demoPassword);
  await page.locator('input[type=password]').press('Enter');
  await expect(page).not.toHaveURL(/\/login/);
}

test('an analyst builds a report by dragging fields, puts it on a dashboard, and a manager drills down', async ({
  page,
  phone,
  shot,
}) => {
  test.setTimeout(180_000);
  const zh = phone;
  const m = (k: MessageKey) => (zh ? zhCN[k] : en[k]);
  // A button's name: an icon's name may come first, and Ant Design spaces two Chinese characters.
  const name = (k: MessageKey) =>
    new RegExp(`${[...m(k)].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s?')}$`);
  if (!phone) await page.setViewportSize({ width: 1440, height: 900 });
  const label = `Pipeline e2e ${phone ? 'phone' : 'desktop'} ${Date.now()}`;

  await signInTo(page, ana, zh);
  await page.goto('/reports');
  await expect(page.getByRole('button', { name: name('reports.new') })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: name('reports.new') }).click();
  await expect(page).toHaveURL(/\/reports\/new\?object=opportunity/);
  await expect(page.getByTestId('report-field-account.industry')).toBeVisible({ timeout: 30_000 });

  const place = async (path: string, zone: 'rows' | 'values') => {
    const field = page.getByTestId(`report-field-${path}`);
    if (phone) {
      // No mouse on a phone: the field's menu adds it.
      await field.getByRole('button').last().click();
      await page.getByRole('menuitem', { name: m(`reports.addTo.${zone}`) }).click();
    } else {
      await drag(page, field.getByRole('button').first(), page.getByTestId(`report-zone-${zone}`));
    }
  };
  await place('account.industry', 'rows');
  await expect(page.getByTestId('report-zone-rows').getByTestId('report-chip-rows')).toHaveCount(1);
  await place('stage', 'rows');
  await expect(page.getByTestId('report-zone-rows').getByTestId('report-chip-rows')).toHaveCount(2);
  await place('amount', 'values');
  await expect(page.getByTestId('report-zone-values').getByTestId('report-chip-values')).toHaveCount(2);
  // The live preview runs with the analyst's record access (the demo analyst may read no
  // opportunities): it answers, without an error; the manager below sees the groups.
  await expect(
    page
      .locator('.ant-card')
      .filter({ hasText: m('reports.preview') })
      .locator('.ant-empty, [data-testid=report-result]'),
  ).toBeVisible();
  await expect(page.getByText(m('reports.previewFailed'))).toHaveCount(0);
  await shot('r1-report-builder');
  if (phone) await expectNoHorizontalOverflow(page);

  await page.getByRole('button', { name: name('reports.save') }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel(m('reports.label.en')).fill(label);
  await dialog.getByLabel(m('reports.label.zh')).fill(`${label} 中文`);
  await dialog.getByLabel(m('reports.sharing')).click();
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: m('reports.sharing.everyone') })
    .click();
  await dialog.getByRole('button', { name: name('reports.save') }).click();
  await expect(page).toHaveURL(/\/reports\/pipeline_e2e_/);
  const reportUrl = page.url();
  const reportName = decodeURIComponent(reportUrl.split('/reports/')[1]!);

  await page.goto('/reports');
  await expect(page.getByRole('link', { name: zh ? `${label} 中文` : label })).toBeVisible();
  await shot('r2-reports-list');

  // On the sales dashboard: edit, add the report, make it wider, save.
  await page.goto('/dashboards/sales');
  await page.getByRole('button', { name: name('dash.edit') }).click();
  await page.getByRole('button', { name: name('dash.addWidget') }).click();
  const add = page.getByRole('dialog');
  await add.getByLabel(m('dash.pickReport')).click();
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: label }).click();
  await add.getByRole('button', { name: name('dash.addWidget') }).click();
  const item = page.getByTestId(`grid-item-${reportName}`);
  await expect(item).toBeVisible();
  const before = (await item.boundingBox())!;
  if (phone) {
    await item.getByRole('button', { name: new RegExp(zhCN['dash.widgetWider'].split('：')[0]!) }).click();
  } else {
    const handle = item.locator('.react-resizable-handle');
    const h = (await handle.boundingBox())!;
    await page.mouse.move(h.x + h.width / 2, h.y + h.height / 2);
    await page.mouse.down();
    await page.mouse.move(h.x + 200, h.y + 80, { steps: 10 });
    await page.mouse.up();
    await expect.poll(async () => (await item.boundingBox())!.width).toBeGreaterThan(before.width + 50);
  }
  await shot('r3-dashboard-edit');
  await page.getByRole('button', { name: name('dash.editDone') }).click();
  await expect(page.getByText(m('dash.saved'))).toBeVisible();
  await expect(page.getByTestId(`grid-item-${reportName}`)).toBeVisible();

  // The manager reads the shared report and drills from a group to its records.
  await page.evaluate(() => localStorage.removeItem('crm.token'));
  await page.context().clearCookies();
  await signInTo(page, zhou, zh);
  await page.goto('/dashboards/sales');
  await expect(page.getByTestId(`grid-item-${reportName}`).getByTestId('report-chart')).toBeVisible();
  await shot('r4-dashboard');
  await page.goto(reportUrl);
  await expect(page.getByTestId('report-chart')).toBeVisible();
  await expect(page.getByTestId('report-table').locator('thead')).toContainText(zh ? '行业' : 'Industry');
  await shot('r1-report-builder-manager');
  const row = page.getByTestId('report-table').locator('tbody tr.ant-table-row').first();
  await expect(row).toBeVisible();
  const count = Number((await row.locator('td').nth(2).innerText()).replace(/[^0-9]/g, ''));
  const industry = await row.locator('td').nth(0).innerText();
  expect(count).toBeGreaterThan(0);
  await row.locator('td').nth(2).getByRole('link').click();
  await expect(page).toHaveURL(/\/app\/opportunity\?filter=/);
  await expect(page.getByTestId('base-filter')).toContainText(industry);
  const rows = page.locator('.ant-table-tbody tr.ant-table-row');
  await expect(rows.first()).toBeVisible();
  if (count <= 20) await expect(rows).toHaveCount(count);
  await shot('r5-drilled-list');
  // Removing the group's tag shows the whole list again.
  await page.getByTestId('base-filter').locator('.ant-tag-close-icon').click();
  await expect(page).not.toHaveURL(/filter=/);
});
