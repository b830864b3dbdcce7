import { call, lin, type Rec, tokenOf } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

const zhou = { email: 'zhou@demo.example.com', password: 'Demo-CRM-2026!' };

test('a manager sees the sales dashboard: the team’s pipeline funnel, by owner, lead sources', async ({
  page,
  request,
  phone,
  shot,
}, info) => {
  // A deal of the team moved on from Initial contact: its stay there is in the stage history.
  const linToken = await tokenOf(request, lin);
  const deal = await call<Rec>(request, linToken, 'POST', '/api/records/opportunity', {
    name: `Funnel mover ${info.project.name} ${Date.now()}`,
    amount: 1000,
    stage: 'initial_contact',
  });
  await call(request, linToken, 'PATCH', `/api/records/opportunity/${deal.id}`, { stage: 'needs_analysis' });
  // Charts drawn without animation, so that the screenshots show them whole.
  await page.emulateMedia({ reducedMotion: 'reduce' });
  await page.goto('/login');
  await page.getByLabel('Email').fill(zhou.email);
  await page.getByLabel('Password').fill(zhou.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/app$/); // end users land in the work area

  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  if (phone) await page.getByRole('button', { name: 'Open navigation' }).click();
  // A manager does not design flows.
  await expect(nav.getByRole('menuitem', { name: 'Approval flows' })).toHaveCount(0);
  await nav.getByRole('menuitem', { name: 'Dashboards' }).click();
  await expect(page).toHaveURL(/\/dashboards$/);
  await page.getByRole('link', { name: 'Sales' }).click();
  await expect(page).toHaveURL(/\/dashboards\/sales$/);

  // The numbers are the server's for this manager (their team's records).
  const login = await request.post('/api/auth/login', { data: zhou });
  const token = ((await login.json()) as { token: string }).token;
  const res = await request.get('/api/dashboards/sales/data', { headers: { Authorization: `Bearer ${token}` } });
  expect(res.status()).toBe(200);
  const data = (await res.json()) as {
    widgets: { name: string; groups: { labels: { stage: string }; count: number }[] }[];
  };
  const pipeline = data.widgets.find((w) => w.name === 'pipeline')!;
  expect(pipeline.groups.length).toBe(5);
  expect(pipeline.groups.reduce((n, g) => n + g.count, 0)).toBeGreaterThan(0);

  const funnel = page.getByTestId('widget-pipeline');
  await expect(funnel).toContainText('Sales pipeline');
  await expect(funnel.locator('canvas')).toBeVisible();
  // Other tests move and create opportunities of this team meanwhile (a kanban drag, a lead
  // conversion): only the won stage, which none of them touches, must match to the record.
  for (const g of pipeline.groups) {
    const row = funnel.getByRole('row').filter({ hasText: g.labels.stage });
    await expect(row.getByRole('cell').nth(1)).toHaveText(g.labels.stage === 'Won' ? String(g.count) : /^\d+$/);
  }
  await expect(funnel.getByRole('columnheader', { name: 'Conversion' })).toBeVisible();
  // From the stage history: a deal of the team moved out of Initial contact gives that stage an
  // average stay (the seeded deals have not moved yet); none has left the funnel from Won.
  await expect(funnel.getByRole('columnheader', { name: 'Drop-off' })).toBeVisible();
  const initial = funnel.getByRole('row').filter({ hasText: 'Initial contact' });
  await expect(initial.getByRole('cell').last()).toHaveText(/\d+(\.\d)? (min|hr|hrs|days?)$/);
  await expect(page.getByTestId('widget-by_owner').locator('canvas')).toBeVisible();
  await expect(page.getByTestId('widget-lead_sources').locator('canvas')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('40-dashboard-sales');

  // The other dashboard: SLA compliance with the tickets by status.
  await page.getByText('Support', { exact: true }).click();
  await expect(page).toHaveURL(/\/dashboards\/support$/);
  await expect(page.getByTestId('widget-sla_compliance')).toContainText('SLA compliance');
  await expect(page.getByTestId('widget-sla_compliance').locator('.ant-progress')).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('41-dashboard-support');

  // In Chinese the server names the charts and stages in Chinese too.
  await page.getByText('中文', { exact: true }).click();
  await page.getByText('销售', { exact: true }).click();
  await expect(page.getByTestId('widget-pipeline')).toContainText('销售漏斗');
  await expect(page.getByTestId('widget-pipeline').getByRole('columnheader', { name: '转化率' })).toBeVisible();
  await expectNoHorizontalOverflow(page);
  await shot('42-dashboard-sales-zh');
});

test('a chart grouped by a lookup names the records, and says what it shows to a screen reader', async ({
  page,
  request,
  token,
}, info) => {
  const auth = { Authorization: `Bearer ${token}` };
  const name = `by_account_${info.project.name}`;
  await request.delete(`/api/meta/dashboards/${name}`, { headers: auth });
  const made = await request.post('/api/meta/dashboards', {
    headers: auth,
    data: {
      name,
      label: { en: 'Pipeline by account' },
      widgets: [
        { name: 'accounts', label: { en: 'By account' }, type: 'pie', object: 'opportunity', group_by: ['account'] },
        {
          name: 'stages',
          label: { en: 'By account and stage' },
          type: 'bar',
          object: 'opportunity',
          group_by: ['account', 'stage'],
        },
      ],
    },
  });
  expect(made.status(), await made.text()).toBe(201);
  const acme = await request.get(`/api/records/account?filter=${encodeURIComponent('name = "Acme Software"')}`, {
    headers: auth,
  });
  const acmeId = ((await acme.json()) as { items: { id: string }[] }).items[0].id;

  await page.goto('/login');
  await page.getByLabel('Email').fill(zhou.email);
  await page.getByLabel('Password').fill(zhou.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/app$/);
  await page.goto(`/dashboards/${name}`);
  const pie = page.getByTestId('widget-accounts').getByRole('img');
  await expect(pie).toHaveAccessibleName(/^By account\. .*Acme Software: \d+/);
  await expect(pie).not.toHaveAccessibleName(new RegExp(acmeId));
  await expect(page.getByTestId('widget-stages').getByRole('img')).toHaveAccessibleName(
    /Acme Software, (Negotiation|Proposal\/quote|Needs analysis|Initial contact|Won|Lost): \d+/,
  );
  await request.delete(`/api/meta/dashboards/${name}`, { headers: auth });
});

test('a manager narrows the sales dashboard to one rep and a period; the address keeps it', async ({ page, shot }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill(zhou.email);
  await page.getByLabel('Password').fill(zhou.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/app$/);
  await page.goto('/dashboards/sales');
  const funnel = page.getByTestId('widget-pipeline');
  const won = funnel.getByRole('row').filter({ hasText: 'Won' }).getByRole('cell').nth(1);
  await expect(won).toHaveText('1'); // the team's one won deal (Chen Jie's)

  // Lin Wei's deals only: she has won none.
  await page.getByTestId('dash-filter-owner').getByRole('combobox').fill('lin@');
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: 'lin@demo.example.com' })
    .click();
  await expect(page).toHaveURL(/[?&]owner=/);
  await expect(won).toHaveText('0');
  await shot('43-dashboard-owner');
  await page.reload();
  await expect(won).toHaveText('0');

  // A period before anything was created: nothing anywhere.
  const url = new URL(page.url());
  url.searchParams.delete('owner');
  url.searchParams.set('to', '2020-01-31');
  await page.goto(url.pathname + url.search);
  await expect(funnel.getByRole('row').filter({ hasText: 'Initial contact' }).getByRole('cell').nth(1)).toHaveText('0');
  await expect(won).toHaveText('0');
  await expect(page.getByPlaceholder('to')).toHaveValue('2020-01-31');
});
