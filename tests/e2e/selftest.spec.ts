// Every kernel check on Chromium's WebGPU (SwiftShader here) against the CPU reference, through
// the GPU panel's self-test, which users can run too.
import { expect, test } from '@playwright/test';
import { screenshot } from './screenshot';

test('kernel self-test passes in Chromium', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('gpu-adapter')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run GPU self-test' }).click();
  const summary = page.getByTestId('selftest-summary');
  await expect(summary).toBeVisible({ timeout: 170_000 });
  const text = (await summary.textContent()) ?? '';
  console.log(`self-test: ${text}`);
  const [, passed, failed] = /(\d+) passed, (\d+) failed/.exec(text) ?? [];
  expect(Number(failed)).toBe(0);
  expect(Number(passed)).toBeGreaterThanOrEqual(8);
  // saxpy is always among them, with every case passing.
  const saxpyRow = page.getByTestId('selftest').getByRole('row').filter({ hasText: 'saxpy' });
  await expect(saxpyRow).toContainText('9 / 9');
  await screenshot(page, 'gpu-selftest');
});
