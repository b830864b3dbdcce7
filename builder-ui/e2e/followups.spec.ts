import type { APIRequestContext, Page } from '@playwright/test';
import { call, lin, pickOption, signInAs, tokenOf, type Rec } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

/** An account of lin's with one opportunity, its name unique to the test and project. */
async function accountWithDeal(request: APIRequestContext, tag: string) {
  const token = await tokenOf(request, lin);
  const account = await call<Rec>(request, token, 'POST', '/api/records/account', { name: `${tag} Ltd` });
  await call<Rec>(request, token, 'POST', '/api/records/opportunity', {
    name: `${tag} deal`,
    account: account.id,
    stage: 'initial_contact',
    amount: 5000,
    close_date: '2030-06-30',
  });
  return { account, token };
}

/** Logs a call from the record page: one click, a subject, an outcome, save. */
async function logCall(page: Page, subject: string, outcome: string) {
  await page.getByTestId('log-call').click({ timeout: 30_000 });
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('followup-parent')).toBeVisible();
  // Saving without a subject says what is missing, and nothing else (no error in the console).
  await dialog.locator('.ant-modal-footer .ant-btn-primary').click();
  await expect(dialog.locator('.ant-form-item-explain-error')).toBeVisible();
  await dialog.getByTestId('followup-subject').fill(subject);
  await dialog.getByTestId('followup-outcome').click();
  await pickOption(page, outcome);
  await dialog.getByTestId('followup-notes').fill('Asked for a quote for 20 seats; call back on Friday.');
  return dialog;
}

test('a rep logs a call on an account in one click, sees it on top of the timeline and the last contact, and opens all its opportunities (English, desktop)', async ({
  page,
  request,
  phone,
  shot,
}, info) => {
  test.skip(phone, 'the desktop journey');
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const tag = `Fu${info.project.name}${Date.now()}`;
  const { account, token } = await accountWithDeal(request, tag);

  await signInAs(page, lin);
  await page.goto(`/app/account/${account.id}`);
  await expect(page.getByRole('heading', { name: `${tag} Ltd` })).toBeVisible({ timeout: 60_000 });
  // The 360° view: contacts, opportunities, tickets and contracts of the account, and its activity.
  for (const o of ['contact', 'opportunity', 'ticket', 'contract'])
    await expect(page.getByTestId(`related-${o}-account`)).toBeVisible();
  await expect(page.getByTestId('related-opportunity-account')).toContainText(`${tag} deal`);

  const dialog = await logCall(page, `${tag} intro call`, 'Positive');
  await shot('followup-log-call', false);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog).toBeHidden();

  const first = page.getByTestId('activity').locator('.ant-timeline-item').first();
  await expect(first).toContainText(`${tag} intro call`);
  await expect(first).toContainText('Call');
  await expect(first).toContainText('Positive');
  // The template's automation stamped the account's last contact: shown on the page.
  const after = await call<Rec>(request, token, 'GET', `/api/records/account/${account.id}`);
  expect(after.last_contacted_at).toBeTruthy();
  const lastContact = page.locator('.ant-descriptions-item').filter({ hasText: 'Last contacted' });
  await expect(lastContact).not.toContainText('—');
  await expect(page.getByTestId('activity')).toContainText('Last contacted');
  await expectNoHorizontalOverflow(page);
  await shot('followup-account-360');

  // View all of the opportunities: the list, filtered to this account (the list's own `?filter=`),
  // the filter a tag naming the account.
  await page.getByTestId('view-all-opportunity').click();
  await expect(page).toHaveURL(/\/app\/opportunity\?filter=/);
  await expect(page.getByTestId('active-filters').getByTestId('filter-tag')).toContainText(`${tag} Ltd`);
  await expect(page.locator('tr.ant-table-row')).toHaveCount(1);
  await expect(page.locator('tr.ant-table-row')).toContainText(`${tag} deal`);
  await shot('followup-view-all', false);
  // Closing the tag lifts the filter.
  await page.getByTestId('active-filters').getByTestId('filter-tag').locator('.ant-tag-close-icon').click();
  await expect(page).not.toHaveURL(/filter=/);
  await expect(page.getByTestId('active-filters').getByTestId('filter-tag')).toHaveCount(0);
});

test('a rep logs a call on a phone, in Chinese', async ({ page, request, phone, shot }, info) => {
  test.skip(!phone, 'the phone journey');
  test.setTimeout(180_000);
  const tag = `Fu${info.project.name}${Date.now()}`;
  const { account } = await accountWithDeal(request, tag);

  await signInAs(page, lin);
  await page.getByText('中文', { exact: true }).click();
  await page.goto(`/app/account/${account.id}`);
  await expect(page.getByRole('heading', { name: `${tag} Ltd` })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('log-call')).toHaveText(/电话/);
  const dialog = await logCall(page, `${tag} 电话沟通`, '积极');
  await expect(dialog.getByText('记录电话')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('followup-log-call-zh', false);
  await dialog
    .getByRole('button', { name: '保 存' })
    .or(dialog.getByRole('button', { name: '保存' }))
    .click();
  await expect(dialog).toBeHidden();
  const first = page.getByTestId('activity').locator('.ant-timeline-item').first();
  await expect(first).toContainText(`${tag} 电话沟通`);
  await expect(first).toContainText('积极');
  await expect(page.locator('.ant-descriptions-item').filter({ hasText: '最近联系时间' })).not.toContainText('—');
  await first.scrollIntoViewIfNeeded();
  await expectNoHorizontalOverflow(page);
  await shot('followup-timeline-zh');

  await page.getByTestId('view-all-opportunity').click();
  await expect(page).toHaveURL(/\/app\/opportunity\?filter=/);
  await expect(page.getByTestId('active-filters').getByTestId('filter-tag')).toContainText(`${tag} Ltd`);
  await expect(page.getByText(`${tag} deal`).first()).toBeVisible();
  await shot('followup-view-all-zh', false);
});
