import type { Page } from '@playwright/test';
import { openTab } from './builder-helpers';
import { call, type Rec } from './demo';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

// The engine refuses a page sent sooner than a person fills one (3 s by default): a bot's. The
// clock starts when the page has arrived (the server stamped it before sending it): counted from
// before the navigation, a slow load ate into the wait and the page went back too fast.
async function afterMinimumFill(page: Page, openedAt: number) {
  await page.waitForTimeout(Math.max(0, 3_300 - (Date.now() - openedAt)));
}

test('a visitor sends the website enquiry in Chinese, the lead is assigned by the rules, and the analyst sees it counted', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const email = `visitor-${info.project.name}-${Date.now()}@north.example`;

  // The visitor, signed out, from a campaign link: the page speaks Chinese.
  await page.goto('/f/website_enquiry?lang=zh-CN&utm_source=baidu&utm_campaign=spring');
  let opened = Date.now();
  await expect(page.getByRole('heading', { name: '官网咨询' })).toBeVisible();
  await page.getByLabel('公司').fill('北方制造有限公司');
  await page.getByLabel('联系人').fill('赵强');
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('区域').selectOption({ label: '华北' });
  await page.getByLabel('留言').fill('想了解报价');
  await expectNoHorizontalOverflow(page);
  await shot('webform-zh-filled');
  await afterMinimumFill(page, opened);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByRole('status')).toContainText('感谢您的咨询');
  await shot('webform-zh-thanks');

  const found = await call<{ items: Rec[] }>(
    request,
    token,
    'GET',
    `/api/records/lead?filter=${encodeURIComponent(`email = "${email}"`)}`,
  );
  expect(found.items).toHaveLength(1);
  const lead = found.items[0];
  expect(lead.source).toBe('website');
  expect(lead.utm_source).toBe('baidu');
  expect(lead.created_by).toBe('webform:website_enquiry');
  // The template's rules give northern leads to the north team, not to the form.
  const owner = await call<{ email: string }>(request, token, 'GET', `/api/users/${String(lead.owner)}`);
  expect(owner.email).toBe('li@demo.example.com');

  // In English, a mistake: the page comes back with what was typed and the field's problem.
  await page.goto('/f/website_enquiry?lang=en');
  opened = Date.now();
  await expect(page.getByRole('heading', { name: 'Website enquiry' })).toBeVisible();
  await page.getByLabel('Contact name').fill('Amy Lee');
  await page.getByLabel('Email').fill('not-an-email');
  await afterMinimumFill(page, opened);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.locator('.err').first()).toBeVisible();
  await expect(page.getByLabel('Contact name')).toHaveValue('Amy Lee');
  await shot('webform-en-invalid');

  // The analyst: the form in the builder, its page, its embed code and its counts.
  await signIn(page);
  await page.goto('/objects/lead');
  await openTab(page, 'Web forms');
  const card = page.getByTestId('webform-website_enquiry');
  await expect(card.getByTestId('webform-link')).toHaveText(/\/f\/website_enquiry$/);
  await expect(card.getByTestId('webform-embed')).toHaveValue(/<iframe src=".*\/f\/website_enquiry"/);
  await expect(card.getByTestId('webform-stats')).toContainText(/Accepted: [1-9]/);
  await expect(card.getByTestId('webform-stats')).toContainText(/Invalid: [1-9]/);
  await expectNoHorizontalOverflow(page);
  await shot('webform-builder');
});
