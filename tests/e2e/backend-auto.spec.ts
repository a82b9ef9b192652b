// "Auto" and resuming, in the real app on a software adapter (SwiftShader here): Auto measures
// both backends and sends the headline preset to the CPU backend, saying why with the numbers; a
// run interrupted by a reload shows in the Experiments view, resumes on the backend it ran on
// (the selector is back at Auto after the reload), and its live curve keeps the part drawn before
// the reload; the record lists that one backend.
import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './screenshot';

async function openHeadline(page: Page): Promise<void> {
  await page.goto('/#/experiments');
  await expect(page.getByRole('heading', { level: 2, name: 'Experiments', exact: true })).toBeVisible();
  await page.getByRole('radio', { name: /^Conditional vs marginal reward model/ }).check();
  await expect(page.getByLabel('Name')).toHaveValue('conditional-vs-marginal');
}

async function steps(page: Page): Promise<Record<string, number[]>> {
  const raw = await page.getByTestId('live-chart').getAttribute('data-steps');
  return JSON.parse(raw ?? '{}') as Record<string, number[]>;
}

test('on a software adapter, Auto picks the CPU backend for the headline preset and says why', async ({ page }) => {
  test.setTimeout(180_000);
  await openHeadline(page);
  await expect(page.getByTestId('gpu-adapter')).toContainText(/SwiftShader|software/i, { timeout: 60_000 });
  await expect(page.getByLabel('Backend')).toHaveValue('auto');
  const advice = page.getByTestId('backend-advice');
  await expect(advice).toContainText('Auto picks the CPU backend', { timeout: 120_000 });
  const text = (await advice.textContent()) ?? '';
  console.log(`Auto's advice: ${text}`);
  // The reason gives both step times and the adapter, and the CPU ran the WebAssembly kernel.
  expect(text).toMatch(/training step takes [\d.]+ ms on the CPU backend and [\d.]+ ms on WebGPU \(.*(SwiftShader|software)/i);
  expect(text).toMatch(/the CPU is [\d.]+× faster/);
  expect(text).toContain('WebAssembly SIMD matmul');
  await screenshot(page, 'experiments-auto-advice');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'experiments-auto-advice-dark');

  // The calibration is kept: a reload reads it from the cache (no new measuring).
  await page.reload();
  await page.getByRole('radio', { name: /^Conditional vs marginal reward model/ }).check();
  await expect(advice).toContainText('kept for this adapter', { timeout: 60_000 });
});

test('a reload mid-run: the run shows in Experiments, resumes on its backend, the curve keeps its start', async ({ page }) => {
  test.setTimeout(420_000);
  await openHeadline(page);
  await expect(page.getByTestId('backend-advice')).toContainText('Auto picks the CPU backend', { timeout: 120_000 });
  await page.getByTestId('run-start').click();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  // Past the first checkpoint (every 50 steps; a point every 25).
  await expect.poll(async () => ((await page.getByTestId('live-chart').count()) ? ((await steps(page)).conditional?.length ?? 0) : 0), { timeout: 240_000, intervals: [2000] }).toBeGreaterThanOrEqual(3);
  const before = (await steps(page)).conditional;
  console.log(`before the reload: conditional logged steps ${before.join(', ')}`);

  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Experiments', exact: true })).toBeVisible();
  await expect(page.getByLabel('Backend')).toHaveValue('auto');
  const stopped = page.getByTestId('interrupted-runs');
  await expect(stopped).toContainText('conditional-vs-marginal', { timeout: 30_000 });
  await expect(stopped).toContainText('interrupted');
  await expect(stopped).toContainText('ran on the CPU');
  await screenshot(page, 'experiments-interrupted');
  await stopped.getByRole('button', { name: /Resume on the CPU/ }).first().click();

  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  // The curve drawn before the reload is there from the start, and it grows past the resume point.
  await expect(page.getByTestId('live-chart')).toBeVisible();
  const resumedAt = await steps(page);
  expect(resumedAt.conditional[0]).toBe(before[0]);
  const last = before[before.length - 1];
  await expect.poll(async () => Math.max(...((await steps(page)).conditional ?? [0])), { timeout: 240_000, intervals: [2000] }).toBeGreaterThan(last);
  const after = (await steps(page)).conditional;
  console.log(`after resuming: conditional logged steps ${after.join(', ')}`);
  expect(after[0]).toBe(before[0]);
  // Each step once, in order (points logged again from the checkpoint replace, not duplicate).
  expect(after).toEqual([...new Set(after)].sort((a, b) => a - b));
  await screenshot(page, 'experiments-resumed');

  await page.getByTestId('run-cancel').click();
  await expect(page.getByTestId('run-status')).toContainText('Cancelled', { timeout: 60_000 });
  await page.getByRole('link', { name: 'Results', exact: true }).click();
  const row = page.locator('tr', { hasText: 'conditional-vs-marginal' }).first();
  await expect(row.getByTestId('run-backends')).toHaveText('CPU');
  await expect(row).toContainText('cancelled');
  // The arm table agrees with the run: no "running" beside a stopped run.
  await expect(page.getByTestId('results-table')).not.toContainText('running');
  await screenshot(page, 'results-cancelled-run');
});
