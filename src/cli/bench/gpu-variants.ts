// The GPU kernel variants side by side, each pair interleaved in one run on the same inputs and
// checked to agree: matmul with vec4 global loads against scalar loads (aligned products), and
// fused attention (online softmax, no T x T scores) against the unfused composition (products and
// a softmax over the whole score matrix), forward and forward + backward; where the adapter has
// subgroups, the few-row `matvec` kernel against the adapter's matmul kernel on generation's
// projections. Ratios are the other
// contender's best time over the variant's (> 1: the variant is faster).
import { interleave, ourGpuContender, relativeDifference, squareShape, TRANSFORMER_SHAPES, type Contender } from '../../bench/matmul-bench';
import type { RatioRow, SuiteOptions } from '../../bench/matmul-bench-suite';
import type { GpuContext } from '../../gpu';
import { createBackend, tidy, type AttentionOptions, type Backend, type Tensor } from '../../tensor';
import { defaultMatmulVariant, matmulVec4Eligible, type MatmulShape, type MatmulVariant } from '../../tensor/kernels/matmul';
import * as ops from '../../tensor/ops';
import { Rng } from '../../util/rng';

export const RATIO_VEC4 = 'matmul vec4 / scalar loads';
export const RATIO_MATVEC = 'matmul matvec (subgroups) / adapter kernel';
export const RATIO_FUSED_FORWARD = 'attention fused / unfused, forward';
export const RATIO_FUSED_TRAIN = 'attention fused / unfused, forward + backward';

/** A ratio line of this module: which pair, on which product. */
export interface VariantRatio extends RatioRow {
  label: string;
}

/** One attention shape: B, heads (query = key/value heads), T = S, D. */
export interface AttentionBenchShape {
  b: number;
  h: number;
  t: number;
  d: number;
}

async function compare(ours: Contender, theirs: Contender, options: SuiteOptions): Promise<Omit<RatioRow, 'name' | 'size'>> {
  const t = await interleave({ ours: ours.run, theirs: theirs.run }, options);
  const difference = relativeDifference(await ours.result(), await theirs.result());
  return { ratio: t.theirs.bestMs / t.ours.bestMs, ours: t.ours, theirs: t.theirs, difference };
}

/** vec4 against scalar loads on every aligned square size and transformer-shaped product. */
export async function benchMatmulLoads(ctx: GpuContext, options: SuiteOptions & { variant?: MatmulVariant }): Promise<VariantRatio[]> {
  const rows: VariantRatio[] = [];
  const shapes = [...options.sizes.map(squareShape), ...(options.transformerShapes ? TRANSFORMER_SHAPES : [])];
  for (const { label, shape } of shapes.filter((s) => matmulVec4Eligible(s.shape))) {
    const vec4 = ourGpuContender(ctx, shape, options.variant, 'vec4');
    const scalar = ourGpuContender(ctx, shape, options.variant, 'scalar');
    try {
      const c = await compare(vec4, scalar, options);
      options.log?.(`${RATIO_VEC4} ${label}: ${c.ours.bestMs.toFixed(1)} ms vs ${c.theirs.bestMs.toFixed(1)} ms`);
      rows.push({ name: RATIO_VEC4, label, size: shape.n, ...c });
    } finally {
      vec4.destroy();
      scalar.destroy();
    }
  }
  return rows;
}

/** Generation's projections at batch 1 and 16: the built-in model's (C 128) and SmolLM2-135M's (C 576, MLP 1536). */
export const MATVEC_SHAPES: Array<{ label: string; shape: MatmulShape }> = [
  { label: 'x[1,576] @ W[1536,576]^T', shape: { batch: 1, m: 1, n: 1536, k: 576, transB: true } },
  { label: 'x[16,576] @ W[1536,576]^T', shape: { batch: 1, m: 16, n: 1536, k: 576, transB: true } },
  { label: 'x[16,128] @ W[512,128]^T', shape: { batch: 1, m: 16, n: 512, k: 128, transB: true } },
];

/** The `matvec` kernel against the adapter's own (tiled or direct, default loads); none without subgroups. */
export async function benchMatvec(ctx: GpuContext, options: SuiteOptions): Promise<VariantRatio[]> {
  if (!ctx.hasFeature('subgroups')) {
    options.log?.(`${RATIO_MATVEC}: skipped, the adapter has no subgroups`);
    return [];
  }
  const rows: VariantRatio[] = [];
  for (const { label, shape } of MATVEC_SHAPES) {
    const matvec = ourGpuContender(ctx, shape, 'matvec');
    const other = ourGpuContender(ctx, shape, defaultMatmulVariant(ctx));
    try {
      const c = await compare(matvec, other, options);
      options.log?.(`${RATIO_MATVEC} ${label}: ${c.ours.bestMs.toFixed(2)} ms vs ${c.theirs.bestMs.toFixed(2)} ms`);
      rows.push({ name: RATIO_MATVEC, label, size: shape.m, ...c });
    } finally {
      matvec.destroy();
      other.destroy();
    }
  }
  return rows;
}

/** Runs attention (and its backward when `train`) `times` times on the webgpu backend. */
function attentionContender(be: Backend, inputs: Tensor[], o: AttentionOptions, train: boolean): Contender {
  const [q, k, v, dout] = inputs;
  let last: Float32Array | null = null;
  const once = (): Tensor =>
    tidy(() => {
      const f = ops.attention(be, q, k, v, o);
      if (!train) return f.out;
      return ops.attentionBackward(be, q, k, v, f.out, f.lse, dout, o).dq;
    });
  return {
    async run(times) {
      const t0 = performance.now();
      for (let i = 0; i < times; i++) {
        const out = once();
        if (i === times - 1) {
          await be.sync();
          last = (await out.data()) as Float32Array;
        }
        out.dispose();
      }
      await be.sync();
      return performance.now() - t0;
    },
    async result() {
      if (!last) await this.run(1);
      return last!;
    },
    destroy() {},
  };
}

/** Fused against unfused attention (causal, BHTD), forward and forward + backward, per shape. */
export async function benchAttentionFusion(ctx: GpuContext, shapes: readonly AttentionBenchShape[], options: SuiteOptions): Promise<VariantRatio[]> {
  const be = await createBackend('webgpu', ctx);
  const rows: VariantRatio[] = [];
  for (const s of shapes) {
    const rng = new Rng(7);
    const shape = [s.b, s.h, s.t, s.d];
    const n = s.b * s.h * s.t * s.d;
    const inputs = [0, 1, 2, 3].map(() => be.fromData(rng.float32(n), shape));
    try {
      for (const train of [false, true]) {
        const fused = attentionContender(be, inputs, { causal: true, impl: 'fused' }, train);
        const unfused = attentionContender(be, inputs, { causal: true, impl: 'unfused' }, train);
        const c = await compare(fused, unfused, options);
        const name = train ? RATIO_FUSED_TRAIN : RATIO_FUSED_FORWARD;
        const label = `B${s.b} H${s.h} T${s.t} D${s.d}`;
        options.log?.(`${name} ${label}: ${c.ours.bestMs.toFixed(1)} ms vs ${c.theirs.bestMs.toFixed(1)} ms`);
        rows.push({ name, label, size: s.t, ...c });
      }
    } finally {
      for (const t of inputs) t.dispose();
    }
  }
  return rows;
}

/** Parses --attention-t 64,128 into shapes of SmolLM2-135M's heads (9 of 64) at batch 1. */
export function attentionShapes(ts: readonly number[]): AttentionBenchShape[] {
  return ts.map((t) => ({ b: 1, h: 9, t, d: 64 }));
}

/** The variant lines, one per pair and product, e.g.
 * "attention fused / unfused, forward  B1 H9 T128 D64: 2.41  [ours 12.0 ms vs 28.9 ms, ...]". */
export function formatVariantRatios(environment: string, rows: readonly VariantRatio[]): string {
  const width = Math.max(...rows.map((r) => `${r.name}  ${r.label}`.length));
  return [
    `kernel variants [${environment}] (the other's best time / the variant's: > 1, the variant is faster)`,
    ...rows.map(
      (r) =>
        `${`${r.name}  ${r.label}`.padEnd(width)}: ${r.ratio.toFixed(2)}  [${r.ours.bestMs.toFixed(1)} ms vs ${r.theirs.bestMs.toFixed(1)} ms, ` +
        `best of ${r.ours.runs}; results differ by ${r.difference.toExponential(1)}]`,
    ),
  ].join('\n');
}
