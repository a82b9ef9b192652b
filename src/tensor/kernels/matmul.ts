// matmul, batched, with transposed operands and a shared (broadcast) B: the CPU reference that
// defines the result, and the WebGPU encoder. Shader: shaders/matmul.wgsl. The fast CPU path
// lives in ../cpu/matmul-fast.ts; this reference stays a plain loop on purpose. Aligned shapes
// run shaders/matmul-vec4.wgsl (vec4 global loads and stores) as the device's variants say
// (GpuContext.variants.vec4: by default in the tiled kernel only).
import matmulVec4Wgsl from '../../../shaders/matmul-vec4.wgsl?raw';
import matmulWgsl from '../../../shaders/matmul.wgsl?raw';
import matvecSubgroupsWgsl from '../../../shaders/matvec-subgroups.wgsl?raw';
import { KernelVariantUnavailableError, type GpuContext } from '../../gpu';
import { recordPass, uniformBuffer } from './kernel-support';
import { checkMatmul, describeA, describeB, matmulLengths, matmulStrides, MatmulShapeError, type MatmulShape } from './matmul-shape';

export { checkMatmul, describeA, describeB, matmulFlops, matmulLengths, matmulStrides, MatmulShapeError } from './matmul-shape';
export type { MatmulShape, MatmulStrides } from './matmul-shape';

/** CPU reference: one dot product per output, accumulated in f64, rounded to f32 once. */
export function matmulCpu(a: Float32Array, b: Float32Array, shape: MatmulShape): Float32Array {
  checkMatmul(shape, a.length, b.length);
  const { batch, m, n, k } = shape;
  const s = matmulStrides(shape);
  const out = new Float32Array(batch * m * n);
  for (let bi = 0; bi < batch; bi++) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let sum = 0;
        for (let p = 0; p < k; p++) {
          sum += a[bi * s.batchA + i * s.rowA + p * s.colA] * b[bi * s.batchB + p * s.rowB + j * s.colB];
        }
        out[(bi * m + i) * n + j] = sum;
      }
    }
  }
  return out;
}

/** Which kernel runs: shaders/matmul.wgsl's workgroup-tiled entry point for GPUs or its `direct`
 * one for software adapters (see the shader's header for why), or, for products of few rows on a
 * device with subgroups, shaders/matvec-subgroups.wgsl (`matvec`). */
export type MatmulVariant = 'tiled' | 'direct' | 'matvec';

/** Rows up to which a product with a transposed B (a Linear layer) runs `matvec` where subgroups are on. */
export const MATVEC_MAX_M = 16;

/** matvec-subgroups.wgsl's tuning: threads and columns per workgroup (override constants). */
const MATVEC_TUNING = { WG: 128, CPW: 32 };
/** Rows per pass of matvec-subgroups.wgsl (a const there). */
const MATVEC_ROWS = 4;

/** Tuning of the WGSL kernel (override constants). TK is used by the tiled variant only. */
export interface MatmulTuning {
  WG_X: number;
  WG_Y: number;
  TK: number;
}

/** Outputs per thread along each axis, per variant of matmul.wgsl (fixed in the shader). */
const PER_THREAD: Record<'tiled' | 'direct', number> = { tiled: 8, direct: 4 };

const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe|warp|software/i;

/**
 * The variant an adapter gets by default: `direct` on software (CPU-run) adapters, `tiled` on
 * GPUs; given a shape of at most MATVEC_MAX_M rows with B transposed, `matvec` where the device's
 * variants turn it on (matvec=on; not by default: see src/gpu/kernel-variants.ts).
 */
export function defaultMatmulVariant(ctx: GpuContext, shape?: MatmulShape): MatmulVariant {
  if (shape && ctx.variants.matvec && shape.m <= MATVEC_MAX_M && shape.transB && !shape.transA) return 'matvec';
  const r = ctx.report;
  return r.isFallbackAdapter || SOFTWARE_ADAPTER.test(`${r.vendor} ${r.architecture} ${r.description}`) ? 'direct' : 'tiled';
}

/** Tuning for a shape: the tiled variant shrinks its 128 x 128 tile to 64 x 64 on small
 * products (few pipelines: each distinct tuning is one more shader compile). */
export function matmulTuning(variant: 'tiled' | 'direct', shape: MatmulShape): MatmulTuning {
  if (variant === 'direct') return { WG_X: 8, WG_Y: 8, TK: 8 };
  const wg = Math.max(shape.m, shape.n) <= 64 ? 8 : 16;
  return { WG_X: wg, WG_Y: wg, TK: 8 };
}

/** The shape's uniform buffer (immutable, cached by content: any number of encodeMatmul calls
 * can share one command encoder). */
function params(ctx: GpuContext, shape: MatmulShape): GPUBuffer {
  const s = matmulStrides(shape);
  const values = [shape.m, shape.n, shape.k, s.batchA, s.rowA, s.colA, s.batchB, s.rowB, s.colB, shape.transA ? 1 : 0, shape.transB ? 1 : 0];
  return uniformBuffer(ctx, 'matmul', new Uint32Array(values).buffer);
}

/** How the kernel reads global memory: `vec4` (shaders/matmul-vec4.wgsl) needs an aligned shape. */
export type MatmulLoads = 'vec4' | 'scalar';

/**
 * True when every row of A, B and out starts on a 16-byte boundary and runs in whole vec4s along
 * the operand's contiguous axis: K and N multiples of 4, and M too when A is transposed.
 */
export function matmulVec4Eligible(shape: MatmulShape): boolean {
  return shape.k % 4 === 0 && shape.n % 4 === 0 && (!shape.transA || shape.m % 4 === 0);
}

/**
 * The loads a shape gets on this device: vec4 where aligned and the device's variants allow it for
 * the kernel that runs (`auto`: the tiled one; the `direct` kernel of software adapters measured
 * no faster with vec4 loads on SwiftShader).
 */
export function defaultMatmulLoads(ctx: GpuContext, shape: MatmulShape, variant: MatmulVariant = defaultMatmulVariant(ctx)): MatmulLoads {
  const v = ctx.variants.vec4;
  const allowed = v === 'on' || (v === 'auto' && variant === 'tiled');
  return allowed && matmulVec4Eligible(shape) ? 'vec4' : 'scalar';
}

export interface EncodeMatmulOptions {
  variant?: MatmulVariant;
  /** Forces the loads; `vec4` on a shape that is not aligned is a MatmulShapeError. */
  loads?: MatmulLoads;
  tuning?: Partial<MatmulTuning>;
  /** Replaces the WGSL source of the shader the loads pick (tests use it to prove a wrong kernel is caught). */
  shaderCode?: string;
}

/**
 * Records out = op(A) @ op(B) into `encoder` (one compute pass). No submit, no readback.
 * Buffers hold row-major f32 as described by MatmulShape; `out` must hold batch*m*n floats.
 */
export function encodeMatmul(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  a: GPUBuffer,
  b: GPUBuffer,
  out: GPUBuffer,
  shape: MatmulShape,
  options: EncodeMatmulOptions = {},
): void {
  const len = matmulLengths(shape);
  checkMatmul(shape, len.a, len.b);
  if (a.size < len.a * 4 || b.size < len.b * 4 || out.size < len.out * 4) {
    throw new MatmulShapeError(
      `matmul: buffers of ${a.size}, ${b.size} and ${out.size} bytes are too small for A ${len.a}, ` +
        `B ${len.b} and out ${len.out} floats`,
    );
  }
  if (len.out === 0) return;
  const variant = options.variant ?? defaultMatmulVariant(ctx, shape);
  if (variant === 'matvec') {
    encodeMatvec(ctx, encoder, a, b, out, shape, options.shaderCode);
    return;
  }
  const tuning = { ...matmulTuning(variant, shape), ...options.tuning };
  const per = PER_THREAD[variant];
  const gx = Math.ceil(shape.n / (tuning.WG_X * per));
  const gy = Math.ceil(shape.m / (tuning.WG_Y * per));
  const maxGroups = ctx.report.limits.maxComputeWorkgroupsPerDimension;
  if (gx > maxGroups || gy > maxGroups || shape.batch > maxGroups) {
    throw new MatmulShapeError(`matmul: grid ${gx} x ${gy} x ${shape.batch} exceeds ${maxGroups} workgroups per dimension`);
  }
  const overrides: Record<string, number> =
    variant === 'direct'
      ? { WG_X: tuning.WG_X, WG_Y: tuning.WG_Y }
      : { WG_X: tuning.WG_X, WG_Y: tuning.WG_Y, TK: tuning.TK };
  const loads = options.loads ?? defaultMatmulLoads(ctx, shape, variant);
  if (loads === 'vec4' && !matmulVec4Eligible(shape)) {
    throw new MatmulShapeError(
      `matmul: vec4 loads need K and N multiples of 4 (and M when A is transposed), but A is ${describeA(shape)} and B is ${describeB(shape)}`,
    );
  }
  const code = options.shaderCode ?? (loads === 'vec4' ? matmulVec4Wgsl : matmulWgsl);
  // The vec4 kernel specialises on the transposes (one pipeline per layout, no branch per k step).
  if (loads === 'vec4') Object.assign(overrides, { TRANS_A: shape.transA ? 1 : 0, TRANS_B: shape.transB ? 1 : 0 });
  const pipeline = ctx.pipelines.get(loads === 'vec4' ? 'matmul-vec4' : 'matmul', code, overrides, variant === 'direct' ? 'direct' : 'main');
  recordPass(ctx, encoder, `matmul:${variant}:${loads}`, pipeline, [a, b, out, params(ctx, shape)], [gx, gy, shape.batch]);
}

/** Records the `matvec` variant (shaders/matvec-subgroups.wgsl); the device must have subgroups. */
function encodeMatvec(ctx: GpuContext, encoder: GPUCommandEncoder, a: GPUBuffer, b: GPUBuffer, out: GPUBuffer, shape: MatmulShape, shaderCode?: string): void {
  if (!ctx.hasFeature('subgroups')) throw new KernelVariantUnavailableError('subgroups', 'subgroups', ctx.report.summary);
  const t = MATVEC_TUNING;
  const gx = Math.ceil(shape.n / t.CPW);
  const gy = Math.ceil(shape.m / MATVEC_ROWS);
  const maxGroups = ctx.report.limits.maxComputeWorkgroupsPerDimension;
  if (gx > maxGroups || gy > maxGroups || shape.batch > maxGroups) {
    throw new MatmulShapeError(`matmul: grid ${gx} x ${gy} x ${shape.batch} exceeds ${maxGroups} workgroups per dimension`);
  }
  const pipeline = ctx.pipelines.get('matvec-subgroups', shaderCode ?? matvecSubgroupsWgsl, t);
  recordPass(ctx, encoder, 'matmul:matvec', pipeline, [a, b, out, params(ctx, shape)], [gx, gy, shape.batch]);
}
