// RMSNorm (HF LlamaRMSNorm) over the last axis, forward and backward: CPU references and the
// WebGPU encoders of shaders/rmsnorm.wgsl. x is [N, C] with N = B*T rows.
import rmsnormWgsl from '../../../shaders/rmsnorm.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { groupGrid, paramsBuffer, recordPass, requireBuffer, requireDims, requireLength, type KernelOptions } from './kernel-support';

export interface RmsnormShape {
  /** Rows (B*T). */
  n: number;
  /** Channels, the normalised axis. */
  c: number;
  eps: number;
}

export const RMSNORM_TUNING = { WG: 128, CW: 32, RW: 8 };

function shapeStr(s: Pick<RmsnormShape, 'n' | 'c'>): string {
  return `[N=${s.n}, C=${s.c}]`;
}

function checkShape(op: string, s: Pick<RmsnormShape, 'n' | 'c'>): void {
  requireDims(op, { n: s.n, c: s.c }, ['c']);
}

/** CPU reference: y = x / sqrt(mean(x^2) + eps) * weight per row; rstd [N] for the backward. */
export function rmsnormCpu(x: Float32Array, weight: Float32Array, s: RmsnormShape): { y: Float32Array; rstd: Float32Array } {
  checkShape('rmsnorm', s);
  requireLength('rmsnorm', 'x', x, s.n * s.c, shapeStr(s));
  requireLength('rmsnorm', 'weight', weight, s.c, `[C=${s.c}] (x is ${shapeStr(s)})`);
  const y = new Float32Array(s.n * s.c);
  const rstd = new Float32Array(s.n);
  for (let r = 0; r < s.n; r++) {
    let ss = 0;
    for (let i = 0; i < s.c; i++) ss += x[r * s.c + i] ** 2;
    const inv = 1 / Math.sqrt(ss / s.c + s.eps);
    rstd[r] = inv;
    for (let i = 0; i < s.c; i++) y[r * s.c + i] = x[r * s.c + i] * inv * weight[i];
  }
  return { y, rstd };
}

/** CPU reference of the backward: dx [N, C] and dweight [C] from dy [N, C] and the saved rstd. */
export function rmsnormBackwardCpu(
  x: Float32Array,
  weight: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  s: Pick<RmsnormShape, 'n' | 'c'>,
): { dx: Float32Array; dweight: Float32Array } {
  checkShape('rmsnorm backward', s);
  const shape = shapeStr(s);
  requireLength('rmsnorm backward', 'x', x, s.n * s.c, shape);
  requireLength('rmsnorm backward', 'dy', dy, s.n * s.c, shape);
  requireLength('rmsnorm backward', 'weight', weight, s.c, `[C=${s.c}] (x is ${shape})`);
  requireLength('rmsnorm backward', 'rstd', rstd, s.n, `[N=${s.n}] (x is ${shape})`);
  const dx = new Float32Array(s.n * s.c);
  const dweight = new Float64Array(s.c);
  for (let r = 0; r < s.n; r++) {
    const inv = rstd[r];
    let m = 0;
    for (let i = 0; i < s.c; i++) m += dy[r * s.c + i] * weight[i] * x[r * s.c + i] * inv;
    m /= s.c;
    for (let i = 0; i < s.c; i++) {
      const xh = x[r * s.c + i] * inv;
      dx[r * s.c + i] = inv * (dy[r * s.c + i] * weight[i] - xh * m);
      dweight[i] += dy[r * s.c + i] * xh;
    }
  }
  return { dx, dweight: Float32Array.from(dweight) };
}

/** Records y [N, C] and rstd [N] (outputs, overwritten) from x [N, C] and weight [C]. */
export function encodeRmsnorm(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  weight: GPUBuffer,
  y: GPUBuffer,
  rstd: GPUBuffer,
  s: RmsnormShape,
  options: KernelOptions = {},
): void {
  checkShape('rmsnorm', s);
  const shape = shapeStr(s);
  requireBuffer('rmsnorm', 'x', x, s.n * s.c, shape);
  requireBuffer('rmsnorm', 'weight', weight, s.c, `[C=${s.c}]`);
  requireBuffer('rmsnorm', 'y', y, s.n * s.c, shape);
  requireBuffer('rmsnorm', 'rstd', rstd, s.n, `[N=${s.n}]`);
  if (s.n === 0) return;
  const grid = groupGrid(ctx, s.n);
  const params = paramsBuffer(ctx, 'rmsnorm', [['u32', s.n], ['u32', s.c], ['f32', s.eps], ['u32', grid.x]]);
  const pipeline = ctx.pipelines.get('rmsnorm', options.shaderCode ?? rmsnormWgsl, { WG: RMSNORM_TUNING.WG }, 'forward');
  recordPass(ctx, encoder, 'rmsnorm', pipeline, [x, weight, y, rstd, params], [grid.x, grid.y]);
}

/** Records dx [N, C] and dweight [C] (outputs, overwritten, not accumulated). */
export function encodeRmsnormBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  weight: GPUBuffer,
  rstd: GPUBuffer,
  dy: GPUBuffer,
  dx: GPUBuffer,
  dweight: GPUBuffer,
  s: Pick<RmsnormShape, 'n' | 'c'>,
  options: KernelOptions = {},
): void {
  const op = 'rmsnorm backward';
  checkShape(op, s);
  const shape = shapeStr(s);
  requireBuffer(op, 'x', x, s.n * s.c, shape);
  requireBuffer(op, 'weight', weight, s.c, `[C=${s.c}]`);
  requireBuffer(op, 'rstd', rstd, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'dy', dy, s.n * s.c, shape);
  requireBuffer(op, 'dx', dx, s.n * s.c, shape);
  requireBuffer(op, 'dweight', dweight, s.c, `[C=${s.c}]`);
  const code = options.shaderCode ?? rmsnormWgsl;
  const { WG, CW, RW } = RMSNORM_TUNING;
  if (s.n > 0) {
    const grid = groupGrid(ctx, s.n);
    const params = paramsBuffer(ctx, 'rmsnorm', [['u32', s.n], ['u32', s.c], ['f32', 0], ['u32', grid.x]]);
    const pipeline = ctx.pipelines.get('rmsnorm', code, { WG }, 'backward_dx');
    recordPass(ctx, encoder, 'rmsnorm backward dx', pipeline, [x, weight, rstd, dy, dx, params], [grid.x, grid.y]);
  }
  // With N = 0 the weight gradient is a sum over no rows: zeros, which the kernel writes too.
  const params = paramsBuffer(ctx, 'rmsnorm', [['u32', s.n], ['u32', s.c], ['f32', 0], ['u32', 0]]);
  const pipeline = ctx.pipelines.get('rmsnorm', code, { CW, RW }, 'backward_dw');
  recordPass(ctx, encoder, 'rmsnorm backward dweight', pipeline, { 0: x, 2: rstd, 3: dy, 6: dweight, 7: params }, [Math.ceil(s.c / CW)]);
}
