// Stage 2 in the real app, headless Chromium: a toy DPO policy (one arm, 8 pairs, 2 steps, 4
// personas judged, on the cpu backend: the toy run took 12-36 s on the loaded 2-core machine,
// 147 s on SwiftShader's WebGPU, so WebGPU is left to the Experiments spec) is trained from the
// Policies view; its live curves, win rates with intervals per persona set, final TRL metrics and
// CSV export are checked, and axe finds no serious or critical violation (empty, results light
// and dark); a bad value is refused under the field it names; the share link restores the spec;
// the run survives a reload (IndexedDB); a cancelled run, and one whose tab was reloaded while it
// ran, resume to the end. Screenshots light and dark.
import { readFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { loadToySpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

/** RFC 4180 rows (quoted fields hold commas: the method reads "DPO (sigmoid, β 0.1; both pairs)"). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === '\n') {
      rows[rows.length - 1].push(field);
      field = '';
      if (c === '\n') rows.push([]);
    } else field += c;
  }
  rows[rows.length - 1].push(field);
  return rows;
}

test('trains a toy DPO policy on the cpu backend: curves, win rates, export, reload, share link', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await expect(page.getByRole('link', { name: 'Policies' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('policy-empty')).toContainText('Nothing trained yet');
  await screenshot(page, 'policies-empty');
  const empty = await seriousViolations(page);
  expect(empty, describeFindings('policies (empty)', empty)).toEqual([]);

  // A bad hyper-parameter is refused under its own field, and Run waits for a valid spec.
  const beta = page.getByLabel('β (beta)').first();
  await beta.fill('-1');
  await expect(page.getByTestId('field-error').first()).toContainText('must be');
  await expect(beta).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('policy-spec-error')).toContainText('arms[0].method.beta');
  await expect(page.getByTestId('policy-run-start')).toBeDisabled();
  await screenshot(page, 'policies-field-error');

  await loadToySpec(page);
  const share = await page.getByLabel('Share link (opens this spec)').inputValue();
  expect(share).toContain('#/policies?spec=');

  await page.getByLabel('Backend').selectOption('cpu');
  const started = Date.now();
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  await expect(page.getByTestId('live-chart')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByText(/left/).first()).toBeVisible();
  await screenshot(page, 'policies-running');
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  console.log(`toy DPO policy on the cpu backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // Curves: both logged steps of the arm under TRL's names; results per judge.
  const steps = JSON.parse((await page.getByTestId('live-chart').getAttribute('data-steps')) ?? '{}') as Record<string, number[]>;
  expect(steps['conditional DPO']).toEqual([1, 2]);
  await expect(page.getByText('Training accuracy (rewards/accuracies)')).toBeVisible();
  const truth = page.getByTestId('policy-truth-table');
  await expect(truth.locator('tbody tr')).toHaveCount(2);
  for (const set of ['seen', 'unseen']) await expect(truth.locator(`tr[data-set="${set}"] [data-testid="win-rate"]`)).toHaveText(/^\d+% \[\d+%, \d+%\]$/);
  await expect(page.getByTestId('policy-final-metrics')).toContainText('rewards/margins');
  await expect(page.getByTestId('policy-rm-judge')).toContainText('No verdict');
  await expect(page.getByTestId('policy-skew-empty')).toBeVisible();
  await screenshot(page, 'policies-finished');
  const light = await seriousViolations(page);
  expect(light, describeFindings('policies (results, light)', light)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'policies-finished-dark');
  const dark = await seriousViolations(page);
  expect(dark, describeFindings('policies (results, dark)', dark)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to light theme' }).click();

  // CSV export: one row per persona set, the win rate as in the table.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^CSV of toy DPO/ }).click()]);
  const csv = parseCsv((await readFile((await dl.path())!, 'utf8')).trim());
  expect(csv).toHaveLength(3);
  const header = csv[0];
  const seenRow = csv.find((r) => r[header.indexOf('set')] === 'seen')!;
  expect(seenRow[header.indexOf('arm')]).toBe('conditional DPO');
  const shownRate = (await truth.locator('tr[data-set="seen"] [data-testid="win-rate"]').innerText()).split('%')[0];
  expect(Math.round(100 * Number(seenRow[header.indexOf('vs_base')]))).toBe(Number(shownRate));

  // Kept across a reload, and the share link restores the spec in a fresh page.
  await page.reload();
  await expect(page.getByTestId('policy-run-list')).toContainText('toy DPO');
  await expect(page.getByTestId('policy-results')).toContainText('toy DPO');
  const other = await page.context().newPage();
  await other.goto(share);
  await expect(other.getByLabel('Name', { exact: true })).toHaveValue('toy DPO');
  await expect(other.getByLabel('Seed', { exact: true })).toHaveValue('3');
  await other.close();
});

test('a cancelled policy run is kept and resumes to the end', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadToySpec(page);
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  await page.getByTestId('policy-run-cancel').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Cancelled', { timeout: 300_000 });
  const item = page.getByTestId('policy-run-list').locator('li').first();
  await expect(item).toContainText('toy DPO');
  await expect(item.getByTestId('policy-run-state')).toHaveText('cancelled');
  await item.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  await expect(item.getByTestId('policy-run-state')).toHaveText('done');
  await expect(page.getByTestId('policy-truth-table').locator('tbody tr')).toHaveCount(2);
});

test('a policy run interrupted by a reload is offered for resuming and finishes', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadToySpec(page);
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('policy-run-start').click();
  const item = page.getByTestId('policy-run-list').locator('li').first();
  await expect(item.getByTestId('policy-run-state')).toHaveText('running now', { timeout: 120_000 });
  await page.reload();
  await expect(item).toContainText('toy DPO');
  await expect(item.getByTestId('policy-run-state')).toHaveText('interrupted (the tab closed while it ran)');
  await screenshot(page, 'policies-interrupted');
  await item.getByRole('button', { name: /^Resume/ }).click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  await expect(item.getByTestId('policy-run-state')).toHaveText('done');
  await expect(page.getByTestId('policy-truth-table').locator('tbody tr')).toHaveCount(2);
});
