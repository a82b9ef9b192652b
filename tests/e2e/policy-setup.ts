// The Policies view's toy DPO run, shared by the Policies spec and the Compare spec that compares
// the policy it trains: the toy spec (the built-in model as base, one DPO arm, 8 pairs, 2 steps,
// 4 personas judged), opening the view, and loading a spec (that one or another) through its JSON editor.
import { expect, type Page } from '@playwright/test';

/** Toy-sized: the built-in model as base (its files ship with the app), one DPO arm. */
export const TOY = {
  name: 'toy DPO',
  seed: 3,
  base: { kind: 'builtin' },
  arms: [{ label: 'conditional DPO', conditioning: { kind: 'preset', name: 'demographics' }, method: { kind: 'dpo', beta: 0.1 }, train: { epochs: 1, batchSize: 4, maxPairs: 8, maxLength: 256, logEvery: 1 } }],
  eval: { seenPersonas: 2, unseenPersonas: 2, questionsPerPersona: 1, maxNewTokens: 64, batchSize: 4 },
};

export async function openPolicies(page: Page, hash = '#/policies'): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByRole('heading', { level: 2, name: 'Policies', exact: true })).toBeVisible();
  const guide = page.getByTestId('guide-dismiss');
  if (await guide.isVisible()) await guide.click();
  await expect(page.getByRole('radio', { name: /Conditional vs marginal DPO/ }).first()).toBeVisible({ timeout: 30_000 });
}

export async function loadToySpec(page: Page): Promise<void> {
  await loadSpec(page, TOY);
}

/** Any spec through the JSON editor, waiting for the worker's verdict (Run enabled) and the share link. */
export async function loadSpec(page: Page, spec: { name: string } & Record<string, unknown>): Promise<void> {
  await page.getByText('Edit the whole spec as JSON').click();
  await page.getByLabel('Policy spec JSON').fill(JSON.stringify(spec));
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue(spec.name);
  await expect(page.getByTestId('policy-spec-error')).toHaveCount(0);
  // Run waits for the worker's verdict on this draft (it would otherwise run the preset's spec).
  await expect(page.getByTestId('policy-run-start')).toBeEnabled();
  await expect(page.getByLabel('Share link (opens this spec)')).toHaveValue(/#\/policies\?spec=/);
}
