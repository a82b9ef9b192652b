// Tokens per second of one full training step (forward, cross-entropy, backward, AdamW with
// clipping) of a Llama-style model on a backend, timed to completion (webgpu: submitted and
// finished). Two sizes: the golden test's tiny Llama (tests/fixtures/golden; V 64, C 32, 2 layers,
// 4/2 heads of 8, MLP 64, B 2 x T 8), and a small one where matmuls dominate (V 512, C 128,
// 2 layers, 4/2 heads of 32, MLP 384, B 4 x T 64). Weights are seeded random, not the fixture's.
import { backward } from '../../autograd';
import { parseModelConfig } from '../../models/config';
import { expectedTensors } from '../../models/checkpoint';
import { LlamaModel } from '../../models/llama/model';
import { tidy, type Backend, type Tensor } from '../../tensor';
import { AdamW, crossEntropyLoss } from '../../train';
import { Rng } from '../../util/rng';

export interface TrainModelSize {
  name: string;
  vocab: number;
  channels: number;
  layers: number;
  heads: number;
  kvHeads: number;
  mlp: number;
  batch: number;
  time: number;
}

export const TRAIN_SIZES: TrainModelSize[] = [
  { name: 'golden tiny llama (B2 T8)', vocab: 64, channels: 32, layers: 2, heads: 4, kvHeads: 2, mlp: 64, batch: 2, time: 8 },
  { name: 'small llama C128 (B4 T64)', vocab: 512, channels: 128, layers: 2, heads: 4, kvHeads: 2, mlp: 384, batch: 4, time: 64 },
];

export interface TrainStepResult {
  model: string;
  backend: string;
  tokensPerStep: number;
  bestMs: number;
  medianMs: number;
  steps: number;
  tokensPerSecond: number;
  /** Loss before the first and after the last timed step: training moved. */
  firstLoss: number;
  lastLoss: number;
}

function buildModel(be: Backend, size: TrainModelSize, rng: Rng): LlamaModel {
  const config = parseModelConfig({
    architectures: ['LlamaForCausalLM'],
    hidden_size: size.channels,
    intermediate_size: size.mlp,
    num_hidden_layers: size.layers,
    num_attention_heads: size.heads,
    num_key_value_heads: size.kvHeads,
    vocab_size: size.vocab,
    tie_word_embeddings: true,
    max_position_embeddings: Math.max(64, size.time),
    rms_norm_eps: 1e-5,
  });
  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of expectedTensors(config)) {
    const n = shape.reduce((p, d) => p * d, 1);
    const data = shape.length === 1 ? new Float32Array(n).fill(1) : rng.float32(n, { normal: 0.05 });
    tensors.set(name, be.fromData(data, shape));
  }
  return new LlamaModel(be, config, tensors).unfreeze();
}

export async function benchTrainStep(be: Backend, size: TrainModelSize, steps: number): Promise<TrainStepResult> {
  const rng = new Rng(77);
  const model = buildModel(be, size, rng);
  const opt = new AdamW(model.parameters(), { lr: 1e-3, clipNorm: 1 });
  const tokens = size.batch * size.time;
  const ids = Int32Array.from({ length: tokens }, () => rng.int(size.vocab));
  // Next-token targets of a fixed random stream (the last position of each row predicts a random id).
  const targets = Int32Array.from({ length: tokens }, (_, i) => (i % size.time === size.time - 1 ? rng.int(size.vocab) : ids[i + 1]));
  const step = async (): Promise<{ ms: number; loss: number }> => {
    const t0 = performance.now();
    const loss = tidy(() => {
      const l = crossEntropyLoss(model.forward(ids, size.batch, size.time), targets);
      backward(l);
      return l;
    });
    opt.update()?.dispose();
    be.flush();
    await be.sync();
    const ms = performance.now() - t0;
    const value = await loss.item(); // after the clock: the log-interval readback
    loss.dispose();
    return { ms, loss: value };
  };
  try {
    const first = await step(); // warm-up: pipeline compiles, pool fills
    const times: number[] = [];
    let last = first;
    for (let i = 0; i < steps; i++) {
      last = await step();
      times.push(last.ms);
    }
    times.sort((x, y) => x - y);
    return {
      model: size.name,
      backend: be.name,
      tokensPerStep: tokens,
      bestMs: times[0],
      medianMs: times[Math.floor(times.length / 2)],
      steps: times.length,
      tokensPerSecond: tokens / (times[0] / 1000),
      firstLoss: first.loss,
      lastLoss: last.loss,
    };
  } finally {
    opt.dispose();
    model.dispose();
  }
}
