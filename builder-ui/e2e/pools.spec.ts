import { zhCN } from '../src/i18n/messages';
import { openTab } from './builder-helpers';
import { call, lin, type Rec, signInAs, tokenOf, zhou } from './demo';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

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
  // The pool is a list of its own in the side menu.
  await page.goto('/app/lead');
  if (phone) {
    await page.getByRole('button', { name: zhCN['nav.open'] }).click();
  }
  await page.getByRole('navigation').getByRole('menuitem', { name: '线索池' }).click();
  await expect(page).toHaveURL(/filter=owner(%20|\+)%3D(%20|\+)%22pool%3Alead_pool%22/);
  await expect(page.getByText(`${tag} Trading`).first()).toBeVisible({ timeout: 30_000 });
  await shot('pool-list-from-menu');
  await page.goto(`/app/lead/${lead.id}`);
  await expect(page.getByRole('heading', { name: `${tag} Trading` })).toBeVisible({ timeout: 60_000 });
  const info_ = page.locator('.ant-card').filter({ hasText: zhCN['app.record.info'] });
  await expect(info_).toContainText('线索池');
  await expectNoHorizontalOverflow(page);
  await shot('pool-lead-in-pool');

  // Edit waits for the claim; the claim makes the lead hers.
  const edit = page.getByRole('button', { name: zhCN['app.record.edit'] });
  await expect(edit).toBeDisabled();
  await page.getByTestId('pool-claim').click();
  await expect(page.getByText(zhCN['app.pool.claimed'])).toBeVisible();
  await expect(info_).toContainText('Lin Wei');
  await expect(page.getByTestId('pool-claim')).toBeHidden();
  await expect(edit).toBeEnabled();
  // The activity shows the claim without a reload.
  await expect(page.getByTestId('activity-change').filter({ hasText: '从公海领取' })).toBeVisible();

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

test("an analyst edits the template's lead reclaim: the return-to-pool action shows its pool and reason and keeps them on save", async ({
  page,
  request,
  token,
  phone,
  shot,
}) => {
  test.skip(phone, 'the builder is a desktop tool');
  test.setTimeout(90_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signIn(page);
  await page.goto('/objects/lead');
  // The builder has loaded the definition (a tab clicked before that is not taken).
  await expect(page.getByTestId('field-company')).toBeVisible({ timeout: 60_000 });
  await openTab(page, 'Automations');
  const card = page.getByTestId('automation-lead_reclaim');
  await expect(card).toBeVisible({ timeout: 30_000 });
  // The follow-up reminder's email action says what it sends (set up under Email templates).
  await expect(page.getByTestId('automation-lead_follow_up').getByTestId('action-2')).toContainText('Send an email');
  await expect(page.getByTestId('automation-lead_follow_up').getByTestId('action-2')).toContainText(
    'lead_follow_up_reminder',
  );
  const action = card.getByTestId('action-1');
  await expect(action).toContainText('Return to pool');
  await expect(action.locator('.ant-select-selection-item')).toHaveText('Lead pool');
  const reason = action.getByLabel('Reason (English)');
  await expect(reason).toHaveValue('No contact for 7 days');
  await reason.fill('No follow-up for a week');
  await shot('pool-reclaim-automation');
  await card.getByRole('button', { name: 'Save automation' }).click();
  // The saved definition, not the toast (which may come and go under load).
  const saved = async () => {
    const res = await request.get('/api/meta/automations/lead_reclaim', {
      headers: { Authorization: `Bearer ${token}` },
    });
    return (await res.json()) as { version: number; actions: { reason?: Record<string, string> }[] };
  };
  await expect.poll(async () => (await saved()).version, { timeout: 20_000 }).toBe(2);
  expect(await saved()).toMatchObject({
    trigger: { type: 'time_relative', field: 'last_contacted_at', offset: '7d' },
    actions: [
      { type: 'notify' },
      {
        type: 'return_to_pool',
        pool: 'lead_pool',
        reason: { en: 'No follow-up for a week', 'zh-CN': '7 天未跟进' },
      },
    ],
  });
});
