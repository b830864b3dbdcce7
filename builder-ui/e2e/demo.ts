import type { APIRequestContext, Page, TestInfo } from '@playwright/test';
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

/** A record as the API answers it. */
export interface Rec {
  id: string;
  version: number;
  [k: string]: unknown;
}

/**
 * A fresh contract of lin's (the shipped contract_approval sends it to zhou, lin's manager), its
 * name unique to this test and project; submitted for approval with comment when one is given.
 */
export async function linContract(
  request: APIRequestContext,
  info: TestInfo,
  name: string,
  amount: number,
  submitWith?: string,
): Promise<{ contract: Rec; title: string; token: string }> {
  const token = await tokenOf(request, lin);
  const title = `${name} ${info.project.name} ${Date.now()}`;
  const contract = await call<Rec>(request, token, 'POST', '/api/records/contract', {
    name: title,
    amount,
    start_date: '2030-01-01',
    end_date: '2030-12-31',
  });
  if (submitWith !== undefined) {
    await call(request, token, 'POST', `/api/records/contract/${contract.id}/approvals`, { comment: submitWith });
  }
  return { contract, title, token };
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
