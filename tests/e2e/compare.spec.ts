// The Compare view in real headless Chromium: the built-in model loads in the runner worker
// (fetched from /models/builtin/), generates for two personas on one instruction, and the two
// answers stream in side by side, each under the model's reading of its persona; a vote is
// recorded. Greedy, whole answers (they part ways late: the style sentences come last).
import { expect, test, type Page } from '@playwright/test';
import { screenshot } from './screenshot';

async function answerText(page: Page, side: 'A' | 'B'): Promise<string> {
  return ((await page.getByTestId(`answer-${side}`).textContent()) ?? '').trim();
}

test('generates for two personas side by side and records a vote', async ({ page }) => {
  // Budget ≥ 20× the cost on an idle 2-core machine (9.4 s, most of it generating on the CPU).
  test.setTimeout(240_000);
  await page.goto('/#/compare');
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
  await expect(page.getByTestId('model-status')).toContainText('built-in tiny model', { timeout: 90_000 });

  await page.getByLabel('Temperature').fill('0');
  await page.getByLabel('Max tokens').fill('200');
  const instruction = page.getByLabel('Instruction');
  const question = (await instruction.locator('option:checked').textContent()) ?? '';
  expect(question.length).toBeGreaterThan(10);
  await page.getByRole('button', { name: 'Generate' }).click();

  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 90_000 });
  const a = await answerText(page, 'A');
  const b = await answerText(page, 'B');
  console.log(`Q: ${question}\nA: ${a}\nB: ${b}`);
  for (const text of [a, b]) {
    expect(text).not.toBe('No answer yet.');
    expect(text.split(/\s+/).length).toBeGreaterThan(3);
  }
  // The built-in model says how it reads each persona before answering.
  await expect(page.getByTestId('style-A')).toContainText('How the model reads this persona');
  await expect(page.getByTestId('style-B')).toContainText('How the model reads this persona');

  // Side by side: the two columns share a row, A on the left.
  const boxA = await page.getByTestId('compare-column-A').boundingBox();
  const boxB = await page.getByTestId('compare-column-B').boundingBox();
  expect(boxA && boxB).toBeTruthy();
  expect(Math.abs(boxA!.y - boxB!.y)).toBeLessThan(2);
  expect(boxA!.x + boxA!.width).toBeLessThanOrEqual(boxB!.x);

  const firstQuestion = page.getByTestId('vote-questions').locator('fieldset').first();
  await firstQuestion.getByRole('button', { name: 'Answer A' }).click();
  await expect(firstQuestion.getByRole('button', { name: 'Answer A' })).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByRole('heading', { name: 'Your votes (1)' })).toBeVisible();
  await screenshot(page, 'view-compare-generated');

  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshot(page, 'view-compare-generated-dark');
});

test('the Models panel loads a checkpoint from picked files', async ({ page }) => {
  await page.goto('/#/compare');
  await expect(page.getByTestId('model-status')).toContainText('built-in tiny model', { timeout: 90_000 });
  const panel = page.getByTestId('models-panel');
  await panel.locator('summary').click();
  await expect(panel).toContainText('Parameters');
  const dir = 'public/models/builtin';
  await panel.locator('input[type=file]').setInputFiles(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'].map((f) => `${dir}/${f}`));
  await expect(page.getByTestId('model-status')).toContainText('picked checkpoint', { timeout: 60_000 });
  await expect(panel).toContainText('the picked files');
  await expect(panel).toContainText('No downloaded models in this browser.');
  await screenshot(page, 'view-compare-models');
});
