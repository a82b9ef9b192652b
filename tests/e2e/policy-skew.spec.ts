// The seed's central question in the real app, headless Chromium, cpu backend, toy size: on a
// world whose formality axis is skewed 70/30, a conditional and a marginal directional arm that
// write for the evaluation's personas (each persona read as a direction by a reward model on all
// attributes, or one pooled direction from the marginal model). The runner trains their policy
// once; the minority-against-majority table shows, for the skewed axis, the conditional answers
// against the marginal ones and each against the base, minority and majority apart. Screenshot;
// axe clean.
import { expect, test } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { loadSpec, openPolicies } from './policy-setup';
import { screenshot } from './screenshot';

const method = { kind: 'directional-dpo', loss: 'rpo', dims: 4, placement: 'embedding', conditionLr: 0.002, personas: true, judge: { questions: 2, baseDirections: 1, sweepAngles: 3 } };
const train = { mode: 'lora', lora: { rank: 2, alpha: 4 }, epochs: 1, batchSize: 4, maxPairs: 8, maxLength: 320, logEvery: 1 };
const TOY_SKEWED = {
  name: 'toy skewed directions',
  seed: 3,
  base: { kind: 'builtin-policy' },
  data: { source: 'builtin', personas: 40, questionsPerPersona: 8, skew: { formality: 0.7 } },
  arms: [
    { label: 'conditional', conditioning: { kind: 'preset', name: 'all' }, method, train },
    { label: 'marginal', conditioning: { kind: 'preset', name: 'none' }, method, train },
  ],
  eval: { seenPersonas: 4, unseenPersonas: 4, questionsPerPersona: 2, maxNewTokens: 160, batchSize: 8 },
};

test('conditional and marginal directions on a skewed world: minority and majority, head to head and against the base', async ({ page }) => {
  test.setTimeout(900_000);
  await openPolicies(page);
  await loadSpec(page, TOY_SKEWED);
  await page.getByLabel('Backend').selectOption('cpu');
  const started = Date.now();
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 600_000 });
  console.log(`toy skewed directional run on the cpu backend: ${((Date.now() - started) / 1000).toFixed(1)} s`);

  // One training, lent to the marginal arm; the two readings named.
  const read = page.getByTestId('policy-arm-persona-directions');
  await expect(read).toHaveCount(2);
  await expect(read.first()).toContainText('by the conditional (all) bag-of-features reward model');
  await expect(read.last()).toContainText('by the marginal (no attributes) bag-of-features reward model');
  await expect(read.last()).toContainText('written with the policy arm “conditional” trained');

  const table = page.getByTestId('policy-skew-table');
  const row = table.locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row.locator('th')).toContainText('formality (');
  await expect(row).toContainText('conditional vs marginal');
  // Against the base: "X% [lo, hi]; Y% [lo, hi]" for conditional; marginal.
  await expect(row.getByTestId('skew-vs-base-minority')).toHaveText(/^\d+% \[\d+%, \d+%\]; \d+% \[\d+%, \d+%\]$/);
  await table.scrollIntoViewIfNeeded();
  await screenshot(page, 'policies-skew-directions');
  const found = await seriousViolations(page);
  expect(found, describeFindings('policies (skewed world, directions)', found)).toEqual([]);
});
