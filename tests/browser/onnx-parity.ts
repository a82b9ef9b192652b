// Entry of onnx-parity.html (built and opened by tests/e2e/onnx-parity.spec.ts): in this browser,
// loads the tiny test checkpoint on our engine (cpu backend) and its ONNX export (the fixture)
// through the ONNX source on onnxruntime-web's EP named by ?ep=wasm|webgpu, compares their
// log-probs at every real position of a padded batch, and publishes the result on
// window.__onnxParity (or the failure on window.__onnxParityError).
import { noGrad } from '../../src/autograd';
import { padBatch } from '../../src/models/batch';
import { memoryFiles } from '../../src/models/io/memory-files';
import { loadModel } from '../../src/models/load-model';
import { loadOnnxModel } from '../../src/models/onnx/open';
import type { OnnxProvider } from '../../src/models/onnx/onnx-lm';
import { createBackend, tidy } from '../../src/tensor';

export interface ParityResult {
  ep: OnnxProvider;
  worst: number;
  compared: number;
  /** Mean |Δ| of the roleplay choice readout's last-token logits. */
  lastLogitDiff: number;
  seconds: number;
}

declare global {
  interface Window {
    __onnxParity?: ParityResult;
    __onnxParityError?: string;
  }
}

const TEXTS = ['The cat sat on the mat.', 'Hello world', 'A longer sentence about preferences and people, with commas.'];

async function fetchAll(base: string, names: string[]): Promise<Record<string, Uint8Array>> {
  const out: Record<string, Uint8Array> = {};
  for (const n of names) {
    const r = await fetch(`${base}/${n}`);
    if (!r.ok) throw new Error(`${base}/${n}: HTTP ${r.status}`);
    out[n] = new Uint8Array(await r.arrayBuffer());
  }
  return out;
}

function logSoftmax(x: ArrayLike<number>, at: number, V: number): Float64Array {
  let max = -Infinity;
  for (let v = 0; v < V; v++) max = Math.max(max, x[at + v]);
  let sum = 0;
  for (let v = 0; v < V; v++) sum += Math.exp(x[at + v] - max);
  return Float64Array.from({ length: V }, (_, v) => x[at + v] - max - Math.log(sum));
}

async function main(): Promise<ParityResult> {
  const t0 = performance.now();
  const ep = (new URLSearchParams(location.search).get('ep') ?? 'wasm') as OnnxProvider;
  const ck = 'tiny-checkpoint/llama-f32';
  const engineFiles = await fetchAll(ck, ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
  const engine = await loadModel(await createBackend('cpu'), memoryFiles(engineFiles, ck));
  const onnxFiles = await fetchAll('onnx-decoder', ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']);
  const onnx = await loadOnnxModel(memoryFiles(onnxFiles, 'onnx-decoder'), { provider: ep });
  const batch = padBatch(TEXTS.map((t) => engine.tokenizer.encode(t)), engine.tokenizer.padId);
  const V = engine.config.vocabSize;
  const ours = noGrad(() => tidy(() => engine.model.forward(batch.ids, batch.B, batch.T)));
  const a = (await ours.data()) as Float32Array;
  ours.dispose();
  const b = await onnx.lm.logits(batch);
  let worst = 0;
  let compared = 0;
  let lastLogitDiff = 0;
  for (let r = 0; r < batch.B; r++) {
    for (let t = 0; t < batch.lengths[r]; t++) {
      const at = (r * batch.T + t) * V;
      const x = logSoftmax(a, at, V);
      const y = logSoftmax(b, at, V);
      for (let v = 0; v < V; v++) worst = Math.max(worst, Math.abs(x[v] - y[v]));
      compared += V;
    }
    const last = (r * batch.T + batch.lengths[r] - 1) * V;
    for (let v = 0; v < V; v++) lastLogitDiff += Math.abs(a[last + v] - b[last + v]) / (V * batch.B);
  }
  await onnx.lm.dispose();
  engine.model.dispose();
  return { ep, worst, compared, lastLogitDiff, seconds: (performance.now() - t0) / 1000 };
}

const logEl = document.getElementById('log')!;
main().then(
  (r) => {
    window.__onnxParity = r;
    logEl.textContent = JSON.stringify(r, null, 2);
  },
  (e: unknown) => {
    window.__onnxParityError = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    logEl.textContent = window.__onnxParityError;
  },
);
