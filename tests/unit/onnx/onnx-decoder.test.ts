// The ONNX model source on the repo's fixture (tests/fixtures/onnx-decoder: the tiny test Llama
// checkpoint's own weights exported by scripts/onnx-fixture/write.ts), run by onnxruntime-web's
// WASM EP in Node: the fixture is what the exporter writes today, its log-probs match our engine's
// on the same weights to 1e-4 at every position of a padded batch, the prompting readouts agree,
// and generation through the graph's KV cache picks the tokens our engine's generate picks.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { noGrad } from '../../../src/autograd';
import { padBatch } from '../../../src/models/batch';
import { openCheckpoint } from '../../../src/models/checkpoint';
import { generate } from '../../../src/models/generate/generate';
import { engineInference } from '../../../src/models/inference';
import { folderFiles } from '../../../src/models/io/node-files';
import { loadModel, type LoadedModel } from '../../../src/models/load-model';
import { exportOnnxDecoder } from '../../../src/models/onnx/export-decoder';
import { onnxFolderFiles } from '../../../src/models/onnx/node-folder';
import { loadOnnxModel, type LoadedOnnx } from '../../../src/models/onnx/open';
import { createBackend, tidy } from '../../../src/tensor';

const CHECKPOINT = 'tests/fixtures/tiny-checkpoint/llama-f32';
const FIXTURE = 'tests/fixtures/onnx-decoder';
const TEXTS = ['The cat sat on the mat.', 'Hello world', 'A longer sentence about preferences and people, with commas.'];

let engine: LoadedModel;
let onnx: LoadedOnnx;

beforeAll(async () => {
  engine = await loadModel(await createBackend('cpu'), await folderFiles(CHECKPOINT));
  onnx = await loadOnnxModel(await onnxFolderFiles(FIXTURE));
});
afterAll(async () => {
  engine.model.dispose();
  await onnx.lm.dispose();
});

function logSoftmaxRow(x: ArrayLike<number>, at: number, V: number): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, x[at + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(x[at + v] - max);
  return Float64Array.from({ length: V }, (_, v) => x[at + v] - max - Math.log(sum));
}

describe('ONNX decoder fixture', () => {
  it('is what the exporter writes from the tiny checkpoint today (same weights)', async () => {
    const ck = await openCheckpoint(await folderFiles(CHECKPOINT));
    const written = await exportOnnxDecoder(ck.config, (n) => ck.weights.readFloat32(n));
    const committed = new Uint8Array(await readFile(`${FIXTURE}/onnx/model.onnx`));
    expect(written.length).toBe(committed.length);
    expect(Buffer.compare(Buffer.from(written), Buffer.from(committed))).toBe(0);
  });

  it('loads through the ONNX source as a decoder with past key values', () => {
    expect(onnx.file).toBe('onnx/model.onnx');
    expect(onnx.layout).toEqual({ numLayers: 2, positionIds: true, kvHeads: 2, headDim: 8 });
    expect(onnx.config.vocabSize).toBe(320);
    expect(onnx.lm.provider).toBe('wasm');
  });

  it("matches our engine's log-probs at every real position of a padded batch to 1e-4", async () => {
    const seqs = TEXTS.map((t) => engine.tokenizer.encode(t));
    const batch = padBatch(seqs, engine.tokenizer.padId);
    const V = engine.config.vocabSize;
    const ours = noGrad(() => tidy(() => engine.model.forward(batch.ids, batch.B, batch.T)));
    const oursData = (await ours.data()) as Float32Array;
    ours.dispose();
    const theirs = await onnx.lm.logits(batch);
    let worst = 0;
    let compared = 0;
    for (let b = 0; b < batch.B; b++) {
      for (let t = 0; t < batch.lengths[b]; t++) {
        const at = (b * batch.T + t) * V;
        const a = logSoftmaxRow(oursData, at, V);
        const c = logSoftmaxRow(theirs, at, V);
        for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(a[v] - c[v]));
        compared += V;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
    expect(worst).toBeLessThan(1e-4);
  });

  it('gives the readouts roleplay and few-shot use as our engine does', async () => {
    const ours = engineInference(engine.model);
    const seqs = TEXTS.map((t) => engine.tokenizer.encode(t));
    const batch = padBatch(seqs, engine.tokenizer.padId);
    const ids = [65, 66, 312];
    const a = await ours.lastTokenLogits(batch, ids);
    const b = await onnx.lm.lastTokenLogits(batch, ids);
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 4);
    const rows = seqs.map((s, i) => ({ prompt: s, response: seqs[(i + 1) % seqs.length] }));
    const o = { padId: engine.tokenizer.padId, batchSize: 2, maxLength: 64 };
    const sa = await ours.score(rows, o);
    const sb = await onnx.lm.score(rows, o);
    expect(sb.tokens).toEqual(sa.tokens);
    for (let i = 0; i < rows.length; i++) {
      expect(Math.abs(sb.sum[i] - sa.sum[i])).toBeLessThan(1e-4 * sa.tokens[i]);
      expect(Math.abs(sb.mean[i] - sa.mean[i])).toBeLessThan(1e-4);
    }
  });

  it("generates through the graph's KV cache the tokens our engine's generate picks (greedy, prompts of different lengths)", async () => {
    const prompts = ['The cat', 'Hello world, the'].map((t) => engine.tokenizer.encode(t));
    const o = { maxNewTokens: 12, seed: 3, temperature: 0, vocabLimit: engine.tokenizer.size };
    const ours = await generate(engine.model, engine.tokenizer, prompts, o);
    const theirs = await onnx.lm.generate(onnx.tokenizer, prompts, o);
    expect(theirs.map((g) => g.ids)).toEqual(ours.map((g) => g.ids));
    expect(theirs.map((g) => g.text)).toEqual(ours.map((g) => g.text));
    expect(theirs[0].ids.length).toBeGreaterThan(0);
  });
});
