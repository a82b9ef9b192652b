// Every kernel check on Chromium's WebGPU (SwiftShader here) against the CPU reference, through
// the GPU panel's self-test, which users can run too.
import { expect, test } from '@playwright/test';
import { screenshot } from './screenshot';

test('kernel self-test passes in Chromium', async ({ page }) => {
  // Budgets ≥ 20× the cost on an idle 2-core machine (self-test 17.6 s, whole test 21.8 s): every
  // kernel on SwiftShader, which shares the CPU with whatever else runs.
  test.setTimeout(480_000);
  await page.goto('/');
  await expect(page.getByTestId('gpu-adapter')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Run GPU self-test' }).click();
  const summary = page.getByTestId('selftest-summary');
  await expect(summary).toBeVisible({ timeout: 360_000 });
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
