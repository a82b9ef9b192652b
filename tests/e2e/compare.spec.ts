// The Compare view in real headless Chromium, the built-in model in the runner worker:
// (1) side by side, base against trained for one persona, several samples per column, each answer
// read by the truth judge (preferred poles matched and missed, true utility); "base" is the shipped
// persona-blind SFT policy and "trained" the persona-reading built-in model (no Stage-2 policy
// trained in the browser is offered as a column yet);
// (2) blind rating from the keyboard alone: ≥ 10 pairs voted with keys 1-4 and Enter, the models
// revealed only after each vote; the votes exported, two more raters' files imported and merged
// (duplicates counted), the aggregation and the agreement with the truth judge shown; and bad
// input (another dataset's file, a corrupted file, a repeated import) refused with a message and
// nothing lost. Screenshots light and dark.
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { describeFindings, seriousViolations } from './a11y-audit';
import { screenshot } from './screenshot';

async function openCompare(page: Page) {
  await page.goto('/#/compare');
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
  await expect(page.getByTestId('model-status')).toContainText('built-in tiny model', { timeout: 90_000 });
  await expect(page.getByLabel('Column 2 model')).toHaveValue('builtin');
}

/** Focus a control as Tab would, then act with keys only. */
async function keyTo(target: Locator) {
  await target.focus();
  await expect(target).toBeFocused();
}

async function hasFocusRing(target: Locator): Promise<boolean> {
  return target.evaluate((el) => {
    const s = getComputedStyle(el);
    return el.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
  });
}

/** No serious or critical axe-core violations on the page as it is now. */
async function audit(page: Page, where: string) {
  const found = await seriousViolations(page);
  expect(found.length === 0 ? '' : describeFindings(where, found), 'axe findings').toBe('');
}

async function dark(page: Page) {
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
}

test('side by side: base against trained for one persona, each answer read by the truth judge', async ({ page }) => {
  // Budget ≥ 20× the cost on an idle 2-core machine (4 answers of ≤ 200 tokens on the CPU).
  test.setTimeout(300_000);
  await openCompare(page);
  await expect(page.getByLabel('Column 1 model')).toHaveValue('builtin-policy');
  // The same persona in both columns.
  const persona = await page.getByLabel('Column 1 persona').inputValue();
  await expect(page.getByLabel('Column 2 persona')).toHaveValue(persona);
  await page.getByLabel('Samples per column').fill('2');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('run-meta')).toContainText('no reward model chosen');
  for (const id of ['answer-1-1', 'answer-1-2', 'answer-2-1', 'answer-2-2']) {
    const a = page.getByTestId(id);
    await expect(a.getByTestId('truth')).toContainText('True utility');
    await expect(a.locator('.truth__axis')).toHaveCount(4);
  }
  await expect(page.getByTestId('compare-column-1')).toContainText('persona-blind SFT policy');
  await expect(page.getByTestId('compare-column-2').locator('.compare-style').first()).toContainText('How the model reads this persona');
  const box1 = await page.getByTestId('compare-column-1').boundingBox();
  const box2 = await page.getByTestId('compare-column-2').boundingBox();
  expect(Math.abs(box1!.y - box2!.y)).toBeLessThan(2);
  expect(box1!.x + box1!.width).toBeLessThanOrEqual(box2!.x);
  await screenshot(page, 'view-compare-columns');
  await dark(page);
  await screenshot(page, 'view-compare-columns-dark');
});

test('blind rating from the keyboard, export, import of two raters, aggregation, bad input', async ({ page }, info) => {
  test.setTimeout(480_000);
  await openCompare(page);

  // Keyboard only from here: pick the mode, name the rater, ask for 10 pairs, generate.
  const blind = page.getByRole('radio', { name: 'Blind rating' });
  await keyTo(blind);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('blind-rating')).toBeVisible();
  await keyTo(page.getByLabel('Your name (optional)'));
  await page.keyboard.type('Ada');
  await keyTo(page.getByLabel('Samples per column'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('10');
  const generate = page.getByRole('button', { name: 'Generate rating pairs' });
  const progress = page.getByTestId('blind-progress');
  const keys = ['1', '2', '1', '3', '1', '2', '4', '1', '1', '2', '1', '2'];
  let votes = 0;
  // Identical samples make one pair, asked once: generate again from the next seed until ≥ 10 pairs.
  for (let seed = 1; votes < 10; seed++) {
    expect(seed).toBeLessThan(5);
    if (seed > 1) {
      await keyTo(page.getByLabel('Seed'));
      await page.keyboard.press('Control+A');
      await page.keyboard.type(String(seed));
    }
    await keyTo(generate);
    await page.keyboard.press('Enter');
    await expect(progress).toContainText(/Pair 1 of \d+/, { timeout: 240_000 });
    while (/^Pair \d+ of \d+/.test((await progress.textContent()) ?? '')) {
      // Hidden until the vote: no model name, no score.
      const item = page.getByTestId('blind-item');
      await expect(item).not.toContainText('built-in model');
      await expect(item).not.toContainText('SFT policy');
      await expect(item).not.toContainText('utility');
      await page.keyboard.press(keys[votes % keys.length]);
      votes++;
      await expect(progress).toContainText(`${votes} vote${votes === 1 ? '' : 's'} this session`);
      await expect(page.getByTestId('blind-revealed')).toContainText('Truth judge:');
      await expect(page.getByTestId('reveal-A')).toContainText(/built-in model|persona-blind SFT policy/);
      await expect(page.getByTestId('reveal-B')).toContainText('true utility');
      const nextButton = page.getByRole('button', { name: 'Next pair' });
      await expect(nextButton).toBeFocused();
      expect(await hasFocusRing(nextButton)).toBe(true);
      if (votes === 1) {
        await screenshot(page, 'view-compare-blind');
        await audit(page, 'blind rating, revealed (light)');
        await dark(page);
        await screenshot(page, 'view-compare-blind-dark');
        await audit(page, 'blind rating, revealed (dark)');
        await page.getByRole('button', { name: 'Switch to light theme' }).click();
        await nextButton.focus();
      }
      await page.keyboard.press('Enter');
    }
    await expect(progress).toContainText('All pairs generated so far are rated');
  }
  console.log(`blind votes: ${votes}`);
  const pairs = votes;
  await expect(page.getByTestId('aggregate-summary')).toContainText(`${pairs} votes from 1 rater on ${pairs} pairs`);

  // Export (keyboard): the file has the format version, the dataset id, texts and hidden identities.
  const exportButton = page.getByTestId('export-votes');
  await keyTo(exportButton);
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  const dir = info.outputPath('votes');
  await mkdir(dir, { recursive: true });
  const adaPath = `${dir}/ada.json`;
  await download.saveAs(adaPath);
  const ada = JSON.parse(await readFile(adaPath, 'utf8'));
  expect(ada).toMatchObject({ format: 'persona-lab-votes', version: 1 });
  expect(ada.datasetId).toMatch(/^builtin-s1-/);
  expect(ada.votes).toHaveLength(pairs);
  expect(ada.votes[0].rater).toBe('Ada');
  expect(ada.items).toHaveLength(pairs);
  expect(ada.items[0].answers[0].text.length).toBeGreaterThan(20);
  expect(ada.items[0].answers.map((a: { system: string }) => a.system).sort()).toEqual(['built-in model', 'persona-blind SFT policy']);

  // Two more raters in class: Bob and Cleo vote on the same pairs (their files made from Ada's).
  const choices = ['A', 'B', 'tie', 'both-bad'];
  const rater = (name: string, shift: number) => ({
    ...ada,
    votes: ada.votes.map((v: { choice: string }, i: number) => ({ ...v, raterId: `r-${name}`, rater: name, choice: choices[(choices.indexOf(v.choice) + shift + i) % 4] })),
  });
  const bobPath = `${dir}/bob.json`;
  const cleoPath = `${dir}/cleo.json`;
  await writeFile(bobPath, JSON.stringify(rater('Bob', 1)));
  await writeFile(cleoPath, JSON.stringify(rater('Cleo', 2)));
  const importInput = page.getByLabel('Import raters’ votes files');
  // Ada's own file again: its 10 votes are duplicates of the ones this browser holds.
  await importInput.setInputFiles([adaPath, bobPath, cleoPath]);
  await expect(page.getByTestId('import-report')).toContainText(`Imported 3 of 3 files: ${2 * pairs} new votes, ${pairs} duplicates skipped`);
  await expect(page.getByTestId('aggregate-summary')).toContainText(`${3 * pairs} votes from 3 raters on ${pairs} pairs`);
  await expect(page.getByTestId('agreement-table')).toContainText('truth judge');
  await expect(page.getByTestId('agreement-table')).toContainText('No reward model chosen');
  await expect(page.getByTestId('winrate-table')).toContainText('built-in model');
  await expect(page.getByTestId('winrate-table').locator('tbody tr')).toHaveCount(1);
  await expect(page.getByTestId('strength-table').locator('tbody tr')).toHaveCount(2);
  await expect(page.getByTestId('winrate-chart').getByRole('img')).toHaveAttribute('aria-label', /Win rates: .* wins \d+% against/);
  await expect(page.getByTestId('strength-chart').locator('.recharts-bar-rectangle')).toHaveCount(2);
  await page.getByTestId('votes-pool').scrollIntoViewIfNeeded();
  await screenshot(page, 'view-compare-pool');
  await audit(page, 'pooled votes (light)');
  await dark(page);
  await screenshot(page, 'view-compare-pool-dark');
  await audit(page, 'pooled votes (dark)');

  // Bad input: another dataset's file, a corrupted file, and Bob's file again.
  const otherPath = `${dir}/other-dataset.json`;
  const brokenPath = `${dir}/broken.json`;
  await writeFile(otherPath, JSON.stringify({ ...rater('Dan', 3), datasetId: 'builtin-s2-p500-q12-n0.5' }));
  const bob = await readFile(bobPath, 'utf8');
  await writeFile(brokenPath, bob.slice(0, Math.floor(bob.length / 2)));
  await importInput.setInputFiles([otherPath]);
  await expect(page.getByTestId('import-report')).toContainText("cast on dataset 'builtin-s2-p500-q12-n0.5'");
  await expect(page.getByTestId('import-report').getByRole('alert')).toContainText('not imported');
  await importInput.setInputFiles([brokenPath]);
  await expect(page.getByTestId('import-report')).toContainText('not valid JSON');
  await importInput.setInputFiles([bobPath]);
  await expect(page.getByTestId('import-report')).toContainText(`0 new votes, ${pairs} duplicates skipped`);
  // Nothing lost, nothing doubled.
  await expect(page.getByTestId('aggregate-summary')).toContainText(`${3 * pairs} votes from 3 raters on ${pairs} pairs`);
});

test('the Models panel loads a checkpoint from picked files, and it becomes a column option', async ({ page }) => {
  await openCompare(page);
  const panel = page.getByTestId('models-panel');
  await panel.locator('summary').click();
  await expect(panel).toContainText('Parameters');
  const dir = 'public/models/builtin';
  await panel.getByRole('button', { name: 'Load checkpoint files…' }).setInputFiles(['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors'].map((f) => `${dir}/${f}`));
  await expect(page.getByTestId('model-status')).toContainText('picked checkpoint', { timeout: 60_000 });
  await expect(panel).toContainText('the picked files');
  await expect(panel).toContainText('No downloaded models in this browser.');
  await expect(page.getByLabel('Column 1 model').locator('option[value="loaded"]')).toBeEnabled();
  await screenshot(page, 'view-compare-models');
});
