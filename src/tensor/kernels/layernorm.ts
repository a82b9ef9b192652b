// LayerNorm (torch.nn.LayerNorm over the last axis, biased variance) forward and backward: CPU
// references and the WebGPU encoders of shaders/layernorm.wgsl. x is [N, C] with N = B*T rows.
import layernormWgsl from '../../../shaders/layernorm.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { groupGrid, paramsBuffer, recordPass, requireBuffer, requireDims, requireLength, type KernelOptions } from './kernel-support';

export interface LayernormShape {
  /** Rows (B*T). */
  n: number;
  /** Channels, the normalised axis. */
  c: number;
  eps: number;
}

export const LAYERNORM_TUNING = { WG: 128, CW: 32, RW: 8 };

function shapeStr(s: Pick<LayernormShape, 'n' | 'c'>): string {
  return `[N=${s.n}, C=${s.c}]`;
}

function checkVectors(op: string, s: Pick<LayernormShape, 'n' | 'c'>, vectors: Record<string, ArrayLike<number>>, rows: Record<string, ArrayLike<number>>): void {
  requireDims(op, { n: s.n, c: s.c }, ['c']);
  for (const [name, v] of Object.entries(rows)) requireLength(op, name, v, s.n * s.c, shapeStr(s));
  for (const [name, v] of Object.entries(vectors)) {
    const perRow = name === 'mean' || name === 'rstd';
    requireLength(op, name, v, perRow ? s.n : s.c, `${perRow ? `[N=${s.n}]` : `[C=${s.c}]`} (x is ${shapeStr(s)})`);
  }
}

/** CPU reference: y [N, C], and mean [N], rstd [N] for the backward. */
export function layernormCpu(
  x: Float32Array,
  weight: Float32Array,
  bias: Float32Array,
  s: LayernormShape,
): { y: Float32Array; mean: Float32Array; rstd: Float32Array } {
  checkVectors('layernorm', s, { weight, bias }, { x });
  const y = new Float32Array(s.n * s.c);
  const mean = new Float32Array(s.n);
  const rstd = new Float32Array(s.n);
  for (let r = 0; r < s.n; r++) {
    let sum = 0;
    for (let i = 0; i < s.c; i++) sum += x[r * s.c + i];
    const mu = sum / s.c;
    let ss = 0;
    for (let i = 0; i < s.c; i++) ss += (x[r * s.c + i] - mu) ** 2;
    const inv = 1 / Math.sqrt(ss / s.c + s.eps);
    mean[r] = mu;
    rstd[r] = inv;
    for (let i = 0; i < s.c; i++) y[r * s.c + i] = (x[r * s.c + i] - mu) * inv * weight[i] + bias[i];
  }
  return { y, mean, rstd };
}

/** CPU reference of the backward: dx [N, C], dweight [C], dbias [C] from dy and the saved statistics. */
export function layernormBackwardCpu(
  x: Float32Array,
  weight: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  dy: Float32Array,
  s: Pick<LayernormShape, 'n' | 'c'>,
): { dx: Float32Array; dweight: Float32Array; dbias: Float32Array } {
  checkVectors('layernorm backward', s, { weight, mean, rstd }, { x, dy });
  const dx = new Float32Array(s.n * s.c);
  const dweight = new Float64Array(s.c);
  const dbias = new Float64Array(s.c);
  for (let r = 0; r < s.n; r++) {
    const mu = mean[r];
    const inv = rstd[r];
    let mg = 0;
    let mgx = 0;
    for (let i = 0; i < s.c; i++) {
      const g = dy[r * s.c + i] * weight[i];
      mg += g;
      mgx += g * (x[r * s.c + i] - mu) * inv;
    }
    mg /= s.c;
    mgx /= s.c;
    for (let i = 0; i < s.c; i++) {
      const xh = (x[r * s.c + i] - mu) * inv;
      dx[r * s.c + i] = inv * (dy[r * s.c + i] * weight[i] - mg - xh * mgx);
      dweight[i] += dy[r * s.c + i] * xh;
      dbias[i] += dy[r * s.c + i];
    }
  }
  return { dx, dweight: Float32Array.from(dweight), dbias: Float32Array.from(dbias) };
}

/** Records y [N, C], mean [N] and rstd [N] (outputs, overwritten). */
export function encodeLayernorm(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  weight: GPUBuffer,
  bias: GPUBuffer,
  y: GPUBuffer,
  mean: GPUBuffer,
  rstd: GPUBuffer,
  s: LayernormShape,
  options: KernelOptions = {},
): void {
  const op = 'layernorm';
  requireDims(op, { n: s.n, c: s.c }, ['c']);
  const shape = shapeStr(s);
  requireBuffer(op, 'x', x, s.n * s.c, shape);
  requireBuffer(op, 'weight', weight, s.c, `[C=${s.c}]`);
  requireBuffer(op, 'bias', bias, s.c, `[C=${s.c}]`);
  requireBuffer(op, 'y', y, s.n * s.c, shape);
  requireBuffer(op, 'mean', mean, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'rstd', rstd, s.n, `[N=${s.n}]`);
  if (s.n === 0) return;
  const grid = groupGrid(ctx, s.n);
  const params = paramsBuffer(ctx, op, [['u32', s.n], ['u32', s.c], ['f32', s.eps], ['u32', grid.x]]);
  const pipeline = ctx.pipelines.get(op, options.shaderCode ?? layernormWgsl, { WG: LAYERNORM_TUNING.WG }, 'forward');
  recordPass(ctx, encoder, op, pipeline, [x, weight, bias, y, mean, rstd, params], [grid.x, grid.y]);
}

/** Records dx [N, C], dweight [C] and dbias [C] (outputs, overwritten, not accumulated). */
export function encodeLayernormBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  weight: GPUBuffer,
  mean: GPUBuffer,
  rstd: GPUBuffer,
  dy: GPUBuffer,
  dx: GPUBuffer,
  dweight: GPUBuffer,
  dbias: GPUBuffer,
  s: Pick<LayernormShape, 'n' | 'c'>,
  options: KernelOptions = {},
): void {
  const op = 'layernorm backward';
  requireDims(op, { n: s.n, c: s.c }, ['c']);
  const shape = shapeStr(s);
  requireBuffer(op, 'x', x, s.n * s.c, shape);
  requireBuffer(op, 'weight', weight, s.c, `[C=${s.c}]`);
  requireBuffer(op, 'mean', mean, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'rstd', rstd, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'dy', dy, s.n * s.c, shape);
  requireBuffer(op, 'dx', dx, s.n * s.c, shape);
  requireBuffer(op, 'dweight', dweight, s.c, `[C=${s.c}]`);
  requireBuffer(op, 'dbias', dbias, s.c, `[C=${s.c}]`);
  const code = options.shaderCode ?? layernormWgsl;
  const { WG, CW, RW } = LAYERNORM_TUNING;
  if (s.n > 0) {
    const grid = groupGrid(ctx, s.n);
    const params = paramsBuffer(ctx, 'layernorm', [['u32', s.n], ['u32', s.c], ['f32', 0], ['u32', grid.x]]);
    const pipeline = ctx.pipelines.get('layernorm', code, { WG }, 'backward_dx');
    recordPass(ctx, encoder, 'layernorm backward dx', pipeline, [x, weight, mean, rstd, dy, dx, params], [grid.x, grid.y]);
  }
  // With N = 0 the parameter gradients are sums over no rows: zeros, which the kernel writes too.
  const params = paramsBuffer(ctx, 'layernorm', [['u32', s.n], ['u32', s.c], ['f32', 0], ['u32', 0]]);
  const pipeline = ctx.pipelines.get('layernorm', code, { CW, RW }, 'backward_dwb');
  recordPass(ctx, encoder, 'layernorm backward dweight dbias', pipeline, { 0: x, 2: mean, 3: rstd, 4: dy, 7: dweight, 8: dbias, 9: params }, [
    Math.ceil(s.c / CW),
  ]);
}
