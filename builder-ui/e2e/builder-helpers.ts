import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/**
 * Drags source onto target with real pointer moves: @dnd-kit starts a drag only after the pointer
 * has moved a few pixels and follows pointermove events, so the move is made in steps.
 */
export async function drag(page: Page, source: Locator, target: Locator, where: 'center' | 'top-left' = 'center') {
  await source.scrollIntoViewIfNeeded();
  const from = (await source.boundingBox())!;
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(from.x + from.width / 2 + 8, from.y + from.height / 2 + 8, { steps: 4 });
  await target.scrollIntoViewIfNeeded();
  const to = (await target.boundingBox())!;
  const x = where === 'center' ? to.x + to.width / 2 : to.x + 12;
  const y = where === 'center' ? to.y + to.height / 2 : to.y + 10;
  await page.mouse.move(x, y, { steps: 12 });
  await page.mouse.move(x + 1, y + 1, { steps: 2 });
  await page.mouse.up();
}

/** The property panel of the selected field: beside the canvas, or in a drawer on phones. */
export function fieldProps(page: Page): Locator {
  return page.getByTestId('field-properties');
}

/** Closes the phone's property drawer (desktop: nothing to do). */
export async function closeProps(page: Page, phone: boolean) {
  if (!phone) return;
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
  await expect(fieldProps(page)).toBeHidden();
}

/** Chooses an option of the Ant Design select labelled label inside scope. */
export async function choose(page: Page, scope: Locator, label: string, option: string) {
  // The chosen value covers the input: click through it as a user clicking the box would.
  await scope.getByRole('combobox', { name: label, exact: true }).click({ force: true });
  await page
    .locator('.ant-select-dropdown:visible .ant-select-item-option')
    .filter({ hasText: new RegExp(`^${option}$`) })
    .click();
}
