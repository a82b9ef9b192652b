// The Models of preference view in the real app, headless Chromium: the empty state says what to
// do; the builtin-tiny analysis preset (120 personas, every part: about 15-26 s in Node on the
// loaded 2-core machine; it computes on the CPU in a worker thread, so SwiftShader plays no part)
// is cancelled mid-run, then run to the end from the view; every plot is drawn with its axes, its
// one-line reading and its table; axe finds no serious or critical violation (empty, results
// light and dark); the run survives a reload (IndexedDB) and exports the CLI's JSON and CSV.
// Screenshots light and dark: test-output/screenshots/models-*.png.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { screenshot } from './screenshot';

const FIGURES = ['fits', 'reliability', 'information', 'em-k', 'em-types', 'em-crosstab', 'few-shot', 'axes'] as const;

async function openModels(page: Page): Promise<void> {
  await page.goto('/#/models');
  await expect(page.getByRole('heading', { level: 2, name: 'Models of preference', exact: true })).toBeVisible();
  const guide = page.getByTestId('guide-dismiss');
  if (await guide.isVisible()) await guide.click();
  await expect(page.getByRole('radio', { name: /Built-in world, tiny/ })).toBeChecked({ timeout: 30_000 });
}

test('runs the tiny analysis from the view and draws every plot with its reading and table', async ({ page }) => {
  test.setTimeout(600_000);
  await openModels(page);
  await expect(page.getByTestId('mop-empty')).toContainText('press Run analysis');
  await expect(page.getByRole('radio', { name: /OpinionQA sample/ })).toBeDisabled();
  await expect(page.getByTestId('mop-run-backend')).toContainText('CPU');
  await screenshot(page, 'models-empty');
  const empty = await seriousViolations(page);
  expect(empty, describeFindings('models (empty, light)', empty)).toEqual([]);

  // Cancel: the thread is ended mid-run and the run is kept as cancelled.
  await page.getByTestId('mop-run-start').click();
  await expect(page.getByRole('status').filter({ hasText: /conditional:|multi-objective:|data:/ })).toBeVisible({ timeout: 120_000 });
  await page.getByTestId('mop-run-cancel').click();
  await expect(page.getByTestId('mop-run-status')).toContainText('Cancelled', { timeout: 30_000 });
  await expect(page.getByTestId('mop-run-state').first()).toHaveText('cancelled');

  // The whole run.
  const t0 = Date.now();
  await page.getByTestId('mop-run-start').click();
  await expect(page.getByTestId('mop-run-status')).toContainText('Finished', { timeout: 400_000 });
  console.log(`builtin-tiny in the app: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await expect(page.getByTestId('mop-summary')).toContainText('Seed 1');
  await expect(page.getByTestId('mop-checks').locator('li')).toHaveCount(5);
  for (const id of FIGURES) {
    const fig = page.getByTestId(`mop-${id}`);
    await expect(fig).toBeVisible();
    await expect(fig.locator('svg.mop-svg').first()).toBeVisible();
    // Axes with units: every chart's axis labels name what is measured.
    await expect(fig.locator('.mop-axis-label').first()).not.toHaveText('');
    await expect(page.getByTestId(`mop-${id}-reading`)).toHaveText(/\d/);
  }
  await expect(page.getByTestId('mop-fits-reading')).toHaveText(/^The all-attribute fit gains \+0\.\d\d nats per comparison \[0\.\d\d, 0\.\d\d\] over the marginal fit/);
  await expect(page.getByTestId('mop-reliability-reading')).toContainText('Expected calibration error 0.0');
  await expect(page.getByTestId('mop-few-shot-reading')).toContainText('With k = 8');
  // The tables hold every number drawn: 33 attributes, 6 values of k (+ conditional, Bayes).
  await expect(page.getByTestId('mop-information-table').locator('tbody tr')).toHaveCount(33);
  await expect(page.getByTestId('mop-few-shot-table').locator('tbody tr')).toHaveCount(8);
  await expect(page.getByTestId('mop-em-k-table').locator('tbody tr')).toHaveCount(3);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
  await screenshot(page, 'models-finished');
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = true)));
  const light = await seriousViolations(page);
  expect(light, describeFindings('models (results, light)', light)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await seriousViolations(page);
  expect(dark, describeFindings('models (results, dark)', dark)).toEqual([]);
  await page.evaluate(() => document.querySelectorAll('details').forEach((d) => (d.open = false)));
  await screenshot(page, 'models-finished-dark');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();

  // Exports: the record as the CLI writes it, and its long CSV.
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^JSON of Built-in world, tiny/ }).first().click()]);
  const record = JSON.parse(await readFile((await json.path())!, 'utf8'));
  expect(record.spec.preset).toBe('builtin-tiny');
  expect(record.spec.seed).toBe(1);
  expect(record.conditional.perAttribute).toHaveLength(33);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^CSV of Built-in world, tiny/ }).first().click()]);
  const lines = (await readFile((await csv.path())!, 'utf8')).trim().split('\n');
  expect(lines[0]).toBe('part,item,metric,value,lo,hi');
  const gain = lines.find((l) => l.startsWith('conditional,all - marginal / cross,log-likelihood gain'))!;
  expect(Number(gain.split(',')[3])).toBeCloseTo(record.conditional.allVsMarginal.logLik.value, 9);

  // Kept across a reload: the finished run is shown again.
  await page.reload();
  await expect(page.getByTestId('mop-results')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('mop-run-state')).toHaveText([/^finished in /, 'cancelled']);
});
