// An ONNX model as a policy spec's base in the real app: the Models panel stores the repo's ONNX
// test decoder (onnx:tiny-onnx), a policy spec naming it (base.kind "onnx", roleplay + few-shot)
// runs to the end in the worker on onnxruntime-web, and its record (the JSON export) holds the
// answers and verdicts the CLI's run on our engine's checkpoint with the same weights gives; a DPO
// arm on that base is refused under its field, and Run waits.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { PolicyRecord } from '../../src/protocol/policy';
import { loadSpec, openPolicies } from './policy-setup';

const FIXTURE = 'tests/fixtures/onnx-decoder';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
const SPEC = JSON.parse(readFileSync('tests/fixtures/onnx-policy-baselines.json', 'utf8')) as Record<string, unknown>;

test('a roleplay + few-shot policy spec on a cached ONNX model runs in the worker and answers as our engine does on the same weights', async ({ page }) => {
  test.setTimeout(480_000);
  const dir = mkdtempSync(join(tmpdir(), 'e2e-onnx-policy-'));
  const folder = join(dir, 'tiny-onnx');
  mkdirSync(join(folder, 'onnx'), { recursive: true });
  for (const f of FILES) writeFileSync(join(folder, f), readFileSync(join(FIXTURE, f)));

  await page.goto('/#/compare');
  const panel = page.getByTestId('models-panel');
  await panel.locator('summary').click();
  await panel.getByTestId('onnx-import-input').setInputFiles(folder);
  await expect(panel.getByTestId('onnx-import-done')).toContainText('Stored as onnx:tiny-onnx', { timeout: 60_000 });

  await openPolicies(page);
  // A training arm on an ONNX base: refused under its field, nothing runs.
  const name = 'onnx policy baselines';
  await page.getByText('Edit the whole spec as JSON').click();
  await page.getByLabel('Policy spec JSON').fill(JSON.stringify({ ...SPEC, name: 'onnx dpo', base: { kind: 'onnx', onnx: 'onnx:tiny-onnx' }, arms: [{ label: 'dpo', method: { kind: 'dpo' } }] }));
  await expect(page.getByTestId('policy-spec-error')).toContainText('arms[0].method.kind');
  await expect(page.getByTestId('policy-spec-error')).toContainText('onnxruntime-web runs for inference only');
  await expect(page.getByTestId('policy-run-start')).toBeDisabled();
  await page.getByText('Edit the whole spec as JSON').click();

  await loadSpec(page, { ...SPEC, name, base: { kind: 'onnx', onnx: 'onnx:tiny-onnx' } });
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('policy-run-start').click();
  await expect(page.getByTestId('policy-run-status')).toContainText('Finished on the CPU', { timeout: 300_000 });
  await expect(page.getByTestId('policy-results')).toContainText('Base: ONNX model onnx:tiny-onnx (onnx/model.onnx, onnxruntime-web wasm)');

  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `JSON of ${name}` }).click()]);
  const app = JSON.parse(await readFile((await dl.path())!, 'utf8')) as PolicyRecord;
  expect(app.status).toBe('done');
  expect(app.backend.onnx).toMatchObject({ provider: 'wasm' });

  // The same spec on our engine's checkpoint with the same weights, in the CLI.
  writeFileSync(join(dir, 'spec.json'), JSON.stringify({ ...SPEC, name }));
  execFileSync('node', ['scripts/node-run.mjs', 'src/cli/main.ts', 'policy', 'run', join(dir, 'spec.json'), '--base', 'tests/fixtures/tiny-checkpoint/llama-f32', '--json', join(dir, 'engine.json'), '--runs', join(dir, 'runs'), '--quiet'], { stdio: 'pipe' });
  const engine = JSON.parse(readFileSync(join(dir, 'engine.json'), 'utf8')) as PolicyRecord;
  expect(app.arms.map((a) => a.answers)).toEqual(engine.arms.map((a) => a.answers));
  expect(app.arms[0].answers!.length).toBeGreaterThanOrEqual(6);
  app.arms.forEach((a, i) =>
    a.eval.forEach((e, k) => {
      const f = engine.arms[i].eval[k];
      expect([e.set, e.vsBase, e.vsBayes, e.invalidRate]).toEqual([f.set, f.vsBase, f.vsBayes, f.invalidRate]);
      expect(Math.abs(e.kl - f.kl)).toBeLessThan(1e-3);
    }),
  );
  console.log(`app (ONNX, worker) and CLI (engine): ${app.arms.map((a) => `${a.label}: ${a.answers!.length} answers, KL ${a.eval.map((e) => e.kl.toFixed(4)).join('/')}`).join('; ')}`);
});
