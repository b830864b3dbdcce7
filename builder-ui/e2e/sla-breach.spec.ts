import { request as apiRequest } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { admin } from './admin';
import { demoPassword } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';
import { startServer, type Server } from './server';

const sun = 'sun@demo.example.com'; // support, the returns skill; reports to qian

// Moving the clock moves it for everyone on a server, so this test has a server of its own,
// built with the test-only clock switch (see global-setup).
let server: Server;
let dataDir: string;
test.beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'crm-e2e-clock-'));
  const log = fileURLToPath(new URL(`../test-results/crm-serve-clock-${process.pid}.log`, import.meta.url));
  server = await startServer(process.env.CRM_E2E_BIN!, join(dataDir, 'data'), log);
});
test.afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

test('a ticket shows a red SLA badge after its breach', async ({ page, shot }) => {
  test.setTimeout(90_000);
  const api = await apiRequest.newContext({ baseURL: server.base });
  const login = async (email: string, password: string) => {
    const res = await api.post('/api/auth/login', { data: { email, password } });
    expect(res.status(), await res.text()).toBe(200);
    return { Authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
  };
  const asSun = await login(sun, demoPassword);
  const created = await api.post('/api/records/ticket', {
    headers: asSun,
    data: { subject: 'Scanner arrived broken', priority: 'vip', category: 'returns', status: 'new' },
  });
  expect(created.status(), await created.text()).toBe(201);
  const ticket = (await created.json()) as { id: string; sla_status: string };
  expect(ticket.sla_status).toBe('running');

  // Twelve business hours are due within three days on the office calendar: move four days on.
  const moved = await api.post('/api/test/clock', {
    headers: await login(admin.email, admin.password),
    data: { advance: '96h' },
  });
  expect(moved.status(), await moved.text()).toBe(200);

  await page.goto(`${server.base}/login`);
  await page.getByLabel('Email').fill(sun);
  await page.getByLabel('Password').fill(demoPassword);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/app$/);
  await page.goto(`${server.base}/app/ticket/${ticket.id}`);
  await expect(page.getByRole('heading', { name: 'Scanner arrived broken' })).toBeVisible();
  const badge = page.getByTestId('sla-first_response');
  await expect(badge).toHaveAttribute('data-status', 'breached');
  await expect(badge).toContainText('First response: breached');
  await expect(badge).toHaveClass(/ant-tag-red/);
  await expectNoHorizontalOverflow(page);
  await shot('90-ticket-breached');

  // The breach told the owner: the bell counts it.
  const notes = await api.get('/api/notifications', { headers: asSun });
  expect(JSON.stringify(await notes.json())).toContain('Scanner arrived broken');
  await api.dispose();
});
