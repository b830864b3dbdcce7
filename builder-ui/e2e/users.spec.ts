import type { Page } from '@playwright/test';
import { en, zhCN, type MessageKey } from '../src/i18n/messages';
import { closeProps, drag, fieldProps } from './builder-helpers';
import { call, lin, tokenOf } from './demo';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

// The administration: an admin invites a user with a one-time link, grants a new object from the
// builder and edits a role in the matrix; a user changes their password and makes an API token.
// English on a 1440×900 desktop, Chinese on a 390×844 phone.

let zh = false;

/** The app's text of key in the language under test, {placeholders} filled. */
function m(key: MessageKey, vars: Record<string, string | number> = {}): string {
  return (zh ? zhCN : en)[key].replace(/\{(\w+)\}/g, (_, v: string) => String(vars[v] ?? `{${v}}`));
}

/**
 * A button's name: Ant Design spaces the two characters of a two-character Chinese button, and
 * an icon's name may come first.
 */
function button(key: MessageKey): RegExp {
  return new RegExp(`(^|\\s)${[...m(key)].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('\\s?')}$`);
}

test.beforeEach(async ({ page, phone }) => {
  zh = phone;
  if (!phone) await page.setViewportSize({ width: 1440, height: 900 });
});

/** Switches the app to the language under test (signed in: the choice is saved to the profile). */
async function inLanguage(page: Page) {
  if (!zh) return;
  await page.evaluate(() => localStorage.setItem('crm.locale', 'zh-CN'));
  await page.reload();
}

async function login(page: Page, email: string, password: string) {
  await page.goto('/login');
  await page.getByLabel(/^(Email|邮箱)$/).fill(email);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByLabel(/^(Password|密码)$/).press('Enter');
  await expect(page).not.toHaveURL(/\/login/);
}

/** Picks an option of the Ant Design select of the form item labelled label. */
async function pick(page: Page, label: string, option: string, search = false) {
  const box = page.getByRole('combobox', { name: label, exact: true });
  await box.click({ force: true });
  // A long list renders only what is in view: narrow it by typing, as one would.
  if (search) await box.fill(option);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: option })
    .first()
    .click();
}

test('an admin invites a user with a one-time link; the user sets a password and signs in', async ({
  page,
  browser,
  baseURL,
  shot,
}, info) => {
  const email = `nina.${info.project.name}.${Date.now()}@example.com`;
  await signIn(page);
  await inLanguage(page);
  await page.goto('/admin/users');
  await expect(page.getByRole('heading', { name: m('admin.users.title') })).toBeVisible({ timeout: 30_000 });
  await expectNoHorizontalOverflow(page);
  await shot('admin-users');

  await page.getByRole('button', { name: m('admin.users.new') }).click();
  const drawer = page.getByRole('dialog');
  await drawer.getByLabel(m('admin.users.email')).fill(email);
  await drawer.getByLabel(m('admin.users.name'), { exact: true }).fill('Nina');
  await pick(page, m('admin.users.roles'), zh ? '销售' : 'Sales');
  await pick(page, m('admin.users.timezone'), 'Asia/Shanghai', true);
  await shot('admin-user-drawer', false);
  await drawer.getByRole('button', { name: button('admin.users.invite') }).click();

  const dialog = page.getByRole('dialog', { name: m('admin.link.title', { email }) });
  await expect(dialog).toBeVisible();
  const link = await dialog.getByTestId('password-link').inputValue();
  expect(link).toMatch(new RegExp(`^${baseURL}/set-password#[\\w-]{40,}$`));
  await shot('admin-invite-link', false);
  await dialog.getByRole('button', { name: button('admin.link.close') }).click();
  await expect(dialog).toBeHidden();
  // The list says the user is invited, not yet active.
  await expect(page.getByRole('row').filter({ hasText: email }).getByText(m('admin.users.invited'))).toBeVisible();

  // The user, in a browser of their own.
  const own = await browser.newContext({ viewport: page.viewportSize()!, locale: zh ? 'zh-CN' : 'en-US' });
  const user = await own.newPage();
  await user.addInitScript((l) => localStorage.setItem('crm.locale', l), zh ? 'zh-CN' : 'en');
  await user.goto(link);
  await expect(user.getByRole('heading', { name: m('setPassword.title') })).toBeVisible({ timeout: 30_000 });
  // The secret leaves the address bar at once.
  await expect(user).toHaveURL(/\/set-password$/);
  await user.getByLabel(m('profile.newPassword'), { exact: true }).fill('short');
  await user.getByLabel(m('profile.confirmPassword')).fill('short');
  await user.getByRole('button', { name: button('setPassword.submit') }).click();
  await expect(user.getByText(/10/).first()).toBeVisible(); // the policy's own words: at least 10 characters
  await user.getByLabel(m('profile.newPassword'), { exact: true }).fill('Nina-chooses-this-1');
  await user.getByLabel(m('profile.confirmPassword')).fill('Nina-chooses-this-1');
  await user.getByRole('button', { name: button('setPassword.submit') }).click();
  await expect(user.getByText(m('setPassword.done'))).toBeVisible();
  await expectNoHorizontalOverflow(user);
  await user.screenshot({ path: `test-results/screenshots/${info.project.name}/admin-set-password-done.png` });
  await user.getByRole('button', { name: button('setPassword.signIn') }).click();
  await login(user, email, 'Nina-chooses-this-1');
  await expect(user).toHaveURL(/\/app$/);

  // The link worked once.
  await user.goto(link);
  await user.getByLabel(m('profile.newPassword'), { exact: true }).fill('Another-choice-22');
  await user.getByLabel(m('profile.confirmPassword')).fill('Another-choice-22');
  await user.getByRole('button', { name: button('setPassword.submit') }).click();
  await expect(user.getByRole('alert')).toContainText(zh ? '链接已被使用' : 'already used');
  await own.close();
});

test('a new object is granted from the builder, then widened in the role matrix', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  test.setTimeout(90_000);
  const name = `gadget_${info.project.name}_${Date.now()}`;
  const rep = await tokenOf(request, lin); // a sales rep
  await signIn(page);
  await inLanguage(page);
  await page.goto('/objects/new');
  const object = page.getByTestId('object-properties');
  await object.getByLabel(m('builder.object.name')).fill(name);
  await object.getByLabel(m('builder.text.label', { language: 'English' })).fill('Gadget');
  await object.getByLabel(m('builder.text.label', { language: '中文' })).fill('小工具');
  const body = page.getByTestId('section-0').getByTestId('section-body');
  await drag(page, page.getByTestId('palette-text'), body, 'end');
  await fieldProps(page)
    .getByLabel(m('builder.text.label', { language: 'English' }))
    .fill('Title');
  await closeProps(page, phone);
  await page.getByRole('button', { name: button('builder.save.button') }).click();

  // Saved: nobody but admins may use it until granted; the builder asks.
  const label = zh ? '小工具' : 'Gadget';
  const dialog = page.getByRole('dialog', { name: m('admin.grants.title', { object: label }) });
  await expect(dialog).toBeVisible({ timeout: 30_000 });
  const list = () => request.get(`/api/records/${name}`, { headers: { Authorization: `Bearer ${rep}` } });
  const create = () => request.post(`/api/records/${name}`, { headers: { Authorization: `Bearer ${rep}` }, data: {} });
  expect((await list()).status()).toBe(403);
  const sales = zh ? '销售' : 'Sales';
  await dialog.getByRole('checkbox', { name: `${sales}: ${m('admin.roles.read')}`, exact: true }).check();
  await shot('admin-grants-dialog', false);
  await dialog.getByRole('button', { name: button('admin.grants.save') }).click();
  await expect(dialog).toBeHidden();
  await expect.poll(async () => (await list()).status()).toBe(200);
  expect((await create()).status()).toBe(403);

  // The matrix: Sales may now create gadgets too.
  await page.goto('/admin/roles');
  await expect(page.getByRole('heading', { name: m('admin.roles.title') })).toBeVisible({ timeout: 30_000 });
  await pick(page, m('admin.roles.role'), sales);
  const box = page.getByRole('checkbox', { name: `${label}: ${m('admin.roles.create')}`, exact: true });
  await expect(page.getByRole('checkbox', { name: `${label}: ${m('admin.roles.read')}`, exact: true })).toBeChecked();
  await box.check();
  await shot('admin-roles-matrix');
  await page.getByRole('button', { name: m('admin.roles.save') }).click();
  await expect(page.getByText(m('admin.roles.saved', { name: sales }))).toBeVisible();
  expect((await create()).status()).toBe(201);
  const role = await call<{ objects: Record<string, unknown> }>(request, token, 'GET', '/api/roles/sales');
  expect(role.objects[name]).toEqual({ create: true, read: true });
});

test('a user changes their own password and makes an API token on the profile page', async ({
  page,
  request,
  token,
  phone,
  shot,
}, info) => {
  const email = `omar.${info.project.name}.${Date.now()}@example.com`;
  await call(request, token, 'POST', '/api/users', { email, password: 'Omar-first-pass-1', roles: ['sales'] });
  await login(page, email, 'Omar-first-pass-1');
  await inLanguage(page);
  if (phone) {
    await page.getByRole('button', { name: m('header.account') }).click();
    await page.getByRole('menuitem', { name: m('header.profile') }).click();
  } else {
    await page.getByTestId('user-email').click();
  }
  await expect(page.getByRole('heading', { name: m('profile.title') })).toBeVisible({ timeout: 30_000 });
  await expectNoHorizontalOverflow(page);

  // A wrong current password is said next to it; the right one changes the password.
  await page.getByLabel(m('profile.currentPassword')).fill('not-my-password-9');
  await page.getByLabel(m('profile.newPassword'), { exact: true }).fill('Omar-second-pass-2');
  await page.getByLabel(m('profile.confirmPassword')).fill('Omar-second-pass-2');
  await page.getByRole('button', { name: m('profile.changePassword') }).click();
  await expect(page.getByText(/not the current password/)).toBeVisible();
  await page.getByLabel(m('profile.currentPassword')).fill('Omar-first-pass-1');
  await page.getByRole('button', { name: m('profile.changePassword') }).click();
  await expect(page.getByText(m('profile.passwordChanged'))).toBeVisible();
  const signInWith = (password: string) => request.post('/api/auth/login', { data: { email, password } });
  expect((await signInWith('Omar-first-pass-1')).status()).toBe(401);
  expect((await signInWith('Omar-second-pass-2')).status()).toBe(200);

  // A token: shown once, listed, working, revoked.
  await page.getByLabel(m('profile.tokenName')).fill('Spreadsheet sync');
  await page.getByRole('button', { name: m('profile.createToken') }).click();
  const secret = (await page.getByTestId('new-token').innerText()).trim();
  expect(secret).toMatch(/^crm_pat_/);
  await expect(page.getByRole('cell', { name: 'Spreadsheet sync' })).toBeVisible();
  await shot('admin-profile');
  const me = await request.get('/api/auth/me', { headers: { Authorization: `Bearer ${secret}` } });
  expect(((await me.json()) as { email: string }).email).toBe(email);
  await page.getByRole('button', { name: button('profile.revoke') }).click();
  await page
    .locator('.ant-popconfirm')
    .getByRole('button', { name: button('profile.revoke') })
    .click();
  await expect(page.getByText(m('profile.revoked'))).toBeVisible();
  expect((await request.get('/api/auth/me', { headers: { Authorization: `Bearer ${secret}` } })).status()).toBe(401);
});
