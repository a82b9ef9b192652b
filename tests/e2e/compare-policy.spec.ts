// Compare a policy trained in this browser: the Policies view's toy DPO run (policy-setup.ts, cpu
// backend) keeps its trained arm, and the Compare view offers it as a column (`policy:<runId>:0`,
// named by run, arm, method and date), picked by "Same persona: base vs trained" against the
// shipped persona-blind SFT policy; both answers are generated for one persona and read by the
// truth judge and by a Stage-1 reward model trained first in the Experiments view (a one-epoch
// bag-of-features run on the default built-in world, the Compare view's). Screenshots light and
// dark; axe finds no serious or critical violation.
import { expect, test } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { loadToySpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

test('a toy DPO policy trained in the Policies view, compared against the base for one persona', async ({ page }) => {
  // Budget ≥ 20× the cost on an idle 2-core machine: the toy run took 12-36 s, two answers of ≤ 64 tokens a few s.
  test.setTimeout(900_000);
  const rm = { name: 'rm for compare', data: { source: 'builtin' }, eval: { maxPairsPerSet: 200 }, arms: [{ label: 'rm', method: { kind: 'reward-model' }, train: { epochs: 1, batchSize: 32, lr: 0.01, logEvery: 5 } }] };
  await page.goto(`/#/experiments?spec=${Buffer.from(JSON.stringify(rm)).toString('base64url')}`);
  await expect(page.getByLabel('Name')).toHaveValue('rm for compare');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toContainText('Finished on the CPU', { timeout: 300_000 });

  await openPolicies(page);
  await loadToySpec(page);
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });

  await page.goto('/#/compare');
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
  const guide = page.getByTestId('guide-dismiss');
  if (await guide.isVisible()) await guide.click();
  const trained = page.getByLabel('Column 2 model');
  // The trained arm is the default "trained" side once the column options are listed.
  await expect(trained).toHaveValue(/^policy:policy-.+:0$/, { timeout: 90_000 });
  await expect(trained.locator('option:checked')).toHaveText(/^toy DPO: conditional DPO \(DPO, .+\)$/);
  await page.getByRole('button', { name: /^Same persona: persona-blind SFT policy vs toy DPO: conditional DPO/ }).click();
  await expect(page.getByLabel('Column 1 model')).toHaveValue('builtin-policy');
  await expect(trained).toHaveValue(/^policy:/);
  const persona = await page.getByLabel('Column 1 persona').inputValue();
  await expect(page.getByLabel('Column 2 persona')).toHaveValue(persona);

  const reward = page.getByLabel('Reward model (Stage-1 run)');
  await expect(reward.locator('option', { hasText: 'rm for compare' })).toBeEnabled();
  await reward.selectOption({ index: 1 });
  await page.getByLabel('Max tokens').fill('64');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('compare-column-1')).toContainText('persona-blind SFT policy');
  await expect(page.getByTestId('compare-column-2')).toContainText('toy DPO: conditional DPO');
  await expect(page.getByTestId('run-meta')).toContainText(/reward model: Stage-1 run run-.+, arm "rm"/);
  for (const id of ['answer-1-1', 'answer-2-1']) {
    const a = page.getByTestId(id);
    await expect(a.getByTestId('truth')).toContainText('True utility');
    await expect(a.getByTestId('reward')).toContainText(/Reward-model score -?\d+\.\d\d/);
    expect(((await a.textContent()) ?? '').length).toBeGreaterThan(20);
  }
  const found = await seriousViolations(page);
  expect(found, describeFindings('compare (trained policy)', found)).toEqual([]);
  await screenshot(page, 'compare-trained-policy');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await seriousViolations(page);
  expect(dark, describeFindings('compare (trained policy, dark)', dark)).toEqual([]);
  await screenshot(page, 'compare-trained-policy-dark');
});
