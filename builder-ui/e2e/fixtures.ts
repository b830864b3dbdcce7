import { test as base, expect, type Page } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { admin } from './admin';
import { startServer, type Server } from './server';

const results = fileURLToPath(new URL('../test-results/', import.meta.url));
const shots = join(results, 'screenshots/');

interface Fixtures {
  /**
   * Saves a full-page screenshot as test-results/screenshots/<project>/<name>.png; only the
   * viewport with fullPage false (a full-page capture resizes the window, which may close what
   * is open, such as a suggestion list).
   */
  shot: (name: string, fullPage?: boolean) => Promise<void>;
  /** A fresh API session token of the admin. */
  token: string;
  phone: boolean;
  /** Fails the test on a script error or a console error (a CSP refusal, a React warning). */
  cleanConsole: void;
}

interface WorkerFixtures {
  /**
   * This worker's own `crm serve` (the binary global-setup built) on an empty data dir: the
   * default CRM with its demo people and records. A worker runs its tests one at a time, so no
   * two tests share a server at once: sign-ins, lockouts, settings and definitions stay theirs.
   */
  server: Server;
}

export const test = base.extend<Fixtures, WorkerFixtures>({
  server: [
    // Playwright reads a fixture's dependencies from its first parameter's pattern: an empty one is none.
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, info) => {
      const dir = mkdtempSync(join(tmpdir(), 'crm-e2e-data-'));
      // Named by workerIndex, never reused: a worker that failed is replaced, and its log stays.
      const log = join(results, `crm-serve-${info.workerIndex}.log`);
      const server = await startServer(process.env.CRM_E2E_BIN!, join(dir, 'data'), log);
      await use(server);
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker', timeout: 60_000 },
  ],
  baseURL: async ({ server }, use) => use(server.base),
  // The tests read English unless they switch: as if each tester had chosen English once (the demo
  // people's profiles say zh-CN, which the app otherwise follows).
  page: async ({ page }, use) => {
    await page.addInitScript(() => {
      // Also runs in frames; a sandboxed one (the email preview's) has no storage and throws.
      try {
        if (!localStorage.getItem('crm.locale')) localStorage.setItem('crm.locale', 'en');
      } catch {
        // not the app's frame
      }
    });
    await use(page);
  },
  shot: async ({ page }, use, info) => {
    await use(async (name, fullPage = true) => {
      // From the top: a full-page capture of a scrolled page draws sticky headers mid-page.
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({
        path: `${shots}${info.project.name}/${name}.png`,
        fullPage,
        animations: 'disabled',
      });
    });
  },
  token: async ({ request }, use) => {
    const res = await request.post('/api/auth/login', { data: admin });
    expect(res.status()).toBe(200);
    await use(((await res.json()) as { token: string }).token);
  },
  // eslint-disable-next-line no-empty-pattern -- no dependencies, as for baseURL
  phone: async ({}, use, info) => use(info.project.name === 'phone'),
  cleanConsole: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        // Answers such as 401 or a mocked 503 are logged by the browser itself; they are expected.
        // The email preview's iframe is sandboxed without scripts on purpose: a screenshot with
        // animations disabled injects into every frame and is refused there, which Chromium logs.
        const sandboxed = m.text().startsWith("Blocked script execution in 'about:srcdoc'");
        if (m.type() === 'error' && !m.text().startsWith('Failed to load resource') && !sandboxed)
          errors.push(m.text());
      });
      await use();
      expect(errors, 'errors in the browser console').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

/** Signs in through the login page and waits for the Objects page. */
export async function signIn(page: Page) {
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page).toHaveURL(/\/objects$/);
  await expect(page.getByRole('heading', { name: 'Objects' })).toBeVisible();
}

/** Nothing on the page is wider than the viewport. */
export async function expectNoHorizontalOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
  }));
  expect(scrollWidth, 'page scroll width').toBeLessThanOrEqual(innerWidth);
}
