// AdamW, one fused in-place step per parameter tensor (PyTorch's torch.optim.AdamW update, with
// an optional device-side gradient scale for clipping by global norm): CPU reference and the
// WebGPU encoder of shaders/adamw.wgsl. See ./global-norm.ts for the scale.
import adamwWgsl from '../../../shaders/adamw.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { grid1d, paramsBuffer, placeholderBuffer, recordPass, requireBuffer, requireLength, type KernelOptions } from './kernel-support';

export interface AdamWHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for bias correction. */
  step: number;
}

export const ADAMW_WORKGROUP_SIZE = 256;

function checkHyper(h: AdamWHyper): void {
  if (!Number.isInteger(h.step) || h.step < 1) throw new ShapeError(`adamw: step must be a positive integer (1-based), got ${h.step}`);
  if (!(h.beta1 >= 0 && h.beta1 < 1 && h.beta2 >= 0 && h.beta2 < 1)) throw new ShapeError(`adamw: betas must be in [0, 1), got ${h.beta1}, ${h.beta2}`);
  if (!(h.lr >= 0) || !(h.eps >= 0) || !(h.weightDecay >= 0)) throw new ShapeError(`adamw: lr ${h.lr}, eps ${h.eps} and weightDecay ${h.weightDecay} must be >= 0`);
}

/** The scalars PyTorch computes in f64 before the f32 tensor ops. */
function scalars(h: AdamWHyper): { decay: number; stepSize: number; bc2Sqrt: number } {
  return {
    decay: 1 - h.lr * h.weightDecay,
    stepSize: h.lr / (1 - h.beta1 ** h.step),
    bc2Sqrt: Math.sqrt(1 - h.beta2 ** h.step),
  };
}

/**
 * CPU reference, in place on param, m and v: one AdamW step from grad (times gradScale, the clip
 * coefficient, when given).
 */
export function adamwCpu(param: Float32Array, grad: Float32Array, m: Float32Array, v: Float32Array, h: AdamWHyper, gradScale = 1): void {
  checkHyper(h);
  const shape = `[${param.length}] (param)`;
  requireLength('adamw', 'grad', grad, param.length, shape);
  requireLength('adamw', 'm', m, param.length, shape);
  requireLength('adamw', 'v', v, param.length, shape);
  const { decay, stepSize, bc2Sqrt } = scalars(h);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] * gradScale;
    m[i] = m[i] + (1 - h.beta1) * (g - m[i]);
    v[i] = h.beta2 * v[i] + (1 - h.beta2) * g * g;
    param[i] = param[i] * decay - (stepSize * m[i]) / (Math.sqrt(v[i]) / bc2Sqrt + h.eps);
  }
}

/**
 * Records one AdamW step in place on param, m, v ([n] each) from grad [n]. `gradScale` is a [1]
 * buffer multiplying grad (the clip coefficient from encodeClipScale), or null.
 */
export function encodeAdamW(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  param: GPUBuffer,
  grad: GPUBuffer,
  m: GPUBuffer,
  v: GPUBuffer,
  gradScale: GPUBuffer | null,
  s: { n: number } & AdamWHyper,
  options: KernelOptions = {},
): void {
  checkHyper(s);
  if (!Number.isInteger(s.n) || s.n < 0) throw new ShapeError(`adamw: n must be a non-negative integer, got ${s.n}`);
  for (const [name, b] of [['param', param], ['grad', grad], ['m', m], ['v', v]] as const) requireBuffer('adamw', name, b, s.n, `[${s.n}]`);
  if (gradScale) requireBuffer('adamw', 'gradScale', gradScale, 1, '[1]');
  if (s.n === 0) return;
  const { decay, stepSize, bc2Sqrt } = scalars(s);
  const grid = grid1d(s.n, ADAMW_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const params = paramsBuffer(ctx, 'adamw', [
    ['u32', s.n],
    ['u32', gradScale ? 1 : 0],
    ['u32', grid.row],
    ['f32', decay],
    ['f32', 1 - s.beta1],
    ['f32', s.beta2],
    ['f32', 1 - s.beta2],
    ['f32', stepSize],
    ['f32', bc2Sqrt],
    ['f32', s.eps],
  ]);
  const pipeline = ctx.pipelines.get('adamw', options.shaderCode ?? adamwWgsl, { WG: ADAMW_WORKGROUP_SIZE });
  recordPass(ctx, encoder, 'adamw', pipeline, [grad, gradScale ?? placeholderBuffer(ctx), param, m, v, params], [grid.x, grid.y]);
}
