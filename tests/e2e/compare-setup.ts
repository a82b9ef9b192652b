// Compare set up for the judge and the audit: two personas answered by the built-in model (shipped
// with the app, so no trained policy is needed), short answers, generated and finished.
import { expect, type Page } from '@playwright/test';

export async function generateBuiltinPair(page: Page, seed?: string, maxTokens = '24'): Promise<void> {
  await expect(page.getByTestId('model-status')).toContainText('built-in', { timeout: 120_000 });
  const twoPersonas = page.getByRole('button', { name: 'Two personas, same model' });
  if ((await twoPersonas.count()) > 0) {
    // The column options load after the catalog and reset the columns: pick until it holds.
    await expect(async () => {
      await twoPersonas.click();
      for (const c of [1, 2]) await page.getByLabel(`Column ${c} model`).selectOption({ label: 'built-in model' });
      for (const c of [1, 2]) await expect(page.getByLabel(`Column ${c} model`).locator('option:checked')).toHaveText('built-in model', { timeout: 2_000 });
    }).toPass({ timeout: 60_000 });
  }
  if (seed !== undefined) await page.getByLabel('Seed').first().fill(seed);
  await page.getByLabel('Max tokens').fill(maxTokens);
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 200_000 });
}
