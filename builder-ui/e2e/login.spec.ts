import { admin } from './admin';
import { expect, expectNoHorizontalOverflow, signIn, test } from './fixtures';

test('a wrong password shows the error and stays on the login page', async ({ page, shot }) => {
  await page.goto('/login');
  await expectNoHorizontalOverflow(page);
  await shot('01-login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Sign-in failed');
  await expect(alert).toContainText('wrong email or password'); // the server's message
  await expect(page).toHaveURL(/\/login$/);
  await expectNoHorizontalOverflow(page);
  await shot('02-login-wrong-password');
  // In Chinese the server answers in Chinese (the app asks in its language).
  await page.getByText('中文', { exact: true }).click();
  await page.getByRole('button', { name: /^登\s?录$/ }).click();
  await expect(alert).toContainText('邮箱或密码错误');
});

test('the form checks its fields before asking the server', async ({ page, shot }) => {
  await page.goto('/login');
  await page.getByLabel('Email').fill('not-an-email');
  await page.getByLabel('Email').press('Enter');
  await expect(page.getByText('Not a valid email address')).toBeVisible();
  await expect(page.getByText('Enter your password')).toBeVisible();
  await shot('03-login-invalid-fields');
});

test('signing in lands on Objects, with the user in the header', async ({ page, phone, shot }) => {
  await signIn(page);
  if (phone) {
    await page.getByRole('button', { name: 'Account' }).click();
    await expect(page.getByRole('menuitem', { name: admin.email })).toBeVisible();
    await page.keyboard.press('Escape');
  } else {
    await expect(page.getByTestId('user-email')).toHaveText(admin.email);
  }
  await expectNoHorizontalOverflow(page);
  await shot('04-objects');
});

test('a deep link survives sign-in and a reload', async ({ page, shot }) => {
  await page.goto('/objects');
  await expect(page).toHaveURL(/\/login\?next=%2Fobjects$/);
  await expect(page.getByText('Sign in to continue')).toBeVisible();
  await shot('05-login-deep-link');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/objects$/);
  await page.reload();
  await expect(page).toHaveURL(/\/objects$/);
  await expect(page.getByRole('heading', { name: 'Objects' })).toBeVisible();
});
