import {
  call,
  dragCard,
  formItem,
  lin,
  linContract,
  pickOption,
  qian,
  type Rec,
  signInAs,
  tokenOf,
  zhou,
} from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

test('a sales rep fills a generated form, meets the errors, fixes them and saves', async ({ page, shot }, info) => {
  const name = `Globex expansion ${info.project.name} ${Date.now()}`;
  const posts: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/records/opportunity')) posts.push(r.url());
  });
  await signInAs(page, lin);
  await shot('30-app-home');
  await page.goto('/app/opportunity/new');
  await expect(page.getByRole('heading', { name: 'New Opportunity' })).toBeVisible();
  // Stage has its default; a lost reason is asked only once the stage is lost (visible_when, live).
  await expect(formItem(page, 'stage')).toContainText('Initial contact');
  await expect(formItem(page, 'lost_reason')).toHaveCount(0);
  await expectNoHorizontalOverflow(page);
  await shot('31-form-new');

  await page.locator('#field-account').fill('Acme');
  await pickOption(page, 'Acme Software');
  await page.locator('#field-amount').fill('120000');
  await formItem(page, 'stage').locator('.ant-select-selector').click();
  await pickOption(page, 'Lost');
  await expect(formItem(page, 'lost_reason')).toBeVisible();
  await formItem(page, 'stage').locator('.ant-select-selector').click();
  await pickOption(page, 'Negotiation');
  await expect(formItem(page, 'lost_reason')).toHaveCount(0);
  // The formulas follow too: negotiation is 75 %.
  await expect(formItem(page, 'probability')).toContainText('75');

  // Saved without a name: the schema's check answers before the server is asked.
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(formItem(page, 'name')).toContainText('Required');
  expect(posts).toHaveLength(0);
  await shot('32-form-client-error');

  // A close date in the past passes the schema; the server's rule refuses it on its field.
  await page.locator('#field-name').fill(name);
  await page.locator('#field-close_date').fill('2020-01-15');
  await page.locator('#field-close_date').press('Enter');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(formItem(page, 'close_date')).toContainText('Close date must not be in the past');
  await expect(formItem(page, 'name')).not.toContainText('Required');
  expect(posts).toHaveLength(1);
  await expectNoHorizontalOverflow(page);
  await shot('33-form-server-error');

  await page.locator('#field-close_date').fill('2030-06-28');
  await page.locator('#field-close_date').press('Enter');
  await expect(page.locator('#field-close_date')).toHaveValue('2030-06-28');
  await expect(formItem(page, 'close_date')).not.toContainText('must not be in the past');
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page).toHaveURL(/\/app\/opportunity\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('Acme Software')).toBeVisible();
  await expect(page.getByText('Negotiation').first()).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('34-record-saved');

  // Editing saves only what changed, with If-Match on the version the form was opened on.
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { name: 'Edit Opportunity' })).toBeVisible();
  await expect(page.locator('#field-name')).toHaveValue(name);
  const patch = page.waitForRequest((r) => r.method() === 'PATCH');
  await page.locator('#field-amount').fill('130000');
  await page.getByRole('button', { name: 'Save' }).click();
  expect((await patch).postDataJSON()).toEqual({ amount: '130000' });
  expect((await patch).headers()['if-match']).toMatch(/^"\d+"$/);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  await expect(page.getByText('CN¥130,000.00')).toBeVisible();
});

test('a sales rep drags an opportunity to negotiation; a card moved meanwhile by someone else is not moved', async ({
  page,
  request,
  shot,
}, info) => {
  const token = await tokenOf(request, lin);
  const stamp = `${info.project.name} ${Date.now()}`;
  const mover = await call<Rec>(request, token, 'POST', '/api/records/opportunity', {
    name: `Kanban mover ${stamp}`,
    amount: 42000,
    stage: 'proposal',
  });
  const stale = await call<Rec>(request, token, 'POST', '/api/records/opportunity', {
    name: `Kanban raced ${stamp}`,
    amount: 9000,
    stage: 'proposal',
  });

  // Creating one runs the activity automation (version 2) in the background: let it finish first.
  for (const r of [mover, stale]) {
    await expect
      .poll(async () => (await call<Rec>(request, token, 'GET', `/api/records/opportunity/${r.id}`)).version)
      .toBeGreaterThanOrEqual(2);
  }

  await signInAs(page, lin);
  await page.goto('/app/opportunity/kanban?field=stage');
  const column = (v: string) => page.getByTestId(`kanban-column-${v}`);
  await expect(column('proposal').getByText(`Kanban mover ${stamp}`)).toBeVisible();
  await shot('40-kanban');

  // The board reloads shortly after a move (automations save the record again); then it holds.
  // Awaited from before the drag: on a loaded machine the reload may come before the checks below.
  const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/records/opportunity');
  await dragCard(page, `Kanban mover ${stamp}`, 'negotiation');
  await expect(column('negotiation').getByText(`Kanban mover ${stamp}`)).toBeVisible();
  await expect(page.getByText(`Kanban mover ${stamp} moved to Negotiation`)).toBeVisible();
  await reloaded;
  const saved = await call<Rec>(request, token, 'GET', `/api/records/opportunity/${mover.id}`);
  expect(saved.stage).toBe('negotiation');
  expect(saved.version).toBeGreaterThan(mover.version);
  await shot('41-kanban-moved');

  // Someone else moves the other card meanwhile: the drop answers 409, the card goes where the
  // server has it and the reason is shown. (A save of other fields only, such as an automation's,
  // would not stop the drop: the change is applied to the new version.)
  const current = await call<Rec>(request, token, 'GET', `/api/records/opportunity/${stale.id}`);
  await call(
    request,
    token,
    'PATCH',
    `/api/records/opportunity/${stale.id}`,
    { stage: 'needs_analysis' },
    { 'If-Match': `"${current.version}"` },
  );
  await dragCard(page, `Kanban raced ${stamp}`, 'negotiation');
  await expect(page.getByText(/Not moved: the record was changed by someone else/)).toBeVisible();
  await expect(column('needs_analysis').getByText(`Kanban raced ${stamp}`)).toBeVisible();
  await expect(column('negotiation').getByText(`Kanban raced ${stamp}`)).toHaveCount(0);
  await shot('42-kanban-refused');
  const after = await call<Rec>(request, token, 'GET', `/api/records/opportunity/${stale.id}`);
  expect(after.stage).toBe('needs_analysis');

  // Cards just saved are fresh; a week and a day later (the browser's clock) they are marked stale.
  const moverCard = page.getByTestId('kanban-card').filter({ hasText: `Kanban mover ${stamp}` });
  await expect(moverCard).toHaveAttribute('data-stale', 'false');
  await page.clock.setFixedTime(new Date(Date.now() + 8 * 24 * 3_600_000));
  await page.reload();
  await expect(moverCard).toHaveAttribute('data-stale', 'true');
  await expect(moverCard).toContainText('Stale');
  await shot('43-kanban-stale');
});

test('a manager approves a contract from the inbox', async ({ page, request, phone, shot }, info) => {
  const { contract, title } = await linContract(request, info, 'Service contract', 12000, 'Standard terms');

  await signInAs(page, zhou);
  // The bell counts the request among the unread notifications.
  await expect(page.getByRole('button', { name: /Notifications, [1-9]\d* unread/ })).toBeVisible();
  if (phone) {
    await page.getByRole('button', { name: 'Open navigation' }).click();
  }
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('menuitem', { name: 'Inbox' }).click();
  await expect(page).toHaveURL(/\/inbox$/);
  const item = page.getByTestId('inbox-item').filter({ hasText: title });
  await expect(item).toContainText('Contract approval');
  // What she decides on, without opening the contract: its amount and the rep's note.
  await expect(item.getByTestId('inbox-amount')).toContainText('12,000');
  await expect(item.getByTestId('inbox-comment')).toContainText('“Standard terms”');
  await expectNoHorizontalOverflow(page);
  await shot('50-inbox');

  await item.getByRole('button', { name: 'Approve' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Comment (optional)').fill('Fine by me');
  await shot('51-inbox-approve');
  await dialog.getByRole('button', { name: 'Approve' }).click();
  await expect(item).toHaveCount(0);

  const zhouToken = await tokenOf(request, zhou);
  const approvals = await call<{ items: { status: string; timeline: { action: string; comment?: string }[] }[] }>(
    request,
    zhouToken,
    'GET',
    `/api/records/contract/${contract.id}/approvals`,
  );
  expect(approvals.items[0].status).toBe('approved');
  expect(approvals.items[0].timeline.some((e) => e.comment === 'Fine by me')).toBeTruthy();

  // The record page shows the outcome and the timeline with both comments.
  await page.goto(`/app/contract/${contract.id}`);
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.getByTestId('approval-status')).toHaveText('Approved');
  await expect(page.getByText('“Fine by me”')).toBeVisible();
  await expect(page.getByText('“Standard terms”')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('52-contract-approved');

  // The bell lists the notifications; opening one marks it read.
  await page.getByRole('button', { name: /Notifications/ }).click();
  await expect(page.getByTestId('notification').first()).toBeVisible();
  await shot('53-notifications');
  await page.getByRole('button', { name: 'Mark all read' }).click();
  await expect(page.getByRole('button', { name: 'Notifications, 0 unread' })).toBeVisible();
  const notes = await call<{ unread: number }>(request, zhouToken, 'GET', '/api/notifications');
  expect(notes.unread).toBe(0);
});

test('lists sort, search, filter and choose columns; record pages show related records, SLA and automations', async ({
  page,
  phone,
  shot,
}) => {
  await signInAs(page, lin);
  await page.goto('/app/opportunity');
  await expect(page.getByRole('heading', { name: 'Opportunity' })).toBeVisible();
  const rows = page.locator('.ant-table-tbody tr.ant-table-row');
  await expect(rows.first()).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('60-list');

  // Columns: the close date is added to the table (and kept for the next visit).
  if (!phone) {
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('checkbox', { name: 'Close date' }).check();
    await expect(page.getByRole('columnheader', { name: 'Close date' })).toBeVisible();
    await page.getByRole('button', { name: 'Columns' }).click();
    await expect(page.getByRole('checkbox', { name: 'Close date' })).toBeHidden();
  }

  // Filter: stage is negotiation, built in the filter builder and sent as filter=; the tag names the
  // value by its label.
  const filtered = page.waitForResponse((r) => new URL(r.url()).searchParams.get('filter') === 'stage = "negotiation"');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.getByRole('button', { name: 'Add condition' }).click();
  await page.locator('div.ant-select[aria-label="Field"]').click();
  await pickOption(page, 'Stage');
  await page.locator('div.ant-select[aria-label="Value"]').click();
  await pickOption(page, 'Negotiation');
  await filtered;
  await expect(page.getByTestId('active-filters')).toContainText('Stage = Negotiation');
  await shot('61-list-filter');
  await page.getByRole('button', { name: 'Filter' }).click();
  await expect(page.getByRole('button', { name: 'Add condition' })).toBeHidden();
  // Every row shown is in negotiation.
  await expect
    .poll(async () => (await rows.allTextContents()).every((text) => text.includes('Negotiation')))
    .toBe(true);

  // Search goes to the server as q=.
  const searched = page.waitForRequest((r) => new URL(r.url()).searchParams.get('q') === 'Acme');
  await page.getByPlaceholder('Search').fill('Acme');
  await searched;
  await expect(rows.filter({ hasText: 'Acme - 2027 renewal' })).toBeVisible();

  // Sorting by amount asks the server (sort=).
  const sorted = page.waitForRequest((r) => new URL(r.url()).searchParams.get('sort') === 'amount');
  if (phone) {
    // Phones show each row as a small card, with the order chosen in the tool bar.
    await page.locator('div.ant-select[aria-label="Sort by"]').click();
    await pickOption(page, 'Amount ↑');
  } else {
    await page.getByRole('columnheader', { name: 'Amount' }).click();
  }
  await sorted;

  // The row opens from its name (a click in the middle of a row could land on a cell's pencil).
  await rows.filter({ hasText: 'Acme - 2027 renewal' }).getByText('Acme - 2027 renewal', { exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Acme - 2027 renewal' })).toBeVisible();
  await expect(page.getByText('Acme 2027 renewal')).toBeVisible(); // the related contract
  await shot('62-record-opportunity');

  // A lead offers its manual automation (Convert).
  await page.goto('/app/lead');
  await page.locator('.ant-table-tbody tr.ant-table-row').first().locator('td').first().locator('strong').click();
  await expect(page.getByRole('button', { name: 'Convert' })).toBeVisible();
  await page.getByRole('tab', { name: 'History' }).click();
  await expect(page.getByText('Created').first()).toBeVisible();
  await shot('63-record-lead');
});

test('a support lead sees the SLA clocks of a ticket as coloured badges with the due time', async ({ page, shot }) => {
  await signInAs(page, qian);
  await page.goto('/app/ticket');
  // Opened from its first cell: a click in the middle of the row can land on a cell's edit pencil.
  await page
    .locator('.ant-table-tbody tr.ant-table-row')
    .filter({ hasText: 'Invoice shows the wrong tax number' })
    .locator('td')
    .first()
    .click();
  await expect(page.getByRole('heading', { name: 'Invoice shows the wrong tax number' })).toBeVisible();
  const badge = page.getByTestId('sla-first_response');
  await expect(badge).toHaveAttribute('data-status', 'running');
  await expect(badge).toContainText('First response: running · due');
  await expect(badge).toHaveClass(/ant-tag-green/);
  await expectNoHorizontalOverflow(page);
  await shot('64-record-ticket');

  // Everything is in Chinese too: the app's texts, the server's labels and the dates.
  await page.getByText('中文', { exact: true }).click();
  await expect(badge).toContainText('首次响应');
  await expect(badge).toContainText('进行中');
  await expect(page.getByRole('tab', { name: '历史' })).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('65-record-ticket-zh');
});
