import type { Browser } from '@playwright/test';
import { expect, test } from './fixtures';

// How soon a signed-in user sees the opportunity list's first rows on a cold load (an empty
// browser cache, a fresh tab), measured by the browser's own clock from the start of navigation.
// The figures are reported (annotations and the log), never asserted: the machines are shared.
// What is asserted is what makes them meaningful: the rows come, and the page stays within the
// bundle budget (builder-ui/budget_test.go asserts the budget itself, in bytes).

interface Load {
  firstRowsMs: number;
  scripts: number;
  scriptBytes: number; // bytes on the wire (compressed), as the browser counts them
  // antd component styles written in the browser: the build ships them (vite.config.ts), so none
  // should be, and each one is work on the first page (56 of them, 398 KB, before it did).
  stylesWritten: string[];
}

async function coldLoad(browser: Browser, baseURL: string, token: string, path: string): Promise<Load> {
  // As most users come: motion on (the suite's other tests turn it off, playwright.config.ts).
  const context = await browser.newContext({
    baseURL,
    locale: 'en-US',
    viewport: { width: 1440, height: 900 },
    reducedMotion: 'no-preference',
  });
  await context.addInitScript((t) => localStorage.setItem('crm.token', t), token);
  const page = await context.newPage();
  await page.goto(path);
  await expect(page.locator('.ant-table-tbody tr.ant-table-row').first()).toBeVisible({ timeout: 30_000 });
  const load = await page.evaluate(() => {
    const scripts = performance
      .getEntriesByType('resource')
      .filter((r) => (r as PerformanceResourceTiming).initiatorType === 'script' || r.name.endsWith('.js'));
    return {
      firstRowsMs: Math.round(performance.now()),
      scripts: scripts.length,
      scriptBytes: scripts.reduce((n, r) => n + (r as PerformanceResourceTiming).transferSize, 0),
      stylesWritten: [...document.querySelectorAll('style')]
        .map((s) => s.textContent ?? '')
        .filter((css) => css.includes(':where(.css-'))
        .map((css) => css.slice(0, 80)),
    };
  });
  await context.close();
  return load;
}

test('the opportunity list shows its first rows on a cold load, and says how soon', async ({
  browser,
  baseURL,
  token,
  phone,
}, info) => {
  test.skip(phone, 'measured once, at desktop width');
  test.setTimeout(180_000); // four cold loads; on a loaded machine one took over 10 s
  await coldLoad(browser, baseURL!, token, '/app/opportunity'); // the server's own first answers
  const loads: Load[] = [];
  for (let i = 0; i < 3; i++) loads.push(await coldLoad(browser, baseURL!, token, '/app/opportunity'));
  loads.sort((a, b) => a.firstRowsMs - b.firstRowsMs);
  const median = loads[1];
  expect(median.scripts).toBeGreaterThan(0);
  expect(median.stylesWritten).toEqual([]);
  const line = `first rows ${median.firstRowsMs} ms (median of 3 cold loads, ${loads.map((l) => l.firstRowsMs).join('/')}); ${median.scripts} scripts, ${Math.round(median.scriptBytes / 1024)} KiB on the wire`;
  info.annotations.push({ type: 'first-rows', description: line });
  console.log(line);
});
