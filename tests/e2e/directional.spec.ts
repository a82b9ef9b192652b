// Directional control (issue 13, item 4) in the real app, headless Chromium, cpu backend, toy size:
// a directional DPO arm on the shipped persona-blind SFT policy, reading the direction as a learned
// embedding (placement `embedding`; its multi-objective reward model fitted in the run on a
// 40-persona world, 8 pole pairs, 2 steps, 3 held-out questions judged, the sweep in the
// (formality, risk) plane: both axes of those questions) run
// in the Policies view; its judge (per objective: pole − → + and other axes held, against the 80%
// target) and its Pareto plot, each with its reading and table; then in Compare the policy as a
// column with one slider per objective: moving a slider regenerates the answer with the new
// direction (the shown answers' request carries it). The arm also writes for the evaluation's
// personas (method.personas), each read as a direction by a reward model on all attributes, and
// the truth table judges those answers. Screenshots light and dark; axe clean.
import { expect, test } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { loadSpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

const TOY_DIRECTIONAL = {
  name: 'toy directional',
  seed: 3,
  base: { kind: 'builtin-policy' },
  data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
  arms: [
    {
      label: 'directional',
      conditioning: { kind: 'preset', name: 'none' },
      method: { kind: 'directional-dpo', loss: 'rpo', dims: 4, placement: 'embedding', conditionLr: 0.002, judge: { questions: 3, baseDirections: 1, sweepAngles: 4, sweepObjectives: ['formality', 'risk'] } },
      train: { epochs: 1, batchSize: 4, maxPairs: 8, maxLength: 320, logEvery: 1 },
    },
  ],
  eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 160, batchSize: 8 },
};

test('a toy directional policy: its judge and Pareto plot, then sliders in Compare regenerate its answer', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadSpec(page, TOY_DIRECTIONAL);
  await expect(page.getByLabel('Method', { exact: true })).toHaveValue('directional-dpo');
  await expect(page.getByRole('textbox', { name: 'Multi-objective reward model (a kept model)' })).toHaveValue('');
  // The direction reaches the policy as a learned embedding (the table travels with the saved policy into Compare).
  await expect(page.getByLabel('The policy reads the direction')).toHaveValue('embedding');
  await expect(page.getByLabel('Embedding learning rate')).toHaveValue('0.002');
  // Training directions like the judge's, and guidance when it writes (judge and Compare columns).
  await page.getByLabel('Training directions').selectOption('axis');
  await page.getByLabel('Guidance γ when writing (0 = none)').fill('1');
  // Condition dropout trains the u = 0 side that guidance contrasts with.
  await page.getByLabel('Condition dropout (share of pairs trained at u = 0)').fill('0.2');
  // Writing for the evaluation's personas: a reward model on the arm's conditioning reads each as a direction.
  await page.getByLabel('Conditioning (attribute subset)').selectOption('all');
  await page.getByLabel('Write for the evaluation personas').selectOption('true');
  await page.getByLabel('Training directions').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-output/screenshots/policies-directional-fields.png' });
  await page.getByLabel('Backend').selectOption('cpu');
  const started = Date.now();
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  console.log(`toy directional run on the cpu backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // The persona answers: judged by the truth like any arm's, with how the personas were read.
  await expect(page.getByTestId('policy-arm-persona-directions')).toContainText(/Personas read as directions by the conditional \(all\) bag-of-features reward model trained in this run .*; their signs agree with the planted tastes on \d+% of persona × objective; answers written at strength 1\.3\.$/);
  await expect(page.getByTestId('policy-truth-table').locator('tbody tr')).toHaveCount(2);
  await page.getByTestId('policy-truth-table').scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-directional-personas');
  const dir = page.getByTestId('policy-directional');
  await expect(dir).toContainText('fitted in the run');
  const judge = dir.getByTestId('mop-directional-judge-directional');
  await expect(judge.getByTestId('mop-directional-judge-directional-reading')).toContainText(/^Moving each objective's component from −0\.7 to \+0\.7 turns the truth's pole of its axis from − to \+ in \d+\.\d% \[/);
  await expect(judge.locator('svg.mop-svg')).toBeVisible();
  await expect(judge.locator('svg text', { hasText: 'share of answer pairs (%)' })).toHaveCount(1);
  await expect(judge.locator('svg text', { hasText: 'target 80%' })).toHaveCount(1);
  await judge.getByText('Numbers as a table').click();
  await expect(judge.locator('tbody tr').last()).toContainText('all objectives');
  await expect(dir.getByTestId('policy-directional-shift')).toContainText(/^Teacher-forced: moving the component from − to \+ moves the policy's log-odds of the axis's \+ pole by -?\d+\.\d{3} nats \[/);
  const pareto = dir.getByTestId('mop-directional-pareto-directional');
  await expect(pareto.getByTestId('mop-directional-pareto-directional-reading')).toContainText(/^Turning the direction through the \(formality, risk\) plane moves formality's mean pole over \[/);
  await expect(pareto.locator('svg text', { hasText: 'formality: mean truth pole (−1 all − pole, +1 all + pole)' })).toHaveCount(1);
  await expect(pareto.locator('svg text', { hasText: 'risk: mean truth pole' })).toHaveCount(1);
  await pareto.getByText('Numbers as a table').click();
  // 4 angles and the base policy.
  await expect(pareto.locator('tbody tr')).toHaveCount(5);
  await expect(pareto.locator('tbody tr').last()).toContainText('base policy (no direction)');
  await dir.scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-directional');
  const light = await seriousViolations(page);
  expect(light, describeFindings('policies (directional, light)', light)).toEqual([]);

  await page.goto('/#/compare');
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
  const guide = page.getByTestId('guide-dismiss');
  if (await guide.isVisible()) await guide.click();
  const col2 = page.getByLabel('Column 2 model');
  await expect(col2).toHaveValue(/^policy:policy-.+:0$/, { timeout: 90_000 });
  await expect(col2.locator('option:checked')).toHaveText(/^toy directional: directional \(directional DPO, .+\)$/);
  await page.getByLabel('Max tokens').fill('160');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 300_000 });
  const column = page.getByTestId('compare-column-2');
  const sliders = column.getByTestId('direction-2');
  await expect(sliders.getByRole('slider')).toHaveCount(10);
  await expect(column.getByTestId('direction-read-2')).toContainText('every objective 0.00 (no direction)');
  const first = (await page.getByTestId('answer-2-1').locator('.compare-answer').innerText()).trim();
  expect(first.length).toBeGreaterThan(20);

  // Moving one slider regenerates: the shown answers come from a request with the new direction.
  await sliders.getByRole('slider', { name: 'formality' }).fill('0.6');
  await expect(column.getByTestId('direction-read-2')).toContainText('formality +1.00, detail 0.00');
  await expect(column).toHaveAttribute('data-direction', '0.6,0,0,0,0,0,0,0,0,0', { timeout: 300_000 });
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('answer-2-1').getByTestId('truth')).toContainText('True utility');
  await sliders.getByRole('slider', { name: 'detail' }).fill('-0.8');
  await expect(column.getByTestId('direction-read-2')).toContainText('formality +0.60, detail -0.80');
  await expect(column).toHaveAttribute('data-direction', '0.6,-0.8,0,0,0,0,0,0,0,0', { timeout: 300_000 });
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 300_000 });
  const found = await seriousViolations(page);
  expect(found, describeFindings('compare (directional policy)', found)).toEqual([]);
  await column.scrollIntoViewIfNeeded();
  await screenshot(page, 'compare-directional');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const dark = await seriousViolations(page);
  expect(dark, describeFindings('compare (directional policy, dark)', dark)).toEqual([]);
  await screenshot(page, 'compare-directional-dark');
});
