// Without WebGPU the app still loads and says, in words, that the CPU backend will be used (the
// GPU panel, and Auto in the Experiments view).
import { expect, test } from '@playwright/test';
import { CHROMIUM_ARGS, findChrome } from '../../scripts/chrome.mjs';
import { screenshot } from './screenshot';

test.use({
  launchOptions: {
    executablePath: findChrome(),
    // The same browser with WebGPU switched off: navigator.gpu is gone.
    args: [...CHROMIUM_ARGS.filter((a) => a !== '--enable-unsafe-webgpu'), '--disable-blink-features=WebGPU'],
  },
});

test('explains the CPU fallback when WebGPU is missing', async ({ page }) => {
  await page.goto('/');
  const panel = page.getByTestId('gpu-unavailable');
  await expect(panel).toBeVisible({ timeout: 60_000 });
  await expect(panel).toContainText('CPU backend');
  await expect(panel).toContainText(/WebGPU is not available/);
  await expect(page.getByRole('heading', { level: 2, name: 'Data', exact: true })).toBeVisible();
  await screenshot(page, 'gpu-unavailable');

  // Auto says where runs go, and why, without measuring a GPU that is not there.
  await page.getByRole('link', { name: 'Experiments', exact: true }).click();
  const advice = page.getByTestId('backend-advice');
  await expect(advice).toContainText('Auto picks the CPU backend', { timeout: 60_000 });
  await expect(advice).toContainText('No WebGPU here');
  await expect(advice).toContainText('no WebGPU.');
});
