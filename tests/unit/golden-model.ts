// The golden fixture (tests/fixtures/golden/tiny-llama.json, written by
// scripts/golden/write_golden.py with PyTorch) and the same tiny Llama built from our nn modules
// and autograd ops, shared by the cpu (tests/unit/golden.test.ts) and webgpu
// (tests/gpu/golden.test.ts) golden tests. Heads stay in [B, T, H, D]: rope and attention run in
// the BTHD layout, so there are no transposes.
import { readFileSync } from 'node:fs';
import { add, attention, backward, matmul, mul, reshape, rope, silu } from '../../src/autograd';
import { Embedding, Linear, Module, RMSNorm } from '../../src/nn';
import { tidy, type Backend, type Tensor } from '../../src/tensor';
import { AdamW, crossEntropyLoss, readMetrics } from '../../src/train';

export interface GoldenFixture {
  config: {
    vocab: number;
    channels: number;
    layers: number;
    heads: number;
    kvHeads: number;
    headDim: number;
    mlp: number;
    batch: number;
    time: number;
    rmsNormEps: number;
    ropeTheta: number;
    ignoreIndex: number;
  };
  adamw: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; clipNorm: number; steps: number };
  ids: Int32Array;
  targets: Int32Array;
  params: Record<string, { shape: number[]; data: Float32Array }>;
  logits: Float32Array;
  loss: number;
  grads: Record<string, Float32Array>;
  stepLosses: number[];
  gradNorms: number[];
  finalLoss: number;
}

function decode<T extends Float32Array | Int32Array>(b64: string, Kind: new (b: ArrayBuffer) => T): T {
  const bytes = Buffer.from(b64, 'base64');
  return new Kind(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

export function loadGolden(): GoldenFixture {
  const raw = JSON.parse(readFileSync(new URL('../fixtures/golden/tiny-llama.json', import.meta.url), 'utf8'));
  const params: GoldenFixture['params'] = {};
  for (const [k, v] of Object.entries(raw.params as Record<string, { shape: number[]; data: string }>)) {
    params[k] = { shape: v.shape, data: decode(v.data, Float32Array) };
  }
  const grads: GoldenFixture['grads'] = {};
  for (const [k, v] of Object.entries(raw.grads as Record<string, string>)) grads[k] = decode(v, Float32Array);
  return {
    ...raw,
    ids: decode(raw.ids, Int32Array),
    targets: decode(raw.targets, Int32Array),
    params,
    logits: decode(raw.logits, Float32Array),
    grads,
  };
}

class Block extends Module {
  readonly inputNorm: RMSNorm;
  readonly q: Linear;
  readonly k: Linear;
  readonly v: Linear;
  readonly o: Linear;
  readonly postNorm: RMSNorm;
  readonly gate: Linear;
  readonly up: Linear;
  readonly down: Linear;

  constructor(be: Backend, g: GoldenFixture, i: number) {
    super();
    const w = (name: string) => {
      const p = g.params[`model.layers.${i}.${name}.weight`];
      return be.fromData(p.data, p.shape);
    };
    const eps = g.config.rmsNormEps;
    this.inputNorm = this.addModule('input_layernorm', new RMSNorm(w('input_layernorm'), eps));
    const attn = new Module();
    this.q = new Linear(w('self_attn.q_proj'));
    this.k = new Linear(w('self_attn.k_proj'));
    this.v = new Linear(w('self_attn.v_proj'));
    this.o = new Linear(w('self_attn.o_proj'));
    this.addModule('self_attn', attn);
    Object.entries({ q_proj: this.q, k_proj: this.k, v_proj: this.v, o_proj: this.o }).forEach(([n, m]) => attn.addModule(n, m));
    this.postNorm = this.addModule('post_attention_layernorm', new RMSNorm(w('post_attention_layernorm'), eps));
    const mlp = new Module();
    this.gate = new Linear(w('mlp.gate_proj'));
    this.up = new Linear(w('mlp.up_proj'));
    this.down = new Linear(w('mlp.down_proj'));
    this.addModule('mlp', mlp);
    Object.entries({ gate_proj: this.gate, up_proj: this.up, down_proj: this.down }).forEach(([n, m]) => mlp.addModule(n, m));
  }
}

export class GoldenLlama extends Module {
  readonly embed: Embedding;
  readonly blocks: Block[];
  readonly norm: RMSNorm;

  constructor(
    readonly be: Backend,
    readonly g: GoldenFixture,
  ) {
    super();
    const p = (name: string) => be.fromData(g.params[name].data, g.params[name].shape);
    const model = new Module();
    this.addModule('model', model);
    const reg = (m: Module, n: string, c: Module) => m.addModule(n, c);
    this.embed = new Embedding(p('model.embed_tokens.weight'));
    reg(model, 'embed_tokens', this.embed);
    const layers = new Module();
    reg(model, 'layers', layers);
    this.blocks = Array.from({ length: g.config.layers }, (_, i) => {
      const b = new Block(be, g, i);
      reg(layers, String(i), b);
      return b;
    });
    this.norm = new RMSNorm(p('model.norm.weight'), g.config.rmsNormEps);
    reg(model, 'norm', this.norm);
  }

  /** Logits [B, T, V] of the fixture's ids. */
  forward(): Tensor {
    const { batch: B, time: T, heads: HQ, kvHeads: HKV, headDim: D, ropeTheta } = this.g.config;
    const be = this.be;
    const ids = be.fromData(this.g.ids, [B, T], 'i32');
    const positions = be.fromData(Int32Array.from({ length: T }, (_, t) => t), [T], 'i32');
    let x = this.embed.forward(ids);
    for (const blk of this.blocks) {
      const h = blk.inputNorm.forward(x);
      const q = rope(reshape(blk.q.forward(h), [B, T, HQ, D]), positions, ropeTheta, 'BTHD');
      const k = rope(reshape(blk.k.forward(h), [B, T, HKV, D]), positions, ropeTheta, 'BTHD');
      const v = reshape(blk.v.forward(h), [B, T, HKV, D]);
      const a = attention(q, k, v, { causal: true, layout: 'BTHD' });
      x = add(x, blk.o.forward(reshape(a, [B, T, HQ * D])));
      const h2 = blk.postNorm.forward(x);
      x = add(x, blk.down.forward(mul(silu(blk.gate.forward(h2)), blk.up.forward(h2))));
    }
    // Tied head: the embedding matrix, transposed.
    return matmul(this.norm.forward(x), this.embed.weight, { transB: true });
  }
}

export interface GoldenRun {
  logits: Float32Array;
  loss: number;
  grads: Record<string, Float32Array>;
  /** Loss before each of the AdamW steps, as the fixture records them. */
  stepLosses: number[];
  gradNorms: number[];
  finalLoss: number;
}

/** Forward, backward and the fixture's AdamW steps on `be`; only metrics are read back. */
export async function runGolden(be: Backend, g: GoldenFixture): Promise<GoldenRun> {
  const model = new GoldenLlama(be, g);
  const params = model.namedParameters();
  const opt = new AdamW(
    params.map(([, t]) => t),
    { lr: g.adamw.lr, beta1: g.adamw.beta1, beta2: g.adamw.beta2, eps: g.adamw.eps, weightDecay: g.adamw.weightDecay, clipNorm: g.adamw.clipNorm },
  );
  const lossOf = (logits: Tensor) => crossEntropyLoss(logits, g.targets, { ignoreIndex: g.config.ignoreIndex });

  // Step 0 in detail: logits, loss and every gradient.
  const first = tidy(() => {
    const logits = model.forward();
    const loss = lossOf(logits);
    backward(loss);
    return { logits, loss };
  });
  const run: GoldenRun = { logits: (await first.logits.data()) as Float32Array, loss: await first.loss.item(), grads: {}, stepLosses: [], gradNorms: [], finalLoss: NaN };
  for (const [name, t] of params) run.grads[name] = (await t.grad!.data()) as Float32Array;
  first.logits.dispose();

  let loss = first.loss;
  for (let step = 0; step < g.adamw.steps; step++) {
    const norm = opt.update();
    // Log interval = every step here: the only readbacks.
    const m = await readMetrics(step, { loss, gradNorm: norm! });
    run.stepLosses.push(m.loss);
    run.gradNorms.push(m.gradNorm);
    loss.dispose();
    loss = tidy(() => {
      const l = lossOf(model.forward());
      if (step < g.adamw.steps - 1) backward(l);
      return l;
    });
  }
  run.finalLoss = await loss.item();
  loss.dispose();
  opt.dispose();
  model.dispose();
  return run;
}

/** max |a - e| / max |e|: the tensor-relative error the golden tolerances are stated in. */
export function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let err = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    err = d > err || Number.isNaN(d) ? d : err;
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return err / scale;
}
