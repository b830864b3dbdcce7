import { defineConfig } from '@playwright/test';

// Debian's Chromium, never a downloaded one. The network is closed: without these flags Chromium
// waits on connections it cannot make.
const launchOptions = {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'e2e',
  // Builds crm from this repository; each worker serves it (see e2e/global-setup.ts, e2e/fixtures.ts).
  globalSetup: './e2e/global-setup.ts',
  outputDir: 'test-results/output',
  fullyParallel: true,
  // Two at a time, also on two cores (Playwright's default is half the cores): a test mostly waits
  // on the server and on rendering, and two overlap their waits. Each worker has a server and
  // database of its own (fixtures.ts), so the two never meet.
  workers: 2,
  forbidOnly: !!process.env.CI,
  // One retry: on shared, loaded machines a browser test sometimes loses a race with the clock. A
  // test that passes only on its retry is reported as flaky at the end (failures-reporter.ts).
  retries: 1,
  // A guard against hangs, not a speed limit: alone a test takes 3 to 20 s here, but with other
  // work on the two cores (load 15 to 20) some took 31 to 34 s and failed the 30 s default.
  timeout: 90_000,
  // A wait for the page, not a speed limit either. Traces of failed runs on a loaded machine show
  // the server answering in under 120 ms while the page took 10 to 14 s to render what came back
  // (a record page with eight related lists, a dashboard's charts); CI failed on such waits twice.
  expect: { timeout: 20_000 },
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }], ['./e2e/failures-reporter.ts']],
  use: {
    headless: true,
    launchOptions,
    locale: 'en-US',
    // The app honours the system setting and stops animating menus and dialogs: a click that
    // lands while a menu still slides in can fall between two nodes and be lost.
    reducedMotion: 'reduce',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
    {
      name: 'phone',
      use: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    },
  ],
});
