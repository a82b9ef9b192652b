// saxpy (out = a * x + y): the first kernel, end to end. The CPU reference defines the result;
// the WebGPU encoder of shaders/saxpy.wgsl must match it (checked by ../checks/saxpy.ts).
import saxpyWgsl from '../../../shaders/saxpy.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { grid1d, paramsBuffer, recordPass, requireBuffer, type KernelOptions } from './kernel-support';

export const SAXPY_WORKGROUP_SIZE = 256;

/** Throws RangeError naming both shapes unless x and y have the same length. */
export function checkSaxpyLengths(x: ArrayLike<number>, y: ArrayLike<number>): void {
  if (x.length !== y.length) {
    throw new RangeError(`saxpy: x has shape [${x.length}] but y has shape [${y.length}]`);
  }
}

/** CPU reference. */
export function saxpyCpu(a: number, x: Float32Array, y: Float32Array): Float32Array {
  checkSaxpyLengths(x, y);
  const out = new Float32Array(x.length);
  const af = Math.fround(a);
  // Math.fround after each op reproduces f32 arithmetic exactly (no fused multiply-add).
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(Math.fround(af * x[i]) + y[i]);
  return out;
}

/** Records out = a * x + y over n elements (x, y, out: [n] f32). */
export function encodeSaxpy(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  y: GPUBuffer,
  out: GPUBuffer,
  p: { n: number; a: number },
  options: KernelOptions = {},
): void {
  for (const [name, b] of [['x', x], ['y', y], ['out', out]] as const) requireBuffer('saxpy', name, b, p.n, `[${p.n}]`);
  if (p.n === 0) return;
  const grid = grid1d(p.n, SAXPY_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const params = paramsBuffer(ctx, 'saxpy', [['f32', p.a], ['u32', p.n], ['u32', grid.row]]);
  const pipeline = ctx.pipelines.get('saxpy', options.shaderCode ?? saxpyWgsl, { WG: SAXPY_WORKGROUP_SIZE });
  recordPass(ctx, encoder, 'saxpy', pipeline, [x, y, out, params], [grid.x, grid.y]);
}
