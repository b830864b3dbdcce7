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

/**
 * Grants a role what it may do on an object (a new object grants non-admins nothing), keeping the
 * role's other grants; tests in other workers change roles too, so it retries on a version conflict.
 */
export async function grant(
  request: APIRequestContext,
  token: string,
  role: string,
  object: string,
  perm: Record<string, boolean>,
): Promise<void> {
  const auth = { Authorization: `Bearer ${token}` };
  for (let attempt = 0; ; attempt++) {
    const got = await request.get(`/api/roles/${role}`, { headers: auth });
    expect(got.ok(), await got.text()).toBeTruthy();
    const r = (await got.json()) as { version: number; objects: Record<string, unknown> };
    const res = await request.put(`/api/roles/${role}`, {
      headers: { ...auth, 'If-Match': `"${r.version}"` },
      data: { ...r, objects: { ...r.objects, [object]: perm } },
    });
    if (res.status() === 409 && attempt < 5) continue;
    expect(res.ok(), `PUT /api/roles/${role}: ${await res.text()}`).toBeTruthy();
    return;
  }
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

/**
 * Drags a card onto a column with real pointer moves. A column out of view is reached as on a
 * phone: the board is scrolled while the card is held (the columns' rects that @dnd-kit measured
 * at the start then no longer hold), and the card is dropped where the column shows now.
 */
export async function dragCard(page: Page, cardText: string, to: string) {
  const card = page.getByTestId('kanban-card').filter({ hasText: cardText });
  const target = page.getByTestId(`kanban-column-${to}`);
  await card.scrollIntoViewIfNeeded();
  const c = (await card.boundingBox())!;
  const y = c.y + c.height / 2;
  await page.mouse.move(c.x + c.width / 2, y);
  await page.mouse.down();
  await page.mouse.move(c.x + c.width / 2 + 12, y + 4, { steps: 4 });
  await target.evaluate((col: HTMLElement) => {
    const el = col.parentElement!;
    el.scrollLeft = col.offsetLeft - el.offsetLeft - (el.clientWidth - col.offsetWidth) / 2;
  });
  // Where the pointer goes the board may scroll on by itself (auto-scroll near its edge): follow
  // the column until it holds still under the pointer.
  for (let i = 0; i < 10; i++) {
    const t = (await target.boundingBox())!;
    await page.mouse.move(t.x + t.width / 2, t.y + 80, { steps: 5 });
    await page.waitForTimeout(150);
    if (Math.abs((await target.boundingBox())!.x - t.x) < 1) break;
  }
  await page.mouse.up();
}
