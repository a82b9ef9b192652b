// Every kernel check on Chromium's WebGPU (SwiftShader here) against the CPU reference, through
// the GPU self-test page that users can open too.
import { expect, test } from '@playwright/test';

test('kernel self-test passes in Chromium', async ({ page }) => {
  await page.goto('/selftest.html');
  const outcome = await page
    .waitForFunction(() => window.__selftest, undefined, { timeout: 170_000 })
    .then((h) => h.jsonValue());
  if (!outcome) throw new Error('the self-test page reported nothing');
  expect(outcome.error).toBeUndefined();
  expect(outcome.adapter.length).toBeGreaterThan(0);
  const saxpy = outcome.results.filter((r) => r.kernel === 'saxpy');
  expect(saxpy.length).toBeGreaterThanOrEqual(8);
  const failed = outcome.results.filter((r) => !r.ok);
  expect(failed, JSON.stringify(failed, null, 1)).toEqual([]);
  console.log(`self-test on ${outcome.adapter}: ${outcome.results.length} cases passed`);
});
