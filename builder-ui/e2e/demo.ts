import type { APIRequestContext, Page } from '@playwright/test';
import { expect } from './fixtures';

// The demo people of the default CRM (CRM_DEMO=true in global-setup), all with one password.
export const demoPassword = 'Demo-CRM-2026!';
export const lin = 'lin@demo.example.com'; // sales rep, reports to zhou
export const zhou = 'zhou@demo.example.com'; // sales manager
export const qian = 'qian@demo.example.com'; // support lead

/** A session token of a demo user, for arranging data through the API. */
export async function tokenOf(request: APIRequestContext, email: string): Promise<string> {
  const res = await request.post('/api/auth/login', { data: { email, password: demoPassword } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

/** Calls the API as the holder of token and expects a 2xx; answers the JSON. */
export async function call<T>(
  request: APIRequestContext,
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  data?: unknown,
  headers: Record<string, string> = {},
): Promise<T> {
  const res = await request.fetch(path, { method, data, headers: { Authorization: `Bearer ${token}`, ...headers } });
  expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBeTruthy();
  return (await res.json()) as T;
}

/** Signs a demo user in through the login page; end users land in the work area. */
export async function signInAs(page: Page, email: string) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/app$/);
  await expect(page.getByRole('heading', { name: 'Your work' })).toBeVisible();
}

/** The form item of a field (label, input and its message). */
export function formItem(page: Page, field: string) {
  return page.locator('.ant-form-item').filter({ has: page.locator(`label[for="field-${field}"]`) });
}

/** Picks an option of the open Ant Design select. */
export async function pickOption(page: Page, text: string) {
  await page
    .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${text}$`) })
    .click();
}
