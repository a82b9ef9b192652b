// An online method continuing a directional policy, in the real app (headless Chromium, cpu
// backend, toy size): a directional arm writing for personas, and a PPO arm whose "Start from"
// the user sets in the spec builder to that arm. The run trains the directional policy, then PPO
// from it (the personas read as directions by PPO's own reward model); the arm line says where it
// started, and PPO's curves are charted. The user also detaches PPO's value head, gives it its own
// rate and starts it at the first rollout's mean score, and has the persona reader train on pole
// pairs too, two readers averaged; the arm line says all of it. The reward model PPO optimized
// judges its answers in a table of its own. A start that names a later arm is refused under the
// control. Screenshot; axe clean.
import { expect, test } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { loadSpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

const train = { mode: 'lora', lora: { rank: 2, alpha: 4 }, epochs: 1, batchSize: 4, maxPairs: 8, maxLength: 320, logEvery: 1 };
const TOY = {
  name: 'toy PPO from a direction',
  seed: 3,
  base: { kind: 'builtin-policy' },
  data: { source: 'builtin', personas: 40, questionsPerPersona: 8 },
  arms: [
    { label: 'direction', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'directional-dpo', loss: 'rpo', dims: 4, placement: 'embedding', conditionLr: 0.002, personas: true, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } }, train },
    { label: 'PPO', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'ppo', rolloutsPerStep: 4, ppoEpochs: 1 }, train },
  ],
  eval: { seenPersonas: 3, unseenPersonas: 3, questionsPerPersona: 1, maxNewTokens: 160, batchSize: 8 },
};

test('PPO started from a directional policy: chosen in the builder, run, and said in the arm line', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadSpec(page, TOY);
  const start = page.getByLabel('Start from');
  await expect(start).toHaveValue('');
  await expect(start.locator('option')).toHaveText(['the base policy', 'the directional policy “direction”']);
  await start.selectOption('direction');
  // The critic that moves only its head, and a persona reader that also trains on pole pairs.
  await page.getByLabel('Value head', { exact: true }).selectOption('detached');
  await page.getByLabel('Value head learning rate', { exact: true }).fill('0.001');
  await page.getByLabel('Value head starts at', { exact: true }).selectOption('mean-score');
  await page.getByLabel('The persona reader trains on', { exact: true }).selectOption('generic+cross+pole');
  await page.getByLabel('Persona readers averaged', { exact: true }).fill('2');
  await page.getByLabel('Strength each answer is written at', { exact: true }).fill('1.1');
  await expect(page.getByTestId('policy-spec-error')).toHaveCount(0);
  await expect(page.getByTestId('policy-run-start')).toBeEnabled();

  await page.getByLabel('Backend').selectOption('cpu');
  const started = Date.now();
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  console.log(`toy directional + PPO run on the cpu backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const ppo = page.locator('[data-testid="policy-arms"] li[data-arm="PPO"]');
  await expect(ppo).toContainText('PPO (kl 0.05');
  await expect(ppo).toContainText('from "direction"');
  await expect(ppo).toContainText("detached value head, value lr 0.001, V started at the first rollout's mean score");
  await expect(ppo).toContainText('(generic, cross and pole)');
  await expect(ppo).toContainText('Reward model: mean of 2 conditional');
  await expect(ppo).toContainText('seeds 3 to 4');
  await expect(ppo).toContainText('conditioning direction read from all');
  await expect(page.locator('[data-testid="policy-arms"] li[data-arm="direction"]').getByTestId('policy-arm-persona-directions')).toContainText('answers written at strength 1.1');
  await expect(ppo.getByTestId('policy-arm-persona-directions')).toContainText('trained on from the directional policy of “direction”, its start and KL reference');
  await expect(page.getByTestId('live-chart').locator('[data-metric="objective/kl"] figcaption')).toContainText('PPO');
  // The reward model PPO optimized reads its answers too: seen and unseen rows with the gap.
  const own = page.getByTestId('policy-optimized-rm-table');
  await expect(own.locator('tr[data-arm="PPO"]')).toHaveCount(2);
  await expect(own.locator('tr[data-arm="PPO"][data-set="seen"] td').last()).toContainText('pts');
  await ppo.scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-ppo-from-direction');
  const found = await seriousViolations(page);
  expect(found, describeFindings('policies (PPO from a direction)', found)).toEqual([]);
});
