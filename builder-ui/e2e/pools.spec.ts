import { zhCN } from '../src/i18n/messages';
import { call, lin, type Rec, signInAs, tokenOf, zhou } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

// The lead pool (线索池) of the default template: a rep claims a lead from the pool on its page,
// gives it back with a reason, and learns that a colleague was faster when she tries again.

test('in Chinese, a rep claims a lead from the lead pool, returns it with a reason, and is told when a colleague claimed it first', async ({
  page,
  request,
  phone,
  shot,
}, info) => {
  test.setTimeout(120_000);
  const tag = `Pool${info.project.name}${Date.now()}`;
  const manager = await tokenOf(request, zhou);
  const lead = await call<Rec>(request, manager, 'POST', '/api/records/lead', {
    company: `${tag} Trading`,
    owner: 'pool:lead_pool',
  });
  expect(lead.owner).toBe('pool:lead_pool');

  await signInAs(page, lin);
  await page.evaluate(() => localStorage.setItem('crm.locale', 'zh-CN'));
  await page.goto(`/app/lead/${lead.id}`);
  await expect(page.getByRole('heading', { name: `${tag} Trading` })).toBeVisible({ timeout: 60_000 });
  const info_ = page.locator('.ant-card').filter({ hasText: zhCN['app.record.info'] });
  await expect(info_).toContainText('线索池');
  await expectNoHorizontalOverflow(page);
  await shot('pool-lead-in-pool');

  // Claim: the lead is hers.
  await page.getByTestId('pool-claim').click();
  await expect(page.getByText(zhCN['app.pool.claimed'])).toBeVisible();
  await expect(info_).toContainText('Lin Wei');
  await expect(page.getByTestId('pool-claim')).toBeHidden();

  // Return it: a reason is required.
  await page.getByTestId('pool-return').click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('button', { name: zhCN['app.pool.giveBack'] }).click();
  await expect(dialog.getByText(zhCN['app.pool.reasonRequired'])).toBeVisible();
  await dialog.getByTestId('pool-reason').fill('连续两周联系不上');
  await shot('pool-return-reason', false);
  await dialog.getByRole('button', { name: zhCN['app.pool.giveBack'] }).click();
  await expect(dialog).toBeHidden();
  await expect(info_).toContainText('线索池');
  const history = await call<{ items: { action: string; reason?: string }[] }>(
    request,
    manager,
    'GET',
    `/api/records/lead/${lead.id}/history`,
  );
  expect(history.items.find((h) => h.action === 'record_returned')?.reason).toBe('连续两周联系不上');

  // A colleague claims it while her page still offers it: she is told, and the page moves on.
  const chen = await tokenOf(request, 'chen@demo.example.com');
  const taken = await call<Rec>(request, chen, 'POST', `/api/records/lead/${lead.id}/claim`);
  expect(taken.owner).not.toBe('pool:lead_pool');
  await page.getByTestId('pool-claim').click();
  await expect(page.getByText('该记录已被他人领取')).toBeVisible();
  await shot('pool-claimed-by-colleague', !phone);
});
