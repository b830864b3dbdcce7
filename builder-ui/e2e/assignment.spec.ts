import { choose, drag, openTab } from './builder-helpers';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('assignment rules: conditions checked as typed, reordered by drag, saved in order', async ({
  page,
  request,
  token,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const auth = { Authorization: `Bearer ${token}` };
  const stamp = `${info.project.name}_${Date.now()}`;
  const name = `lead_${stamp}`;
  const email = `rep_${stamp}@example.com`;
  const created = await request.post('/api/meta/objects', {
    headers: auth,
    data: {
      name,
      fields: [
        { name: 'company', type: 'text' },
        { name: 'amount', type: 'currency', currency: 'CNY' },
      ],
    },
  });
  expect(created.status()).toBe(201);
  const user = await request.post('/api/users', {
    headers: auth,
    data: { email, name: `Rep ${stamp}`, password: 'rep-password-123', roles: ['sales'] },
  });
  expect(user.status(), await user.text()).toBe(201);
  const repId = ((await user.json()) as { id: string }).id;

  await signIn(page);
  await page.goto(`/objects/${name}`);
  await openTab(page, 'Assignment');
  const editor = page.getByTestId('assignment-editor');

  await editor.getByRole('button', { name: 'Add assignment rule' }).click();
  const first = editor.getByTestId('assign-rule-0');
  await first.getByLabel('Rule name').fill('big');
  const condition = first.getByTestId('assign-0-condition').getByRole('combobox');
  await condition.fill('amout > 100000');
  await expect(first.getByTestId('expr-error')).toContainText('Line 1, column 1:');
  await condition.fill('amount > 100000');
  await expect(first.getByTestId('expr-ok')).toBeVisible();
  await choose(page, first, 'User', `Rep ${stamp}`, true);

  await editor.getByRole('button', { name: 'Add assignment rule' }).click();
  const second = editor.getByTestId('assign-rule-1');
  await second.getByLabel('Rule name').fill('everyone');
  await choose(page, second, 'Assign to', 'In turn (round robin)');
  await choose(page, second, 'Or these users', `Rep ${stamp}`, true);

  // "everyone" is dragged above "big" by its handle.
  await drag(
    page,
    second.getByRole('button', { name: 'Move rule everyone', exact: true }),
    first.getByRole('button', { name: 'Move rule big', exact: true }),
  );
  await expect(editor.getByTestId('assign-rule-0')).toContainText('1. everyone');
  await expectNoHorizontalOverflow(page);
  await shot('50-assignment');
  await editor.getByRole('button', { name: 'Save assignment' }).click();
  await expect(page.getByText('Assignment saved as version 1')).toBeVisible();

  const res = await request.get(`/api/meta/assignment-rules/${name}`, { headers: auth });
  const saved = (await res.json()) as { rules: unknown[] };
  expect(saved.rules).toEqual([
    { name: 'everyone', target: { type: 'round_robin', users: [repId] } },
    { name: 'big', condition: 'amount > 100000', target: { type: 'user', user: repId } },
  ]);
});
