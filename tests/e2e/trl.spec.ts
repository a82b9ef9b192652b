// Scale-out in the real app: a run record (the CLI's, of the tiny preset) imported into the
// Results view exports as a TRL zip (train.py, README, accelerate configs, Parquet per arm and
// split, read back by python's zipfile when present), and a TRL run's trainer_state.json (the
// repo's fixture) shows as curves beside the run's own; a truncated one is refused with a reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';

test('exports a run to TRL and shows a TRL run\'s curves beside it', async ({ page }) => {
  test.setTimeout(240_000);
  const dir = mkdtempSync(join(tmpdir(), 'e2e-trl-'));
  const record = join(dir, 'tiny.json');
  execFileSync('node', ['scripts/node-run.mjs', 'src/cli/main.ts', 'experiment', 'run', '--preset', 'tiny', '--json', record, '--runs', join(dir, 'runs'), '--quiet'], { stdio: 'pipe' });

  await page.goto('/#/results');
  await expect(page.getByRole('heading', { level: 2, name: 'Results', exact: true })).toBeVisible();
  await page.getByLabel('Import JSON…').setInputFiles(record);
  const panel = page.getByTestId('trl-panel');
  const button = panel.getByRole('button', { name: 'Export to TRL (.zip)' });
  await expect(button).toBeEnabled();

  const download = page.waitForEvent('download');
  await button.click();
  const zipPath = await (await download).path();
  const zip = readFileSync(zipPath);
  expect(zip.subarray(0, 4).toString('hex')).toBe('504b0304');
  const text = zip.toString('latin1');
  for (const f of ['train.py', 'README.md', 'accelerate/deepspeed_zero3.yaml', 'data/conditional/train.parquet', 'data/marginal/unseen.parquet']) expect(text).toContain(f);
  if (!spawnSync('python3', ['--version']).error) {
    const names = execFileSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; print("\\n".join(z.namelist()))', zipPath], { encoding: 'utf8' });
    expect(names.split('\n').filter((n) => n.endsWith('.parquet'))).toHaveLength(6);
  }

  await panel.getByTestId('trl-state-input').setInputFiles('tests/fixtures/trl-output/lora-dpo/trainer_state.json');
  await expect(panel).toContainText('TRL: trainer_state.json: 6 logged steps, 4 evaluations; train_loss 0.6120');
  await expect(panel.getByTestId('live-chart')).toBeVisible();
  const steps = JSON.parse((await panel.getByTestId('live-chart').getAttribute('data-steps')) ?? '{}') as Record<string, number[]>;
  expect(steps['TRL: trainer_state.json']).toEqual([5, 10, 15, 20, 25, 30]);
  expect(Object.keys(steps)).toEqual(expect.arrayContaining(['conditional', 'marginal']));

  const cut = readFileSync('tests/fixtures/trl-output/lora-dpo/trainer_state.json').subarray(0, 700);
  await panel.getByTestId('trl-state-input').setInputFiles({ name: 'cut.json', mimeType: 'application/json', buffer: cut });
  await expect(panel.getByRole('alert')).toContainText('cut.json: Trainer state error: trainer_state.json is not complete JSON');
});

test('exports a saved policy run to TRL from the Policies view', async ({ page }) => {
  const { parsePolicySpec } = await import('../../src/experiments/policy/spec');
  const spec = parsePolicySpec({
    name: 'e2e trl',
    seed: 4,
    base: { kind: 'builtin-policy' },
    data: { source: 'builtin', seed: 3, personas: 24, questionsPerPersona: 4, noise: 0.1 },
    arms: [{ label: 'conditional DPO', conditioning: { kind: 'preset', name: 'all' }, method: { kind: 'dpo' }, train: { mode: 'lora', maxPairs: 12 } }],
  });
  await page.goto('/#/policies');
  await expect(page.getByRole('heading', { level: 2, name: 'Policies', exact: true })).toBeVisible();
  await expect(page.getByText('No policy run saved in this browser yet')).toBeVisible({ timeout: 30_000 });
  // A finished run's record as the worker saves it (no arms trained: the export needs only the spec).
  const now = new Date().toISOString();
  const record = { recordVersion: 1, kind: 'policy', id: 'run-e2e-trl', name: 'e2e trl', spec, seed: 4, appVersion: 'e2e', backend: { kind: 'cpu', adapter: null }, base: null, createdAt: now, updatedAt: now, status: 'done', data: null, judges: { truth: 'planted utility (built-in world)', rewardModel: { status: 'missing', reason: 'e2e' } }, arms: [], skew: [] };
  await page.evaluate(
    (r) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('persona-lab-policy-runs'); // the store's current version (the app created it)
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const tx = open.result.transaction('records', 'readwrite');
          tx.objectStore('records').put(r);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    record,
  );
  await page.reload();
  const list = page.getByTestId('policy-run-list');
  await expect(list).toContainText('e2e trl');
  const download = page.waitForEvent('download');
  await list.getByRole('button', { name: 'TRL (.zip) of e2e trl' }).click();
  const zip = readFileSync(await (await download).path()).toString('latin1');
  for (const f of ['run-e2e-trl-trl/train.py', 'run-e2e-trl-trl/data/conditional-dpo/train.parquet', 'run-e2e-trl-trl/policy-spec.json']) expect(zip).toContain(f);
  expect(zip).toContain('DPOTrainer');
});
