import { choose, openTab } from './builder-helpers';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('an automation built in the editor is saved and runs on the next write', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const auth = { Authorization: `Bearer ${token}` };
  const name = `opp_${info.project.name}_${Date.now()}`;
  const auto = `mark_won_${info.project.name}_${Date.now()}`;
  const created = await request.post('/api/meta/objects', {
    headers: auth,
    data: {
      name,
      fields: [
        { name: 'company', type: 'text', label: { en: 'Company' } },
        { name: 'stage', type: 'picklist', label: { en: 'Stage' }, options: [{ value: 'new' }, { value: 'won' }] },
        { name: 'note', type: 'text', label: { en: 'Note' } },
      ],
    },
  });
  expect(created.status()).toBe(201);

  await signIn(page);
  await page.goto(`/objects/${name}`);
  await openTab(page, 'Automations');
  const editor = page.getByTestId('automations-editor');
  await editor.getByRole('button', { name: 'New automation' }).click();
  const card = editor.locator('[data-testid^="automation-"]').first();
  await card.getByLabel('Name', { exact: true }).fill(auto);
  await choose(page, card, 'When', 'A field changes');
  await choose(page, card, 'Any of these fields changes', 'Stage');
  await page.keyboard.press('Escape');
  const condition = card.getByTestId(`auto-${auto}-condition`).getByRole('combobox');
  await condition.fill('stage == "won" && compnay != ""');
  await expect(card.getByTestId('expr-error')).toContainText('Line 1, column 19:');
  await condition.fill('stage == "won"');
  await expect(card.getByTestId('expr-ok')).toBeVisible();

  await card.getByRole('button', { name: 'Update the record' }).click();
  await choose(page, card, 'Set a field…', 'Note');
  const value = card.getByTestId(`${auto}-0-value-note`).getByRole('combobox');
  await value.fill('upper(company) + " won"');
  await expect(card.getByTestId(`${auto}-0-value-note`).getByTestId('expr-ok')).toContainText('text');
  await card.getByRole('button', { name: 'Notify' }).click();
  await card.getByTestId('action-1').getByLabel('Title (English)').fill('{{company}} is won');
  await expectNoHorizontalOverflow(page);
  await shot('60-automation');
  await card.getByRole('button', { name: 'Save automation' }).click();
  await expect(page.getByText(`${auto} saved as version 1`)).toBeVisible();

  const res = await request.get(`/api/meta/automations/${auto}`, { headers: auth });
  expect(await res.json()).toMatchObject({
    name: auto,
    object: name,
    trigger: { type: 'field_changed', fields: ['stage'] },
    condition: 'stage == "won"',
    actions: [
      { type: 'update', values: { note: 'upper(company) + " won"' } },
      { type: 'notify', to: { owner: true }, title: { en: '{{company}} is won' } },
    ],
  });

  // It runs: a record moved to won gets its note.
  const rec = await request.post(`/api/records/${name}`, { headers: auth, data: { company: 'Acme', stage: 'new' } });
  const { id } = (await rec.json()) as { id: string };
  await request.patch(`/api/records/${name}/${id}`, {
    headers: { ...auth, 'If-Match': '"1"' },
    data: { stage: 'won' },
  });
  await expect
    .poll(
      async () =>
        ((await (await request.get(`/api/records/${name}/${id}`, { headers: auth })).json()) as { note?: string }).note,
      {
        timeout: 20_000,
      },
    )
    .toBe('ACME won');

  // The note only this automation sets: the choice offers only the fields its updates set, and a
  // save keeps it; then nobody changes the note by hand.
  const saved = editor.getByTestId(`automation-${auto}`);
  const controlled = saved.getByRole('combobox', { name: 'Fields only this automation sets', exact: true });
  await controlled.click({ force: true });
  const options = page.locator('.ant-select-dropdown:visible .ant-select-item-option');
  await expect(options).toHaveText(['Note']);
  await options.click();
  await page.keyboard.press('Escape');
  await saved.getByRole('button', { name: 'Save automation' }).click();
  await expect(page.getByText(`${auto} saved as version 2`)).toBeVisible();
  const after = await request.get(`/api/meta/automations/${auto}`, { headers: auth });
  expect(await after.json()).toMatchObject({ version: 2, controlled_fields: ['note'] });
  const now = (await (await request.get(`/api/records/${name}/${id}`, { headers: auth })).json()) as {
    version: number;
  };
  const byHand = await request.patch(`/api/records/${name}/${id}`, {
    headers: { ...auth, 'If-Match': `"${now.version}"` },
    data: { note: 'mine' },
  });
  expect(byHand.status()).toBe(422);
  expect(((await byHand.json()) as { error: { code: string } }).error.code).toBe('controlled_field');
});
