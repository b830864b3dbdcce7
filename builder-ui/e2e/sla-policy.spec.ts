import { choose, openTab } from './builder-helpers';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('an SLA policy with a calendar, a promised time and a warning is saved as built', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const auth = { Authorization: `Bearer ${token}` };
  const stamp = `${info.project.name}_${Date.now()}`;
  const name = `ticket_${stamp}`;
  const calendar = `office_${stamp}`;
  const policy = `vip_${stamp}`;
  const obj = await request.post('/api/meta/objects', {
    headers: auth,
    data: {
      name,
      fields: [
        { name: 'subject', type: 'text', label: { en: 'Subject' } },
        { name: 'priority', type: 'picklist', options: [{ value: 'normal' }, { value: 'vip' }] },
        { name: 'status', type: 'picklist', options: [{ value: 'open' }, { value: 'closed' }] },
      ],
    },
  });
  expect(obj.status()).toBe(201);
  const day = [{ start: '09:00', end: '18:00' }];
  const cal = await request.post('/api/meta/calendars', {
    headers: auth,
    data: {
      name: calendar,
      label: { en: `Office ${stamp}` },
      time_zone: 'Asia/Shanghai',
      hours: { mon: day, tue: day, wed: day, thu: day, fri: day },
    },
  });
  expect(cal.status(), await cal.text()).toBe(201);

  await signIn(page);
  await page.goto(`/objects/${name}`);
  await openTab(page, 'SLA');
  const editor = page.getByTestId('sla-editor');
  await editor.getByRole('button', { name: 'New SLA policy' }).click();
  const card = editor.getByTestId('sla-new');
  await card.getByLabel('Name', { exact: true }).fill(policy);
  await choose(page, card, 'Business calendar', `Office ${stamp}`);
  await card.getByTestId(`sla-${policy}-applies`).getByRole('combobox').fill('priority == "vip"');
  const metric = card.getByTestId('metric-0');
  await metric.getByLabel('Target').fill('4h');
  const stop = metric.getByTestId(`sla-${policy}-m0-stop_when`);
  await stop.getByRole('combobox').fill('staus == "closed"');
  await expect(stop.getByTestId('expr-error')).toContainText('Line 1, column 1:');
  await stop.getByRole('combobox').fill('status == "closed"');
  await expect(stop.getByTestId('expr-ok')).toBeVisible();
  await card.getByRole('button', { name: 'Add warning' }).click();
  const warning = card.getByTestId('warnings-0');
  await warning.getByRole('button', { name: 'Notify' }).click();
  await warning.getByLabel('Title (English)').fill('{{subject}} is due soon');
  await expectNoHorizontalOverflow(page);
  await shot('80-sla-policy');
  await card.getByRole('button', { name: 'Save policy' }).click();
  await expect(page.getByText(`${policy} saved as version 1`)).toBeVisible();

  const res = await request.get(`/api/meta/sla-policies/${policy}`, { headers: auth });
  expect(res.status()).toBe(200);
  expect(await res.json()).toMatchObject({
    name: policy,
    object: name,
    calendar,
    applies_when: 'priority == "vip"',
    metrics: [{ name: 'resolution', target: '4h', stop_when: 'status == "closed"' }],
    warnings: [
      { percent: 75, actions: [{ type: 'notify', to: { owner: true }, title: { en: '{{subject}} is due soon' } }] },
    ],
  });
});
