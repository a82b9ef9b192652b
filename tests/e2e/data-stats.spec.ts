// The Data view's split numbers are the headline preset's and say which settings they show: the
// built-in data's test pairs with 4 cross-persona partners per row (19,036 cross pairs, what a
// conditional-vs-marginal run records), with every set's ceiling; screenshots light and dark.
import { expect, test } from '@playwright/test';
import { screenshot } from './screenshot';

test('Data view statistics name their split and match the headline preset', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/#/data');
  const stats = page.getByTestId('dataset-stats');
  await expect(stats).toBeVisible({ timeout: 90_000 });
  await expect(page.getByTestId('stats-settings')).toContainText('4 cross-persona partners per row');
  await expect(page.getByTestId('stats-settings')).toContainText('science presets');
  await expect(stats).toContainText('19,036 cross');
  const ceilings = page.getByRole('table', { name: 'Noise ceilings' });
  for (const set of ['generic vs tailored', 'cross-persona', 'unseen personas']) await expect(ceilings).toContainText(set);
  await expect(ceilings).toContainText('87.3%');
  await page.getByTestId('dataset-summary').scrollIntoViewIfNeeded();
  await screenshot(page, 'data-stats');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await screenshot(page, 'data-stats-dark');
});
