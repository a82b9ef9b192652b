// The online methods in the Policies view, real app, headless Chromium, cpu backend, toy sizes
// (the built-in model as base on a 16-persona world, 4 personas judged; each run 13-25 s in the
// app on the loaded 2-core machine):
// 1. iterative DPO, 3 iterations of 4 prompts × 2 samples labelled by the reward model the arm
//    trains on the run's pairs: the builder shows the method's own fields; the curves are DPO's
//    and objective/scores; the arm names its reward model; the iteration chart, the score chart,
//    the table (iteration 0 included, the paired change of utility from iteration 1, the reward
//    model's score of the same evaluation answers with its paired change) and the
//    reading computed from the record; the record exported as JSON, deleted and imported again
//    (a malformed file refused, its text shown as text);
// 2. PPO and RLOO: their curves under TRL's names (the value loss PPO's alone), each arm's reward
//    model, a bad KL coefficient refused under its field;
// 3. iterative DPO labelled and judged by a Stage-1 reward model trained first in the Experiments
//    view: the arm and the judges name the run, the reward-hacking gap per set as the RM table's.
// axe finds no serious or critical violation (light and dark); screenshots light and dark.
import { readFile, writeFile } from 'node:fs/promises';
import { expect, test } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { loadSpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

const TOY_ITERATIVE = {
  name: 'toy iterative DPO',
  seed: 3,
  base: { kind: 'builtin' },
  data: { source: 'builtin', personas: 16, questionsPerPersona: 4 },
  arms: [
    {
      label: 'iterative DPO',
      conditioning: { kind: 'preset', name: 'demographics' },
      method: { kind: 'iterative-dpo', iterations: 3, samplesPerPrompt: 2, beta: 0.1 },
      train: { epochs: 1, batchSize: 4, maxPairs: 4, maxLength: 256, logEvery: 1 },
    },
  ],
  eval: { seenPersonas: 2, unseenPersonas: 2, questionsPerPersona: 1, maxNewTokens: 64, batchSize: 4 },
};

test('a toy iterative DPO run: its curves, reward model, iteration chart and reading; its record exported and imported again', async ({ page }, info) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadSpec(page, TOY_ITERATIVE);
  // The builder shows the online method with its own fields (not offline DPO's pairs).
  await expect(page.getByLabel('Method', { exact: true })).toHaveValue('iterative-dpo');
  await expect(page.getByRole('spinbutton', { name: 'Iterations' })).toHaveValue('3');
  await expect(page.getByLabel('Pairs', { exact: true })).toHaveCount(0);
  await expect(page.getByRole('textbox', { name: 'Reward model (a Stage-1 run id, or RUN#ARM)' })).toHaveValue('');
  await page.getByLabel('Backend').selectOption('cpu');
  const started = Date.now();
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByRole('progressbar', { name: 'Run progress' })).toBeVisible();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  console.log(`toy iterative DPO on the cpu backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // Curves: one point per iteration's DPO step, DPO's metrics and the iteration's mean sample score.
  const chart = page.getByTestId('live-chart');
  const steps = JSON.parse((await chart.getAttribute('data-steps')) ?? '{}') as Record<string, number[]>;
  expect(steps['iterative DPO']).toEqual([1, 2, 3]);
  const metrics = ((await chart.getAttribute('data-metrics')) ?? '').split(' ');
  expect(metrics).toEqual(expect.arrayContaining(['loss', 'rewards/accuracies', 'objective/scores']));
  expect(metrics).not.toContain('loss/value_avg');
  await expect(chart.getByText("Reward model's score of the samples (objective/scores)")).toBeVisible();

  // The arm names the reward model it trained; the run's judges are listed.
  await expect(page.getByTestId('policy-arm-reward-model')).toContainText('Reward model: conditional bag-of-features reward model trained in this run');
  await expect(page.getByTestId('policy-judges')).toContainText('the truth');

  // The iterations: both charts, a row per iteration 0..3, and the reading from the record's numbers.
  const its = page.getByTestId('policy-iterations');
  await expect(its.getByTestId('policy-iteration-chart')).toBeVisible();
  await expect(its.getByTestId('policy-iteration-score-chart')).toBeVisible();
  const rows = its.getByTestId('policy-iterations-table').locator('tbody tr');
  await expect(rows).toHaveCount(4);
  const u0 = (await rows.nth(0).getByTestId('policy-iteration-utility').innerText()).split(' ')[0];
  const u3 = (await rows.nth(3).getByTestId('policy-iteration-utility').innerText()).split(' ')[0];
  const reading = its.getByTestId('policy-iteration-reading');
  await expect(reading).toContainText(/^True utility .* over 3 iterations/);
  await expect(reading).toContainText(u0 === u3 ? `stayed at ${u3}` : `${u0} → ${u3}`);
  // The reward model on the same evaluation answers: its mean at the start, then with its paired change.
  await expect(reading).toContainText("the reward model's score of the same answers");
  await expect(rows.nth(0).getByTestId('policy-iteration-eval-score')).toHaveText(/^−?\d[\d.]*$/);
  await expect(rows.nth(3).getByTestId('policy-iteration-eval-score')).toContainText(/^−?\d[\d.]* \(−?\d\.\d\d \[−?\d\.\d\d, −?\d\.\d\d\]\)$/);
  await expect(its.getByTestId('policy-iteration-score-chart').getByText("Reward model's mean score of the evaluation answers (the truth's prompts)")).toBeVisible();
  // The paired change of utility on the same prompts: none for the start, then against the previous iteration.
  await expect(rows.nth(0).getByTestId('policy-iteration-change')).toHaveText('–');
  await expect(rows.nth(3).getByTestId('policy-iteration-change')).toContainText(/\] · \d+ rose, \d+ fell/);
  if (u0 !== u3) await expect(reading).toContainText('(paired change ');

  await its.scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-iterations');
  const light = await seriousViolations(page);
  expect(light, describeFindings('policies (iterative DPO, light)', light)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'policies-iterations-dark');
  const dark = await seriousViolations(page);
  expect(dark, describeFindings('policies (iterative DPO, dark)', dark)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to light theme' }).click();

  // The record travels as JSON: exported, deleted, imported again, it shows the same iterations.
  // A file that is not a policy record (script in its id) is refused with a message shown as text.
  const list = page.getByTestId('policy-run-list');
  const readingText = await reading.innerText();
  const [download] = await Promise.all([page.waitForEvent('download'), list.getByRole('button', { name: 'JSON of toy iterative DPO' }).click()]);
  const file = info.outputPath('toy-iterative.json');
  await download.saveAs(file);
  const record = JSON.parse(await readFile(file, 'utf8'));
  expect(record).toMatchObject({ kind: 'policy', recordVersion: 1, name: 'toy iterative DPO' });
  await list.getByRole('button', { name: 'Delete toy iterative DPO' }).click();
  await expect(list.getByRole('button', { name: 'Show toy iterative DPO' })).toHaveCount(0);
  const bad = info.outputPath('bad.json');
  await writeFile(bad, JSON.stringify({ ...record, id: '<img src=x onerror="window.__pwned=1">' }));
  await page.getByTestId('policy-import').setInputFiles(bad);
  await expect(page.getByRole('alert').filter({ hasText: 'id must be a run id' })).toContainText('<img src=x onerror=');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  await page.getByTestId('policy-import').setInputFiles(file);
  await expect(page.getByRole('button', { name: 'Show toy iterative DPO' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('policy-iterations-table').locator('tbody tr')).toHaveCount(4);
  await expect(page.getByTestId('policy-iteration-reading')).toHaveText(readingText);
});

const TOY_RL = {
  name: 'toy PPO and RLOO',
  seed: 3,
  base: { kind: 'builtin' },
  data: { source: 'builtin', personas: 16, questionsPerPersona: 4 },
  arms: [
    { label: 'PPO', conditioning: { kind: 'preset', name: 'demographics' }, method: { kind: 'ppo', rolloutsPerStep: 2, ppoEpochs: 1 }, train: { epochs: 1, batchSize: 2, maxPairs: 4, maxLength: 256, logEvery: 1 } },
    { label: 'RLOO', conditioning: { kind: 'preset', name: 'demographics' }, method: { kind: 'rloo', rolloutsPerStep: 2, k: 2 }, train: { epochs: 1, batchSize: 4, maxPairs: 4, maxLength: 256, logEvery: 1 } },
  ],
  eval: TOY_ITERATIVE.eval,
};

test('a toy PPO and RLOO run: curves under their own TRL names, each arm with its reward model', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadSpec(page, TOY_RL);
  const methods = page.getByLabel('Method', { exact: true });
  await expect(methods.nth(0)).toHaveValue('ppo');
  await expect(methods.nth(1)).toHaveValue('rloo');
  await expect(page.getByRole('spinbutton', { name: 'PPO epochs' })).toHaveValue('1');
  await expect(page.getByRole('spinbutton', { name: 'Answers per prompt (k)' })).toHaveValue('2');
  // A bad value is refused under its own field.
  await page.getByRole('spinbutton', { name: 'KL coefficient' }).first().fill('-1');
  await expect(page.getByTestId('policy-spec-error')).toContainText('arms[0].method.klCoef');
  await expect(page.getByTestId('policy-run-start')).toBeDisabled();
  await page.getByRole('spinbutton', { name: 'KL coefficient' }).first().fill('0.05');
  await expect(page.getByTestId('policy-run-start')).toBeEnabled();
  await page.getByLabel('Backend').selectOption('cpu');
  const started = Date.now();
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  console.log(`toy PPO and RLOO on the cpu backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const chart = page.getByTestId('live-chart');
  const metrics = ((await chart.getAttribute('data-metrics')) ?? '').split(' ');
  expect(metrics).toEqual(expect.arrayContaining(['objective/scores', 'objective/kl', 'objective/rlhf_reward', 'policy/approxkl_avg', 'policy/clipfrac_avg', 'loss/policy_avg', 'loss/value_avg']));
  expect(metrics).not.toContain('rewards/accuracies');
  // The value loss is PPO's alone: its chart names PPO, not RLOO; the KL chart names both.
  await expect(chart.locator('[data-metric="loss/value_avg"] figcaption')).toContainText('PPO');
  await expect(chart.locator('[data-metric="loss/value_avg"] figcaption')).not.toContainText('RLOO');
  await expect(chart.locator('[data-metric="objective/kl"] figcaption')).toContainText('PPO, RLOO');
  await chart.getByText('The curves as a table').click();
  await expect(page.getByTestId('policy-curves-table').locator('tbody tr')).toHaveCount(metrics.length);

  await expect(page.getByTestId('policy-arm-reward-model')).toHaveCount(2);
  for (const r of await page.getByTestId('policy-arm-reward-model').all()) await expect(r).toContainText('trained in this run');
  await expect(page.getByTestId('policy-final-metrics')).toContainText('loss/value_avg');
  await expect(page.getByTestId('policy-iterations')).toHaveCount(0);

  await screenshot(page, 'policies-ppo-rloo');
  const light = await seriousViolations(page);
  expect(light, describeFindings('policies (PPO and RLOO, light)', light)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'policies-ppo-rloo-dark');
  const dark = await seriousViolations(page);
  expect(dark, describeFindings('policies (PPO and RLOO, dark)', dark)).toEqual([]);
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
});

test('iterative DPO labelled and judged by a Stage-1 reward model: the arm and the judges name it, the reward-hacking gap per set', async ({ page }) => {
  test.setTimeout(900_000);
  // A one-epoch Stage-1 reward model on the same 16-persona world (a model of another world is refused).
  const rm = { name: 'rm for iterations', data: TOY_ITERATIVE.data, eval: { maxPairsPerSet: 100 }, arms: [{ label: 'rm', method: { kind: 'reward-model' }, train: { epochs: 1, batchSize: 32, lr: 0.01, logEvery: 5 } }] };
  await page.goto(`/#/experiments?spec=${Buffer.from(JSON.stringify(rm)).toString('base64url')}`);
  await expect(page.getByLabel('Name')).toHaveValue('rm for iterations');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toContainText('Finished on the CPU', { timeout: 300_000 });
  await page.goto('/#/results');
  const show = page.getByRole('checkbox', { name: /^Show rm for iterations \(run-.+\)$/ });
  await expect(show).toBeVisible();
  const runId = /\((run-[^)]+)\)$/.exec((await show.getAttribute('aria-label')) ?? '')![1];

  await openPolicies(page);
  const spec = {
    ...TOY_ITERATIVE,
    name: 'toy iterative DPO, Stage-1 RM',
    arms: [{ ...TOY_ITERATIVE.arms[0], method: { ...TOY_ITERATIVE.arms[0].method, iterations: 2, rewardModelRun: runId } }],
    eval: { ...TOY_ITERATIVE.eval, rewardModelRun: runId },
  };
  await loadSpec(page, spec);
  await expect(page.getByRole('textbox', { name: 'Reward model (a Stage-1 run id, or RUN#ARM)' })).toHaveValue(runId);
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });

  await expect(page.getByTestId('policy-arm-reward-model')).toContainText(runId);
  await expect(page.getByTestId('policy-judges')).toContainText(`a reward model (${runId}, arm rm)`);
  // The gap per judged set, as the reward-model table writes it.
  await expect(page.getByTestId('policy-arm-hacking-gap')).toHaveText(/^ Reward-hacking gap \(RM − truth win rate vs base\): seen [+−]\d+\.\d pts, unseen [+−]\d+\.\d pts\.$/);
  const gapCell = (await page.getByTestId('policy-rm-table').locator('tr[data-set="seen"] td').nth(3).innerText()).replace('-', '−');
  await expect(page.getByTestId('policy-arm-hacking-gap')).toContainText(`seen ${gapCell.startsWith('−') ? gapCell : `+${gapCell.replace(/^\+/, '')}`}`);
  await expect(page.getByTestId('policy-iterations-table').locator('tbody tr')).toHaveCount(3);
  await screenshot(page, 'policies-iterations-stage1-rm');
  const light = await seriousViolations(page);
  expect(light, describeFindings('policies (iterative DPO with a Stage-1 reward model)', light)).toEqual([]);
});
