import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** The point a drop aims at: the middle, or the bottom padding below every field ('end'). */
async function aim(target: Locator, where: 'center' | 'end') {
  // Where the target sits without the shift a sorting drag gives it or its section (@dnd-kit aims
  // at that place).
  const to = await target.evaluate((el) => {
    const r = el.getBoundingClientRect();
    let dx = 0;
    let dy = 0;
    for (let e: Element | null = el; e; e = e.parentElement) {
      const t = getComputedStyle(e).transform;
      if (t && t !== 'none') {
        const m = new DOMMatrixReadOnly(t);
        dx += m.m41;
        dy += m.m42;
      }
    }
    return { x: r.x - dx, y: r.y - dy, width: r.width, height: r.height };
  });
  return {
    x: where === 'center' ? to.x + to.width / 2 : to.x + 12,
    y: where === 'center' ? to.y + to.height / 2 : to.y + to.height - 2,
  };
}

/**
 * Drags source onto target with real pointer moves: @dnd-kit starts a drag only after the pointer
 * has moved a few pixels and follows pointermove events, so the move is made in steps. The drop
 * point is first scrolled to the middle of the screen, away from the edges where @dnd-kit scrolls
 * the page by itself, and aimed at again once the page is still.
 */
export async function drag(page: Page, source: Locator, target: Locator, where: 'center' | 'end' = 'center') {
  // To the middle of the screen: "in view" may still be under the sticky header, where a press
  // starts a text selection instead of a drag.
  await source.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const from = (await source.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 8, from.y + from.height / 2 + 8, { steps: 4 });
  const first = await aim(target, where);
  await page.evaluate((y) => window.scrollBy(0, y - window.innerHeight / 2), first.y);
  const middle = await aim(target, where);
  await page.mouse.move(middle.x, middle.y, { steps: 12 });
  await page.waitForTimeout(100);
  const end = await aim(target, where);
  await page.mouse.move(end.x, end.y, { steps: 3 });
  // A person rests a moment before letting go; @dnd-kit settles the target after a render.
  await page.waitForTimeout(150);
  await page.mouse.up();
}

/** The property panel of the selected field: beside the canvas, or in a drawer on phones. */
export function fieldProps(page: Page): Locator {
  return page.getByTestId('field-properties');
}

/** Closes the phone's property drawer (desktop: nothing to do). */
export async function closeProps(page: Page, phone: boolean) {
  if (!phone) return;
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /^(Close|关闭)$/ })
    .click(); // either language
  await expect(fieldProps(page)).toBeHidden();
  // The mask fades out after the drawer: a drag started before would land on it.
  await expect(page.locator('.ant-drawer-mask')).toHaveCount(0);
}

/** Chooses an option of the Ant Design select labelled label inside scope. */
export async function choose(page: Page, scope: Locator, label: string, option: string, search = false) {
  // The chosen value covers the input: click through it as a user clicking the box would.
  const box = scope.getByRole('combobox', { name: label, exact: true });
  // force skips the wait for a still element: wait until a sliding drawer has put it in view.
  await page.waitForFunction(() => !document.querySelector('[class*="-enter-active"]'));
  await box.scrollIntoViewIfNeeded();
  await expect(box).toBeInViewport();
  await box.click({ force: true });
  // A long list renders only what is in view: narrow it by typing, as one would.
  if (search) await box.fill(option);
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) })
    .click();
}

/** Opens a tab of the builder; on phones the tab bar scrolls under the first click, so retry. */
export async function openTab(page: Page, name: string) {
  const tab = page.getByRole('tab', { name, exact: true });
  // The builder first, with time to render: CI twice spent the click loop's 15 s below waiting
  // for the lead's builder (its largest, thirty fields) to show its tabs, on a loaded machine.
  await expect(tab).toBeVisible({ timeout: 45_000 });
  await expect(async () => {
    await tab.click();
    await expect(tab).toHaveAttribute('aria-selected', 'true', { timeout: 1000 });
  }).toPass({ timeout: 15_000 });
}

/**
 * Waits until the builder has saved: the unsaved tag is gone and, when given, the header names
 * the new version. Both stay on the page, unlike the "Saved as version N" toast, which lasts 3 s
 * and was missed on a loaded machine.
 */
export async function expectSaved(page: Page, version?: number) {
  await expect(page.getByText('Unsaved changes', { exact: true })).toBeHidden();
  if (version !== undefined) await expect(page.getByText(`· version ${version}`)).toBeVisible();
}
