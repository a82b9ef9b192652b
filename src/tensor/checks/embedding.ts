// The embedding KernelCheck: gather and its linked-list scatter-add backward against the CPU
// reference on seeded random ids — repeated ids (a padding token used hundreds of times), unused
// rows, ragged sizes, a 4096-wide row, extreme values — and NaN rows for out-of-range ids.
// Registered in ./index.ts.
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { compareOutputs } from './compare';
import { embeddingBackwardCpu, embeddingBackwardScratch, embeddingCpu, encodeEmbedding, encodeEmbeddingBackward, type EmbeddingShape } from '../kernels/embedding';
import type { KernelOptions } from '../kernels/kernel-support';
import { runKernel } from './run-kernel';

// The gather copies exactly; the backward sums in token order in f32 where the reference sums in f64.
const TOL_GATHER = { rtol: 0, atol: 0 };
const TOL_BACKWARD = { rtol: 1e-5, atol: 1e-6 };

interface EmbeddingCase {
  name: string;
  shape: EmbeddingShape;
  scale: number;
  /** Share of tokens that are the "padding" id 0 (a long chain in one row). */
  pad: number;
}

export const EMBEDDING_CASES: EmbeddingCase[] = [
  { name: 'V=1 C=1 N=1', shape: { v: 1, c: 1, n: 1 }, scale: 1, pad: 0 },
  { name: 'V=10 C=7 N=13', shape: { v: 10, c: 7, n: 13 }, scale: 1, pad: 0 },
  { name: 'V=300 C=33 N=257 (ragged, unused rows)', shape: { v: 300, c: 33, n: 257 }, scale: 1, pad: 0 },
  { name: 'padding token x ~200 of N=300', shape: { v: 50, c: 16, n: 300 }, scale: 1, pad: 0.7 },
  { name: 'C=4096 rows', shape: { v: 5, c: 4096, n: 6 }, scale: 1, pad: 0 },
  { name: 'extreme: |x| ~ 1e4', shape: { v: 20, c: 24, n: 40 }, scale: 1e4, pad: 0.3 },
  { name: 'N=0', shape: { v: 4, c: 3, n: 0 }, scale: 1, pad: 0 },
];

export async function embeddingGpu(
  ctx: GpuContext,
  table: Float32Array,
  ids: Int32Array,
  dy: Float32Array,
  s: EmbeddingShape,
  options: KernelOptions = {},
): Promise<{ out: Float32Array; dtable: Float32Array }> {
  const outputs = { out: s.n * s.c, dtable: s.v * s.c, scratch: embeddingBackwardScratch(s) };
  return runKernel(ctx, 'embedding', { table, ids, dy }, outputs, (enc, b) => {
    encodeEmbedding(ctx, enc, b.table, b.ids, b.out, s, options);
    encodeEmbeddingBackward(ctx, enc, b.ids, b.dy, b.scratch, b.dtable, s, options);
  });
}

export const embeddingCheck: KernelCheck = {
  kernel: 'embedding',
  async run(ctx, options = {}) {
    const rng = new Rng(99);
    const results: CheckResult[] = [];
    for (const c of EMBEDDING_CASES) {
      const s = c.shape;
      const table = rng.float32(s.v * s.c, { uniform: [-c.scale, c.scale] });
      const ids = Int32Array.from({ length: s.n }, () => (rng.next() < c.pad ? 0 : rng.int(s.v)));
      const dy = rng.float32(s.n * s.c, { uniform: [-c.scale, c.scale] });
      const gpu = await embeddingGpu(ctx, table, ids, dy, s, options);
      results.push(...compareOutputs('embedding', c.name, { out: [gpu.out, embeddingCpu(table, ids, s)] }, TOL_GATHER));
      results.push(...compareOutputs('embedding', c.name, { dtable: [gpu.dtable, embeddingBackwardCpu(ids, dy, s)] }, TOL_BACKWARD));
    }
    // Out-of-range ids (-1 and V) gather NaN rather than a plausible row; the backward skips them.
    const s = { v: 4, c: 3, n: 3 };
    const table = rng.float32(12);
    const dy = rng.float32(9);
    const gpu = await embeddingGpu(ctx, table, Int32Array.from([-1, 2, 4]), dy, s, options);
    const expectedOut = Float32Array.from([NaN, NaN, NaN, ...table.subarray(6, 9), NaN, NaN, NaN]);
    const expectedGrad = new Float32Array(12);
    expectedGrad.set(dy.subarray(3, 6), 6);
    results.push(...compareOutputs('embedding', 'ids outside [0, V)', { out: [gpu.out, expectedOut], dtable: [gpu.dtable, expectedGrad] }, TOL_GATHER));
    return results;
  },
};
