// The ONNX model source in the real app: the Models panel stores the repo's ONNX test decoder
// (a picked folder: config.json, tokenizer files, onnx/model.onnx) in the model cache with its
// size, refuses a folder without its tokenizer and a truncated model with a reason (nothing
// stored), a download from a URL in the hub layout needs its token and shows its size, and a
// roleplay arm naming the cached model (model.source "onnx") runs to the end in
// the worker on onnxruntime-web and shows in Results with the accuracies the same arm gets on our
// engine with the same weights (the CLI, run here). With the WebGPU backend chosen, the arm runs on
// onnxruntime-web's WebGPU EP (as the run status and Results say, from the record) and scores as on WASM.
// The built-in model's ONNX export, picked as the Compare judge, gives the verdicts and scores that
// `cli serve builtin` (our engine, the same weights) gives the same pairs.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { startServe } from '../helpers/serve-process';
import { generateBuiltinPair } from './compare-setup';
import { screenshot } from './screenshot';

const FIXTURE = 'tests/fixtures/onnx-decoder';
const FILES = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];

/** A copy of the fixture folder named `name`, without `drop`, with `edit` applied to its files. */
function folder(name: string, drop: string[] = [], edit: (file: string, bytes: Buffer) => Buffer = (_, b) => b): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'e2e-onnx-')), name);
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  for (const f of FILES) if (!drop.includes(f)) writeFileSync(join(dir, f), edit(f, readFileSync(join(FIXTURE, f))));
  return dir;
}

async function openModels(page: Page) {
  await page.goto('/#/compare');
  await expect(page.getByRole('heading', { level: 2, name: 'Compare', exact: true })).toBeVisible();
  const panel = page.getByTestId('models-panel');
  await panel.locator('summary').click();
  return panel;
}

test('stores the ONNX test decoder from a picked folder, refuses broken ones, and runs a roleplay arm on it', async ({ page }) => {
  test.setTimeout(240_000);
  const panel = await openModels(page);
  const onnx = panel.getByTestId('onnx-import');

  // Bad folders first: each refused with its reason, nothing stored.
  await onnx.getByTestId('onnx-import-input').setInputFiles(folder('no-tokenizer', ['tokenizer.json']));
  await expect(onnx.getByRole('alert')).toContainText("No 'tokenizer.json' in the picked files (no-tokenizer)");
  await onnx.getByTestId('onnx-import-input').setInputFiles(folder('cut', [], (f, b) => (f.endsWith('.onnx') ? b.subarray(0, 50_000) : b)));
  await expect(onnx.getByRole('alert')).toContainText('model.onnx is not a complete ONNX model (50000 bytes');
  await expect(panel).toContainText('No downloaded models in this browser.');

  // The good folder.
  const good = folder('tiny-onnx');
  copyFileSync(join(FIXTURE, 'onnx/model.onnx'), join(good, 'onnx/model.onnx'));
  await onnx.getByTestId('onnx-import-input').setInputFiles(good);
  await expect(onnx.getByTestId('onnx-import-done')).toContainText('Stored as onnx:tiny-onnx: model.onnx, 98 KiB, 2 layers, vocabulary 320, context 256', { timeout: 60_000 });
  const size = FILES.reduce((n, f) => n + readFileSync(join(FIXTURE, f)).length, 0);
  await expect(panel.locator('.models-panel__cache li', { hasText: 'onnx:tiny-onnx' })).toContainText('4 files');
  console.log(`onnx:tiny-onnx cached: ${size} bytes`);
  await screenshot(page, 'view-compare-models-onnx');

  // A roleplay arm on it, run in the worker.
  const spec = {
    name: 'roleplay on ONNX',
    data: { source: 'builtin', personas: 40, questionsPerPersona: 4 },
    eval: { maxPairsPerSet: 20 },
    arms: [{ label: 'roleplay onnx', method: { kind: 'roleplay', readout: 'choice' }, model: { kind: 'lm', source: 'onnx', onnx: 'onnx:tiny-onnx', maxTokens: 128 } }],
  };
  await page.goto(`/#/experiments?spec=${Buffer.from(JSON.stringify(spec)).toString('base64url')}`);
  await expect(page.getByLabel('Name')).toHaveValue('roleplay on ONNX');
  await page.getByLabel('Backend').selectOption('cpu');
  await page.getByTestId('run-start').click();
  await expect(page.getByTestId('run-status')).toContainText('Finished on the CPU', { timeout: 150_000 });
  await page.getByRole('link', { name: 'See the results' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Results', exact: true })).toBeVisible();
  // The same arm on our engine with the same weights (the CLI, tests/fixtures/tiny-checkpoint/llama-f32) scores the same pairs alike.
  const dir = mkdtempSync(join(tmpdir(), 'e2e-onnx-run-'));
  const engineSpec = { ...spec, arms: [{ ...spec.arms[0], model: { kind: 'lm', maxTokens: 128 } }] };
  writeFileSync(join(dir, 'spec.json'), JSON.stringify(engineSpec));
  execFileSync('node', ['scripts/node-run.mjs', 'src/cli/main.ts', 'experiment', 'run', join(dir, 'spec.json'), '--model-dir', 'tests/fixtures/tiny-checkpoint/llama-f32', '--json', join(dir, 'record.json'), '--runs', join(dir, 'runs'), '--quiet'], { stdio: 'pipe' });
  const record = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as { arms: { sets: { set: string; accuracy: number; lo: number; hi: number; n: number }[] }[] };
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  const row = page.getByRole('row', { name: /^roleplay onnx roleplay \(choice tokens\)/ });
  for (const s of record.arms[0].sets) await expect(row).toContainText(`${pct(s.accuracy)} [${pct(s.lo)}, ${pct(s.hi)}] n=${s.n}`);
  await screenshot(page, 'results-onnx-roleplay');
});

test("with the WebGPU backend chosen, a roleplay arm on the ONNX model runs on onnxruntime-web's WebGPU EP and scores as on WASM", async ({ page }) => {
  test.setTimeout(420_000);
  const panel = await openModels(page);
  await panel.getByTestId('onnx-import-input').setInputFiles(folder('tiny-onnx'));
  await expect(panel.getByTestId('onnx-import-done')).toContainText('Stored as onnx:tiny-onnx', { timeout: 60_000 });
  const arm = (label: string) => ({ label, method: { kind: 'roleplay', readout: 'choice' }, model: { kind: 'lm', source: 'onnx', onnx: 'onnx:tiny-onnx', maxTokens: 128 } });
  const data = { source: 'builtin', personas: 40, questionsPerPersona: 4 };
  const run = async (name: string, backend: 'cpu' | 'webgpu', label: string) => {
    const spec = { name, data, eval: { maxPairsPerSet: 20 }, arms: [arm(label)] };
    // A fresh load: the app reads a spec link when it starts.
    await page.goto('about:blank');
    await page.goto(`/#/experiments?spec=${Buffer.from(JSON.stringify(spec)).toString('base64url')}`);
    await expect(page.getByLabel('Name')).toHaveValue(name);
    await page.getByLabel('Backend').selectOption(backend);
    await page.getByTestId('run-start').click();
    await expect(page.getByTestId('run-status')).toContainText('Finished on', { timeout: 240_000 });
    const status = (await page.getByTestId('run-status').textContent()) ?? '';
    console.log(`[onnx ${backend}] ${status}`);
    return status;
  };
  // The WASM EP: the CPU backend asks for it.
  expect(await run('onnx on wasm', 'cpu', 'roleplay onnx wasm')).toContain("Finished on the CPU, ONNX on onnxruntime-web's WASM EP.");
  // The WebGPU EP: the WebGPU backend asks for it, and it starts (SwiftShader here): no fallback.
  const gpu = await run('onnx on webgpu', 'webgpu', 'roleplay onnx webgpu');
  expect(gpu).toMatch(/Finished on WebGPU \(.+\), ONNX on onnxruntime-web's WebGPU EP\./);
  expect(gpu).not.toContain('could not start');

  await page.getByRole('link', { name: 'See the results' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Results', exact: true })).toBeVisible();
  // What the records keep, as Results shows it beside each run's backend.
  const runRow = (name: string) => page.locator('tr', { hasText: name }).first();
  await expect(runRow('onnx on webgpu').getByTestId('run-onnx-ep')).toHaveText("ONNX on onnxruntime-web's WebGPU EP");
  await expect(runRow('onnx on wasm').getByTestId('run-onnx-ep')).toHaveText("ONNX on onnxruntime-web's WASM EP");
  // Both runs shown: the same pairs scored alike on either EP (accuracy, interval and n per set).
  for (const name of ['onnx on wasm', 'onnx on webgpu']) {
    const box = runRow(name).getByRole('checkbox');
    if (!(await box.isChecked())) await box.check();
  }
  const scores = async (run: string, label: string) => {
    const row = page.getByRole('row', { name: new RegExp(`^${run} · ${label} roleplay \\(choice tokens\\)`) });
    await expect(row).toContainText('n=20');
    return row.locator('td').allInnerTexts();
  };
  const wasm = await scores('onnx on wasm', 'roleplay onnx wasm');
  const webgpu = await scores('onnx on webgpu', 'roleplay onnx webgpu');
  console.log(`[onnx] wasm ${JSON.stringify(wasm)} webgpu ${JSON.stringify(webgpu)}`);
  // Method, attributes and three sets (each with its conflicting pairs), each cell alike.
  expect(wasm.filter((c) => /\d+\.\d% \[\d+\.\d%, \d+\.\d%\] n=\d+/.test(c)).length).toBe(3);
  expect(webgpu).toEqual(wasm);
  await screenshot(page, 'results-onnx-webgpu-ep');
});

test("a cached ONNX model is a Compare column: the built-in model's ONNX export answers a persona", async ({ page }) => {
  test.setTimeout(240_000);
  // The built-in model's own weights written as an ONNX decoder by the repo's script (5.7 MB, not committed).
  const dir = join(mkdtempSync(join(tmpdir(), 'e2e-onnx-builtin-')), 'builtin-onnx');
  execFileSync('node', ['scripts/node-run.mjs', 'scripts/onnx-fixture/write.ts', 'public/models/builtin', dir], { stdio: 'pipe' });
  const panel = await openModels(page);
  await panel.getByTestId('onnx-import-input').setInputFiles(dir);
  await expect(panel.getByTestId('onnx-import-done')).toContainText('Stored as onnx:builtin-onnx', { timeout: 60_000 });
  const option = page.getByLabel('Column 1 model').locator('option[value="onnx:builtin-onnx"]');
  await expect(option).toHaveText('builtin-onnx (ONNX)');
  await page.getByLabel('Column 1 model').selectOption('onnx:builtin-onnx');
  await page.getByLabel('Max tokens').fill('24');
  await page.getByRole('button', { name: 'Generate', exact: true }).click();
  await expect(page.getByTestId('run-meta')).toBeVisible({ timeout: 150_000 });
  await expect(page.getByTestId('compare-column-1')).toContainText('builtin-onnx (ONNX)');
  const answer = page.getByTestId('answer-1-1');
  await expect(answer.getByTestId('truth')).toContainText('True utility');
  expect(((await answer.textContent()) ?? '').length).toBeGreaterThan(40);
  await screenshot(page, 'view-compare-onnx-column');
});

test('downloads an ONNX model from a URL with a token into the model cache, lists its size, deletes it', async ({ page }) => {
  test.setTimeout(180_000);
  // A local server in the hub's URL layout (never the real hub), CORS open, a token required.
  const token = 'hf_e2e_token';
  const prefix = '/org/tiny-onnx/resolve/main/';
  const server = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization, Range', 'Access-Control-Expose-Headers': 'Content-Length, Content-Range, ETag' };
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401, cors).end();
    const path = decodeURIComponent(new URL(req.url!, 'http://x').pathname);
    const file = path.startsWith(prefix) ? path.slice(prefix.length) : '';
    if (!FILES.includes(file)) return void res.writeHead(404, cors).end();
    const body = readFileSync(join(FIXTURE, file));
    res.writeHead(200, { ...cors, 'Content-Length': body.length }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/org/tiny-onnx/resolve/main`;
    const panel = await openModels(page);
    const onnx = panel.getByTestId('onnx-import');
    await onnx.getByLabel('Hub repo or URL').fill(url);
    await onnx.getByRole('button', { name: 'Download' }).click();
    await expect(onnx.getByRole('alert')).toContainText('401');
    await expect(panel).toContainText('No downloaded models in this browser.');
    await onnx.getByLabel('Token (optional)').fill(token);
    await onnx.getByRole('button', { name: 'Download' }).click();
    await expect(onnx.getByTestId('onnx-import-done')).toContainText(`Stored as onnx:${url}: onnx/model.onnx, 98 KiB, 2 layers`, { timeout: 60_000 });
    await expect(panel.locator('.models-panel__cache li', { hasText: `onnx:${url}` })).toContainText('4 files, 105 KiB');
    await panel.locator('.models-panel__cache li', { hasText: `onnx:${url}` }).getByRole('button', { name: 'Delete' }).click();
    await expect(panel).toContainText('No downloaded models in this browser.');
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('a cached ONNX model as the Compare judge gives the verdicts our engine gives on the same weights (cli serve builtin)', async ({ page }) => {
  test.setTimeout(600_000);
  // The built-in model's own weights as ONNX (it reads the persona first, as on our engine).
  const dir = join(mkdtempSync(join(tmpdir(), 'e2e-onnx-judge-')), 'builtin-onnx');
  execFileSync('node', ['scripts/node-run.mjs', 'scripts/onnx-fixture/write.ts', 'public/models/builtin', dir], { stdio: 'pipe' });
  const models = await openModels(page);
  await models.getByTestId('onnx-import-input').setInputFiles(dir);
  await expect(models.getByTestId('onnx-import-done')).toContainText('Stored as onnx:builtin-onnx', { timeout: 60_000 });
  // Greedy answers, long enough to differ between the two personas (sampled, both may read a persona alike).
  await expect(page.getByTestId('model-status')).toContainText('built-in', { timeout: 120_000 });
  await page.getByLabel('Temperature').fill('0');
  await generateBuiltinPair(page, '3', '64');
  const answers = await Promise.all([1, 2].map(async (c) => (await page.getByTestId(`answer-${c}-1`).textContent()) ?? ''));
  expect(answers[0]).not.toBe(answers[1]);

  const panel = page.getByTestId('external-judge');
  await panel.getByText('External judge settings').click();
  await panel.getByTestId('judge-enabled').check();
  await panel.getByTestId('judge-source').selectOption('onnx');
  await panel.getByTestId('judge-onnx-model').selectOption('onnx:builtin-onnx');
  await expect(panel.getByTestId('judge-who')).toHaveText('onnx:builtin-onnx in this browser (onnxruntime-web)');
  const verdicts = panel.getByTestId('judge-verdict');
  const read = async () => {
    await expect(verdicts).toHaveCount(2, { timeout: 300_000 });
    await expect(panel.getByTestId('judge-error')).toHaveCount(0);
    const rows = panel.getByTestId('judge-verdicts').locator('tbody tr');
    const out: { verdict: string; scores: number[] }[] = [];
    for (const row of await rows.all()) {
      const summary = (await row.locator('summary').textContent()) ?? '';
      out.push({ verdict: (await row.getByTestId('judge-verdict').textContent()) ?? '', scores: [...summary.matchAll(/: (-?\d+\.\d)/g)].map((m) => Number(m[1])) });
    }
    return out;
  };
  await panel.getByTestId('judge-run').click();
  const onnx = await read();
  await screenshot(page, 'compare-onnx-judge');

  // The same pairs, judged again by our engine on the same weights through cli serve.
  const server = await startServe();
  try {
    await panel.getByRole('button', { name: 'Clear verdicts' }).click();
    await panel.getByTestId('judge-source').selectOption('endpoint');
    await panel.getByLabel('Base URL').fill(server.baseUrl);
    await panel.getByLabel('Model').fill('builtin');
    await panel.getByTestId('judge-method').selectOption('likelihood');
    await panel.getByTestId('judge-run').click();
    const engine = await read();
    console.log(`[onnx judge] onnx ${JSON.stringify(onnx)} engine ${JSON.stringify(engine)}`);
    expect(onnx.map((v) => v.verdict)).toEqual(engine.map((v) => v.verdict));
    // Different answers, and a judge that tells them apart.
    expect(onnx.some((v) => !v.verdict.startsWith('Tie'))).toBe(true);
    for (let i = 0; i < onnx.length; i++) {
      expect(onnx[i].scores.length).toBe(2);
      // Shown to 0.1: within one rounding step.
      for (let k = 0; k < 2; k++) expect(Math.abs(onnx[i].scores[k] - engine[i].scores[k])).toBeLessThanOrEqual(0.1 + 1e-9);
    }
  } finally {
    await server.stop();
  }
});

