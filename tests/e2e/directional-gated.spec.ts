// A directional policy whose blocks read the direction through per-position gates (method
// conditionRead "gated": each objective's part u_k E_k weighted at each position by a learned gate)
// in the real app, headless Chromium, cpu backend, toy size: the spec builder shows the choice and
// the user moves the gates to the LM head (conditionRead "gated-head"), the run trains the table and
// its gate and judges with them, and in Compare the policy's column regenerates when a slider moves
// the direction (the gate, its site, its 2 parts per objective and its squashed inputs travel with
// the saved policy).
import { expect, test } from '@playwright/test';
import { loadSpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

const TOY_GATED = {
  name: 'toy gated directional',
  seed: 4,
  base: { kind: 'builtin-policy' },
  data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
  arms: [
    {
      label: 'gated',
      conditioning: { kind: 'preset', name: 'none' },
      method: { kind: 'directional-dpo', loss: 'rpo', dims: 4, placement: 'embedding', conditionRead: 'gated', conditionLr: 0.01, judge: { questions: 2, baseDirections: 1, sweepAngles: 3, sweepObjectives: ['formality', 'risk'], fitQuestions: 2 } },
      train: { epochs: 1, batchSize: 4, maxPairs: 8, maxLength: 320, logEvery: 1 },
    },
  ],
  eval: { seenPersonas: 1, unseenPersonas: 1, questionsPerPersona: 1, maxNewTokens: 48, batchSize: 8 },
};

test('a gated directional policy: the builder shows the read, the run judges it, Compare sliders regenerate its answer', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadSpec(page, TOY_GATED);
  await expect(page.getByLabel('The policy reads the direction')).toHaveValue('embedding');
  await expect(page.getByLabel('Each position reads')).toHaveValue('gated');
  await page.getByLabel('Each position reads').selectOption('gated-head');
  await page.getByLabel('Gated parts per objective').fill('2');
  // The gates may start mostly closed, so that one opens only where training asks for it.
  await page.getByLabel('Gate bias at the start (0: half open)').fill('-1');
  // Each component read through tanh(2 · u_k): a small component asks for its pole almost as firmly as a large one.
  await page.getByLabel('Squash each component: read tanh(s · u_k) (0: as given)').fill('2');
  // It writes only what the policy without its direction finds plausible (judge and Compare alike).
  await page.getByLabel(/^Plausibility α when writing/).fill('0.1');
  await page.getByLabel('Each position reads').scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-directional-gated-fields');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  await expect(page.getByTestId('policy-arms')).toContainText('each position reads the objectives through learned gates at the LM head, 2 parts per objective starting at bias -1; components read as tanh(2 u_k); writes only tokens the policy without its direction gives ≥ 0.1 × its best)');
  const judge = page.getByTestId('policy-directional').getByTestId('mop-directional-judge-gated');
  // The same judge on two questions it trained on: fit beside transfer.
  await expect(page.getByTestId('policy-directional-fit')).toContainText(/^On 2 of the questions it trained on, with new directions of the same kind: the pole turns − → \+ in \d+(\.\d)?% \[/);
  await page.getByTestId('policy-directional-fit').scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-directional-gated');
  await expect(judge.getByTestId('mop-directional-judge-gated-reading')).toContainText(/^Moving each objective's component from −0\.7 to \+0\.7 turns the truth's pole of its axis from − to \+ in \d+\.\d% \[/);

  await page.goto('/#/compare');
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
  const guide = page.getByTestId('guide-dismiss');
  if (await guide.isVisible()) await guide.click();
  const col2 = page.getByLabel('Column 2 model');
  await expect(col2).toHaveValue(/^policy:policy-.+:0$/, { timeout: 90_000 });
  await expect(col2.locator('option:checked')).toHaveText(/^toy gated directional: gated \(directional DPO, .+\)$/);
  await page.getByLabel('Max tokens').fill('48');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 300_000 });
  const column = page.getByTestId('compare-column-2');
  const sliders = column.getByTestId('direction-2');
  await expect(sliders.getByRole('slider')).toHaveCount(10);
  expect((await page.getByTestId('answer-2-1').locator('.compare-answer').innerText()).trim().length).toBeGreaterThan(10);
  await sliders.getByRole('slider', { name: 'formality' }).fill('-0.6');
  await expect(column.getByTestId('direction-read-2')).toContainText('formality -0.96, detail 0.00');
  await expect(column.getByTestId('direction-read-2')).toContainText('(tanh(2 · u_k) of the unit direction u)');
  await expect(column).toHaveAttribute('data-direction', '-0.6,0,0,0,0,0,0,0,0,0', { timeout: 300_000 });
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 300_000 });
  await expect(page.getByTestId('answer-2-1').getByTestId('truth')).toContainText('True utility');
  await column.scrollIntoViewIfNeeded();
  await screenshot(page, 'compare-directional-gated');
});
