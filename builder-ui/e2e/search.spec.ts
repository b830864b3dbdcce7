import { lin, signInAs } from './demo';
import { expect, expectNoHorizontalOverflow, test } from './fixtures';

test('a rep finds any record from the search box by keyboard, stars it, and finds it again in favourites and recent', async ({
  page,
  phone,
  shot,
}) => {
  await signInAs(page, lin);
  await page.goto('/app');
  await expect(page.getByRole('button', { name: /Search/ })).toBeVisible();
  // Ctrl-K from anywhere opens the search; the second word of a name finds it too.
  await page.keyboard.press('Control+k');
  const box = page.getByRole('combobox', { name: 'Search' });
  await expect(box).toBeFocused();
  await box.fill('soft');
  const results = page.getByRole('listbox', { name: 'Search results' });
  await expect(results.getByRole('group', { name: 'Account' }).getByRole('option')).toContainText(['Acme Software']);
  await expectNoHorizontalOverflow(page);
  await shot('search-results', false);
  // Phone numbers by their digits; the match is shown under the name.
  await box.fill('2055550101');
  await expect(results.getByRole('option').first()).toContainText('Acme Software');
  await expect(results.getByRole('option').first()).toContainText('+86 20 5555 0101');
  await box.fill('acme soft');
  await expect(results.getByRole('option', { name: /Acme Software/ })).toHaveAttribute('aria-selected', 'true');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/app\/account\/\w+$/);
  await expect(page.getByRole('heading', { name: 'Acme Software' })).toBeVisible();

  // Starred: in the navigation's favourites, and offered before anything is typed.
  await page.getByRole('button', { name: 'Add to favourites' }).click();
  await expect(page.getByRole('button', { name: 'Remove from favourites' })).toHaveAttribute('aria-pressed', 'true');
  if (!phone) {
    await expect(page.getByRole('navigation').getByRole('menuitem', { name: 'Acme Software' })).toBeVisible();
  }
  await page.goto('/app/lead');
  await expect(page.getByRole('button', { name: /Search/ })).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(results.getByRole('group', { name: 'Favourites' })).toContainText('Acme Software');
  await expect(results.getByRole('group', { name: 'Recent' })).toContainText('Acme Software');
  await box.press('ArrowDown');
  await box.press('Enter');
  await expect(page.getByRole('heading', { name: 'Acme Software' })).toBeVisible();

  // In Chinese: the box speaks Chinese and finds by a Chinese prefix too.
  await page.getByText('中文', { exact: true }).click();
  await page.keyboard.press('Control+k');
  const zhBox = page.getByRole('combobox', { name: '搜索' });
  await zhBox.fill('zzz-nothing');
  await expect(page.getByText('没有找到与“zzz-nothing”相关的记录')).toBeVisible();
  await shot('search-zh-none', false);
});
