import type { APIRequestContext, Page } from '@playwright/test';
import { call, dragCard, formItem, lin, type Rec, signInAs, tokenOf } from './demo';
import { expect, test } from './fixtures';

// Moving a deal into a closed stage (won, lost) is confirmed, asks what that stage requires, and
// every move can be undone (issue 19, point 8).

const column = (page: Page, v: string) => page.getByTestId(`kanban-column-${v}`);

/** A new opportunity of lin's, once the activity automation has saved it again (version 2). */
async function newDeal(request: APIRequestContext, token: string, name: string, stage: string): Promise<Rec> {
  const rec = await call<Rec>(request, token, 'POST', '/api/records/opportunity', { name, amount: 75000, stage });
  await expect
    .poll(async () => (await call<Rec>(request, token, 'GET', `/api/records/opportunity/${rec.id}`)).version)
    .toBeGreaterThanOrEqual(2);
  return call<Rec>(request, token, 'GET', `/api/records/opportunity/${rec.id}`);
}

const get = (request: APIRequestContext, token: string, id: string) =>
  call<Rec>(request, token, 'GET', `/api/records/opportunity/${id}`);

test('a deal dragged to Lost asks for the lost reason; Cancel leaves it, Confirm saves both, Undo puts it back', async ({
  page,
  request,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const token = await tokenOf(request, lin);
  const name = `Closing deal ${info.project.name} ${Date.now()}`;
  const deal = await newDeal(request, token, name, 'negotiation');
  expect(deal.probability).toBe(75);
  const patches: { body: unknown; ifMatch?: string }[] = [];
  page.on('request', (r) => {
    if (r.method() === 'PATCH' && r.url().includes(`/api/records/opportunity/${deal.id}`))
      patches.push({ body: r.postDataJSON(), ifMatch: r.headers()['if-match'] });
  });

  await signInAs(page, lin);
  await page.goto('/app/opportunity/kanban?field=stage');
  await expect(column(page, 'negotiation').getByText(name)).toBeVisible();
  await expect(column(page, 'lost')).toHaveAttribute('data-closed', 'true');
  await expect(column(page, 'proposal')).not.toHaveAttribute('data-closed');

  // The drop asks first, naming the record and the stage, with what Lost requires.
  await dragCard(page, name, 'lost');
  const dialog = page.getByRole('dialog', { name: `Move “${name}” to Lost?` });
  await expect(dialog).toBeVisible();
  const reason = formItem(page, 'lost_reason');
  await expect(dialog.locator('label[for="field-lost_reason"]')).toHaveText('Lost reason');
  await expect(reason.locator('.ant-form-item-required')).toHaveCount(1);
  await shot('60-kanban-confirm-lost');

  // Cancel: nothing written, the card where it was.
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(column(page, 'negotiation').getByText(name)).toBeVisible();
  await expect(column(page, 'lost').getByText(name)).toHaveCount(0);
  expect(patches).toEqual([]);
  const cancelled = await get(request, token, deal.id);
  expect(cancelled.stage).toBe('negotiation');
  expect(cancelled.version).toBe(deal.version);
  expect(cancelled.lost_reason).toBeUndefined();

  // Again; Move without a reason is stopped in the dialog, before any request.
  await dragCard(page, name, 'lost');
  await expect(dialog).toBeVisible();
  await dialog.getByRole('button', { name: 'Move' }).click();
  await expect(reason).toContainText('Required');
  expect(patches).toEqual([]);

  // The server's field errors land on their fields in the dialog, and nothing moves.
  await page.route(`**/api/records/opportunity/${deal.id}`, (route) =>
    route.request().method() === 'PATCH'
      ? route.fulfill({
          status: 422,
          contentType: 'application/json',
          body: JSON.stringify({
            error: {
              code: 'validation_failed',
              message: 'The record is not valid',
              fields: [{ field: 'lost_reason', code: 'pattern', message: 'Say who won the deal' }],
            },
          }),
        })
      : route.fallback(),
  );
  await page.locator('#field-lost_reason').fill('Too expensive');
  await dialog.getByRole('button', { name: 'Move' }).click();
  await expect(reason).toContainText('Say who won the deal');
  await expect(dialog).toBeVisible();
  await expect(column(page, 'negotiation').getByText(name)).toBeVisible();
  await shot('61-kanban-confirm-refused');
  await page.unroute(`**/api/records/opportunity/${deal.id}`);
  patches.length = 0;

  // Confirm: the stage and the reason in one PATCH, on the version the board showed.
  await page.locator('#field-lost_reason').fill('Chose a cheaper vendor');
  await expect(reason).not.toContainText('Say who won the deal');
  await dialog.getByRole('button', { name: 'Move' }).click();
  await expect(dialog).toBeHidden();
  await expect(column(page, 'lost').getByText(name)).toBeVisible();
  const moved = page.getByTestId('kanban-moved');
  await expect(moved).toContainText(`${name} moved to Lost`);
  expect(patches).toEqual([
    { body: { stage: 'lost', lost_reason: 'Chose a cheaper vendor' }, ifMatch: `"${deal.version}"` },
  ]);
  const lost = await get(request, token, deal.id);
  expect(lost.stage).toBe('lost');
  expect(lost.lost_reason).toBe('Chose a cheaper vendor');
  expect(lost.probability).toBe(0);
  await shot('62-kanban-moved-lost');

  // Undo: back to negotiation, the reason cleared.
  await moved.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText(`${name} moved back to Negotiation`)).toBeVisible();
  await expect(column(page, 'negotiation').getByText(name)).toBeVisible();
  await expect(column(page, 'lost').getByText(name)).toHaveCount(0);
  // One write of both (sent again on the newer version when only the activity automation saved
  // the deal since the move).
  const undos = patches.slice(1).map((p) => p.body);
  expect(undos.length).toBeGreaterThan(0);
  for (const u of undos) expect(u).toEqual({ stage: 'negotiation', lost_reason: null });
  const back = await get(request, token, deal.id);
  expect(back.stage).toBe('negotiation');
  expect(back.lost_reason ?? null).toBeNull();
  expect(back.probability).toBe(75);
  await shot('63-kanban-undone');
});

test('Undo after someone else changed the deal is refused with the version conflict', async ({
  page,
  request,
}, info) => {
  const token = await tokenOf(request, lin);
  const name = `Won then changed ${info.project.name} ${Date.now()}`;
  const deal = await newDeal(request, token, name, 'proposal');

  await signInAs(page, lin);
  await page.goto('/app/opportunity/kanban?field=stage');
  await expect(column(page, 'proposal').getByText(name)).toBeVisible();

  // Won is closed too: confirmed, though it requires nothing more.
  await dragCard(page, name, 'won');
  const dialog = page.getByRole('dialog', { name: `Move “${name}” to Won?` });
  await expect(dialog).toContainText('Won closes the record.');
  await expect(dialog.getByRole('button', { name: 'Move' })).toBeEnabled();
  await expect(dialog.locator('.ant-form-item')).toHaveCount(0);
  await dialog.getByRole('button', { name: 'Move' }).click();
  const moved = page.getByTestId('kanban-moved');
  await expect(moved).toContainText(`${name} moved to Won`);
  await expect(column(page, 'won').getByText(name)).toBeVisible();

  // Someone else raises the amount meanwhile: undoing now would hide that from the user.
  await expect.poll(async () => (await get(request, token, deal.id)).stage).toBe('won');
  const now = await get(request, token, deal.id);
  await call(
    request,
    token,
    'PATCH',
    `/api/records/opportunity/${deal.id}`,
    { amount: 80000 },
    { 'If-Match': `"${now.version}"` },
  );
  await moved.getByRole('button', { name: 'Undo' }).click();
  await expect(page.getByText(/Not undone: the record was changed by someone else/)).toBeVisible();
  const after = await get(request, token, deal.id);
  expect(after.stage).toBe('won');
  expect(after.amount).toBe(80000);
  await expect(column(page, 'won').getByText(name)).toBeVisible();
});

test('in Chinese: the dialog and the undo speak zh-CN', async ({ page, request, shot }, info) => {
  const token = await tokenOf(request, lin);
  const name = `输单测试 ${info.project.name} ${Date.now()}`;
  const deal = await newDeal(request, token, name, 'negotiation');

  await signInAs(page, lin);
  await page.evaluate(() => localStorage.setItem('crm.locale', 'zh-CN'));
  await page.goto('/app/opportunity/kanban?field=stage');
  await expect(page.getByRole('heading', { name: '商机看板' })).toBeVisible();
  await dragCard(page, name, 'lost');
  const dialog = page.getByRole('dialog', { name: `把“${name}”移到输单？` });
  await expect(dialog).toContainText('输单需要填写以下字段：');
  await expect(dialog.locator('label[for="field-lost_reason"]')).toHaveText('输单原因');
  await shot('64-kanban-confirm-zh');
  await dialog.getByRole('button', { name: /^移\s?动$/ }).click();
  await expect(formItem(page, 'lost_reason')).toContainText('必填');
  await page.locator('#field-lost_reason').fill('预算取消');
  await dialog.getByRole('button', { name: /^移\s?动$/ }).click();
  const moved = page.getByTestId('kanban-moved');
  await expect(moved).toContainText(`${name} 已移到 输单`);
  await expect.poll(async () => (await get(request, token, deal.id)).lost_reason).toBe('预算取消');
  await moved.getByRole('button', { name: /撤\s?销/ }).click();
  await expect(page.getByText(`${name} 已移回 商务谈判`)).toBeVisible();
  const back = await get(request, token, deal.id);
  expect(back.stage).toBe('negotiation');
  expect(back.lost_reason ?? null).toBeNull();
});
