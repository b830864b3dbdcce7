import { demoPassword } from './demo';
import { closeProps, expectSaved, fieldProps } from './builder-helpers';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

const ana = 'ana@demo.example.com'; // the analyst of the default template's demo people

test('an analyst opens an object of the default template in the builder, changes it and saves it', async ({
  page,
  request,
  phone,
  shot,
}) => {
  const login = await request.post('/api/auth/login', { data: { email: ana, password: demoPassword } });
  const auth = { Authorization: `Bearer ${((await login.json()) as { token: string }).token}` };
  const before = (await (await request.get('/api/meta/objects/task', { headers: auth })).json()) as { version: number };

  await page.goto('/login');
  await page.getByLabel('Email').fill(ana);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/objects$/);
  await page.goto('/objects/task');
  await page.getByTestId('field-notes').click();
  const zh = `备注 ${Date.now() % 100000}`;
  await fieldProps(page).getByLabel('Label (中文)').fill(zh);
  await closeProps(page, phone);
  await page.getByRole('button', { name: 'Save' }).click();
  await expectSaved(page, before.version + 1);
  await expectNoHorizontalOverflow(page);
  await shot('95-template-task-edited');

  const after = (await (await request.get('/api/meta/objects/task', { headers: auth })).json()) as {
    version: number;
    fields: { name: string; label: Record<string, string> }[];
  };
  expect(after.version).toBe(before.version + 1);
  expect(after.fields.find((f) => f.name === 'notes')!.label).toEqual({ en: 'Notes', 'zh-CN': zh });
});
