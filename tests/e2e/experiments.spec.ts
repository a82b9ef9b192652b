// Stage 1 in the real app, headless Chromium on WebGPU (SwiftShader here): the tiny preset runs
// in the worker with live curves, the Results view charts both methods, the CSV export has one
// row per arm and test set; a bad spec is refused naming the field; a shared link restores the
// spec; screenshots of both views in light and dark themes.
import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './screenshot';

/** RFC 4180 rows (quoted fields may hold commas and doubled quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') field += text[++i];
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field || row.length) rows.push([...row, field]);
  return rows;
}

async function openExperiments(page: Page, hash = '#/experiments'): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByRole('heading', { level: 2, name: 'Experiments', exact: true })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Tiny demo/ })).toBeVisible({ timeout: 30_000 });
}

test('runs the tiny preset on WebGPU, charts both methods and exports the CSV', async ({ page }) => {
  // Budgets ≥ 20× the cost on an idle 2-core machine (the run 8.8 s on SwiftShader, the test 11.7 s).
  test.setTimeout(240_000);
  await openExperiments(page);
  await expect(page.getByTestId('gpu-adapter')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('radio', { name: /Tiny demo/ }).check();
  await page.getByLabel('Backend').selectOption('webgpu');
  await expect(page.getByTestId('run-backend')).toContainText('WebGPU');
  const started = Date.now();
  await page.getByTestId('run-start').click();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  await expect(page.getByTestId('live-chart')).toBeVisible({ timeout: 60_000 });
  await screenshot(page, 'experiments-running');
  await expect(page.getByTestId('run-status')).toContainText('Finished on WebGPU', { timeout: 180_000 });
  console.log(`tiny preset on WebGPU: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  await screenshot(page, 'experiments-finished');

  await page.getByRole('link', { name: 'See the results' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Results', exact: true })).toBeVisible();
  const chart = page.getByTestId('accuracy-chart');
  await expect(chart).toBeVisible();
  // Both methods on the chart's axis, and in the table.
  await expect(chart.locator('.recharts-cartesian-axis-tick-value', { hasText: 'conditional' })).toBeVisible();
  await expect(chart.locator('.recharts-cartesian-axis-tick-value', { hasText: 'marginal' })).toBeVisible();
  await expect(page.getByTestId('results-table')).toContainText('Bradley–Terry');
  await screenshot(page, 'results');

  const download = page.waitForEvent('download');
  await page.getByTestId('export-csv').click();
  const file = await (await download).path();
  const [header, ...rows] = parseCsv(await readFile(file, 'utf8'));
  expect(header.join(',')).toBe('run_id,run_name,seed,backend,adapter,app_version,arm,method,subset,model,set,n,correct,accuracy,ci_low,ci_high,bayes_ceiling,blind_ceiling');
  expect(rows).toHaveLength(6);
  expect(rows.map((r) => `${r[6]}/${r[10]}`).sort()).toEqual(['conditional/cross', 'conditional/generic', 'conditional/unseen', 'marginal/cross', 'marginal/generic', 'marginal/unseen']);
  for (const r of rows) {
    expect(r[3]).toBe('webgpu');
    const [acc, lo, hi] = [Number(r[13]), Number(r[14]), Number(r[15])];
    expect(lo).toBeLessThanOrEqual(acc);
    expect(hi).toBeGreaterThanOrEqual(acc);
  }
  // The persona-blind control sits at 50% on cross-persona pairs (mirrored twins).
  expect(Number(rows.find((r) => r[6] === 'marginal' && r[10] === 'cross')![13])).toBeCloseTo(0.5, 5);

  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'results-dark');
});

test('refuses a bad spec naming the field, and a shared link restores the spec', async ({ page }) => {
  await openExperiments(page);
  await page.getByRole('radio', { name: /^Conditional vs marginal reward model/ }).check();
  const lr = page.getByLabel('Learning rate').first();
  await lr.fill('-1');
  await expect(page.getByTestId('spec-error')).toContainText('arms[0].train.lr');
  await expect(lr).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('run-start')).toBeDisabled();
  await lr.fill('0.002');
  await expect(page.getByTestId('spec-error')).toHaveCount(0);
  await expect(page.getByTestId('run-start')).toBeEnabled();
  const link = await page.getByLabel('Share link (opens this spec)').inputValue();
  expect(link).toContain('#/experiments?spec=');
  await screenshot(page, 'experiments-builder');

  // A fresh page from the link alone.
  await page.goto('about:blank');
  await page.goto(`/${link.slice(link.indexOf('#'))}`);
  await expect(page.getByLabel('Learning rate').first()).toHaveValue('0.002');
  await expect(page.getByLabel('Name')).toHaveValue('conditional-vs-marginal');

  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await screenshot(page, 'experiments-dark');
});

test('every Experiments control is labelled and reachable by keyboard', async ({ page }) => {
  await openExperiments(page);
  const unlabelled = await page.evaluate(() =>
    [...document.querySelectorAll('[data-view="experiments"] input, [data-view="experiments"] select, [data-view="experiments"] textarea, [data-view="experiments"] button')]
      .filter((el) => {
        const e = el as HTMLInputElement;
        const name = e.labels?.length ? e.labels[0].textContent : (e.getAttribute('aria-label') ?? e.textContent);
        return !name || !name.trim();
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unlabelled).toEqual([]);
  // Tab reaches the run button.
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('data-testid') === 'run-start');
  }
  expect(reached).toBe(true);
});

function link(spec: unknown): string {
  return `#/experiments?spec=${Buffer.from(JSON.stringify(spec)).toString('base64url')}`;
}

const tinyData = { source: 'builtin', personas: 60, questionsPerPersona: 6 };
const tinyArm = { label: 'rm', method: { kind: 'reward-model' }, train: { epochs: 2, batchSize: 32, lr: 0.01, logEvery: 2 } };

async function runOnCpu(page: Page, spec: unknown): Promise<void> {
  await page.goto(`/${link(spec)}`);
  await expect(page.getByLabel('Name')).toHaveValue((spec as { name: string }).name);
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toContainText('Finished on the CPU', { timeout: 90_000 });
  await page.getByRole('link', { name: 'See the results' }).click();
}

test('sweeps chart accuracy by subset and leave-one-out importance; records export and import as JSON', async ({ page }) => {
  // Budget ≥ 20× the cost on an idle 2-core machine (9.5 s for both runs and the checks).
  test.setTimeout(240_000);
  await runOnCpu(page, { name: 'tiny subsets', data: tinyData, eval: { maxPairsPerSet: 200 }, arms: [tinyArm], sweep: { kind: 'subsets', arm: 0, subsets: [{ kind: 'preset', name: 'none' }, { kind: 'preset', name: 'demographics' }] } });
  const subsets = page.getByTestId('subset-chart');
  await expect(subsets).toBeVisible();
  for (const name of ['all', 'none', 'demographics']) await expect(subsets.locator('.recharts-cartesian-axis-tick-value', { hasText: new RegExp(`^${name}$`) })).toBeVisible();

  const attributes = ['religion', 'political views', 'fertility'];
  await runOnCpu(page, { name: 'tiny leave-one-out', data: tinyData, eval: { maxPairsPerSet: 200, bootstrap: 200 }, arms: [tinyArm], sweep: { kind: 'leave-one-out', arm: 0, attributes } });
  const importance = page.getByTestId('importance-chart');
  await expect(importance).toBeVisible();
  for (const a of attributes) await expect(importance.locator('.recharts-cartesian-axis-tick-value', { hasText: a })).toBeVisible();
  await screenshot(page, 'results-importance');

  // Export the run as JSON, delete it, import the file: the record comes back.
  const download = page.waitForEvent('download');
  await page.getByTestId('export-json').click();
  const file = await (await download).path();
  const exported = JSON.parse(await readFile(file, 'utf8')) as Array<{ id: string; name: string }>;
  expect(exported.map((r) => r.name)).toEqual(['tiny leave-one-out']);
  await page.getByRole('button', { name: 'Delete tiny leave-one-out' }).click();
  await expect(page.getByTestId('importance-chart')).toHaveCount(0);
  await page.getByLabel('Import JSON…').setInputFiles(file);
  await expect(page.getByTestId('importance-chart')).toBeVisible();
  // A file that is not a run record is refused with a reason.
  await page.getByLabel('Import JSON…').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from('{"recordVersion": 1, "id": "../x"}') });
  await expect(page.getByRole('alert')).toContainText('id must be a run id');
});
