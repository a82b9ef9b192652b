// The matmul KernelCheck: the WGSL kernel against matmulCpu on seeded random inputs — sizes that
// are not tile multiples, every transpose combination, batches with and without a shared B,
// long rows and huge magnitudes. Registered in ./index.ts (Dawn in Node, and the browser self-test).
import type { GpuContext } from '../../gpu';
import { Rng } from '../../util/rng';
import type { CheckResult, KernelCheck } from './types';
import { checkMatmul, encodeMatmul, matmulCpu, matmulLengths, matmulVec4Eligible, MATVEC_MAX_M, type EncodeMatmulOptions, type MatmulLoads, type MatmulShape, type MatmulVariant } from '../kernels/matmul';

/** Upload, encode, submit, read back: the check's (and tests') way to run the kernel once. */
export async function matmulGpu(
  ctx: GpuContext,
  a: Float32Array,
  b: Float32Array,
  shape: MatmulShape,
  options: EncodeMatmulOptions = {},
): Promise<Float32Array> {
  checkMatmul(shape, a.length, b.length);
  const len = matmulLengths(shape);
  return ctx.scoped('running matmul', async () => {
    const ab = ctx.createStorageBuffer('matmul:a', a);
    const bb = ctx.createStorageBuffer('matmul:b', b);
    const ob = ctx.createBuffer('matmul:out', len.out * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
    const encoder = ctx.device.createCommandEncoder({ label: 'matmul' });
    encodeMatmul(ctx, encoder, ab, bb, ob, shape, options);
    ctx.device.queue.submit([encoder.finish()]);
    const result = await ctx.readFloat32(ob, len.out);
    for (const buf of [ab, bb, ob]) buf.destroy();
    return result;
  });
}

export interface MatmulCase {
  name: string;
  shape: MatmulShape;
  /** Inputs are uniform in [-scale, scale]. */
  scale: number;
}

export const MATMUL_CASES: MatmulCase[] = [
  { name: '1x1x1', shape: { batch: 1, m: 1, n: 1, k: 1 }, scale: 1 },
  { name: '7x5x3', shape: { batch: 1, m: 7, n: 5, k: 3 }, scale: 1 },
  { name: 'k=0 gives zeros', shape: { batch: 1, m: 3, n: 2, k: 0 }, scale: 1 },
  { name: '64x64x64 (tile multiple)', shape: { batch: 1, m: 64, n: 64, k: 64 }, scale: 1 },
  { name: '65x63x17 (ragged)', shape: { batch: 1, m: 65, n: 63, k: 17 }, scale: 1 },
  { name: '64x68x132 (vec4-aligned, not tile)', shape: { batch: 1, m: 64, n: 68, k: 132 }, scale: 1 },
  { name: '130x129x131', shape: { batch: 1, m: 130, n: 129, k: 131 }, scale: 1 },
  { name: 'transA 33x47x29', shape: { batch: 1, m: 33, n: 47, k: 29, transA: true }, scale: 1 },
  { name: 'transB 33x47x29', shape: { batch: 1, m: 33, n: 47, k: 29, transB: true }, scale: 1 },
  { name: 'transA transB 31x20x50', shape: { batch: 1, m: 31, n: 20, k: 50, transA: true, transB: true }, scale: 1 },
  { name: 'transA 68x72x64 (aligned)', shape: { batch: 1, m: 68, n: 72, k: 64, transA: true }, scale: 1 },
  { name: 'transB 68x72x64 (aligned)', shape: { batch: 1, m: 68, n: 72, k: 64, transB: true }, scale: 1 },
  { name: 'batch 3, 17x33x9', shape: { batch: 3, m: 17, n: 33, k: 9 }, scale: 1 },
  { name: 'batch 4, shared B^T, 10x70x24 (a Linear)', shape: { batch: 4, m: 10, n: 70, k: 24, transB: true, broadcastB: true }, scale: 1 },
  { name: 'batch 2, shared B, transA 12x16x40', shape: { batch: 2, m: 12, n: 16, k: 40, transA: true, broadcastB: true }, scale: 1 },
  { name: 'long rows k=4096', shape: { batch: 1, m: 4, n: 8, k: 4096 }, scale: 1 },
  { name: 'extreme: |x| ~ 1e4', shape: { batch: 1, m: 40, n: 36, k: 44 }, scale: 1e4 },
  { name: '67x36x20 (ragged M, aligned K and N)', shape: { batch: 1, m: 67, n: 36, k: 20 }, scale: 1 },
  { name: 'batch 2, 130x132x36 (aligned, several tiles)', shape: { batch: 2, m: 130, n: 132, k: 36 }, scale: 1 },
  { name: 'transA transB 36x20x52 (aligned)', shape: { batch: 1, m: 36, n: 20, k: 52, transA: true, transB: true }, scale: 1 },
  { name: 'batch 3, shared B^T, 9x12x16 (aligned Linear)', shape: { batch: 3, m: 9, n: 12, k: 16, transB: true, broadcastB: true }, scale: 1 },
  { name: 'matvec 1x300x257 (one row, B^T)', shape: { batch: 1, m: 1, n: 300, k: 257, transB: true }, scale: 1 },
  { name: 'matvec batch 2, shared B^T, 16x70x131 (generation at batch 16)', shape: { batch: 2, m: 16, n: 70, k: 131, transB: true, broadcastB: true }, scale: 1 },
  { name: 'extreme: |x| ~ 1e18', shape: { batch: 2, m: 9, n: 21, k: 33, transB: true }, scale: 1e18 },
];

/**
 * Error bound per output: f32 accumulation of k products differs from the f64 reference by at
 * most about sqrt(k) rounding errors of the largest partial sums on random data; we allow
 * 8 * sqrt(k) * 2^-24 * sum_p |a_ip * b_pj| (+ a tiny absolute floor). A kernel that drops or
 * repeats a single term is off by ~sum/k, far outside this for every case above.
 */
export function matmulTolerance(k: number): number {
  return 8 * Math.sqrt(Math.max(k, 1)) * 2 ** -24;
}

function abs(x: Float32Array): Float32Array {
  return x.map(Math.abs);
}

/** Compares `actual` to matmulCpu(a, b) within matmulTolerance. Exported for the CPU fast path. */
export function compareMatmul(
  name: string,
  kernel: string,
  a: Float32Array,
  b: Float32Array,
  shape: MatmulShape,
  actual: Float32Array,
): CheckResult {
  const expected = matmulCpu(a, b, shape);
  const magnitude = matmulCpu(abs(a), abs(b), shape);
  const rtol = matmulTolerance(shape.k);
  let ok = actual.length === expected.length;
  let maxAbsError = ok ? 0 : Infinity;
  for (let i = 0; ok && i < expected.length; i++) {
    const err = Math.abs(actual[i] - expected[i]);
    if (!(err <= rtol * magnitude[i] + 1e-30)) ok = false;
    if (!(err <= maxAbsError)) maxAbsError = err;
  }
  return { kernel, case: name, ok, maxAbsError, tolerance: `|out - ref| <= ${rtol.toExponential(1)} * sum|a*b|` };
}

export function matmulInputs(c: MatmulCase, rng: Rng): { a: Float32Array; b: Float32Array } {
  const len = matmulLengths(c.shape);
  return { a: rng.float32(len.a, { uniform: [-c.scale, c.scale] }), b: rng.float32(len.b, { uniform: [-c.scale, c.scale] }) };
}

export const MATMUL_VARIANTS: MatmulVariant[] = ['tiled', 'direct'];

/** The loads a case runs with: scalar always, vec4 too where the shape is aligned. */
export function matmulCaseLoads(shape: MatmulShape): MatmulLoads[] {
  return matmulVec4Eligible(shape) ? ['scalar', 'vec4'] : ['scalar'];
}

/** Whether a case also runs the `matvec` variant: few rows, on a device with subgroups (any layout). */
export function matmulCaseRunsMatvec(ctx: GpuContext, shape: MatmulShape): boolean {
  return ctx.hasFeature('subgroups') && shape.m <= MATVEC_MAX_M;
}

/**
 * Every case on both variants of the kernel (whichever this adapter would pick by default), with
 * scalar loads (shaders/matmul.wgsl, cases named "[variant]") and, on aligned shapes, vec4 loads
 * (shaders/matmul-vec4.wgsl, "[variant, vec4]") whatever the device's vec4 setting; and cases of
 * at most MATVEC_MAX_M rows on shaders/matvec-subgroups.wgsl where the device has subgroups
 * ("[matvec, subgroups]", every layout, though only B^T picks it by default).
 */
export const matmulCheck: KernelCheck = {
  kernel: 'matmul',
  async run(ctx: GpuContext, options = {}) {
    const rng = new Rng(4321);
    const results: CheckResult[] = [];
    for (const c of MATMUL_CASES) {
      const { a, b } = matmulInputs(c, rng);
      for (const variant of MATMUL_VARIANTS) {
        for (const loads of matmulCaseLoads(c.shape)) {
          const shaderCode = loads === 'vec4' ? options.variantCode?.['matmul-vec4'] : options.shaderCode;
          const actual = await matmulGpu(ctx, a, b, c.shape, { shaderCode, variant, loads });
          results.push(compareMatmul(`${c.name} [${variant}${loads === 'vec4' ? ', vec4' : ''}]`, 'matmul', a, b, c.shape, actual));
        }
      }
      if (matmulCaseRunsMatvec(ctx, c.shape)) {
        const actual = await matmulGpu(ctx, a, b, c.shape, { shaderCode: options.variantCode?.['matvec-subgroups'], variant: 'matvec' });
        results.push(compareMatmul(`${c.name} [matvec, subgroups]`, 'matmul', a, b, c.shape, actual));
      }
    }
    return results;
  },
};
