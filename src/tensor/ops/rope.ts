// The rotary-embedding op on either backend (HF Llama's rotate-half convention). Kernel:
// ../kernels/rope.ts.
import type { Backend, HeadLayout } from '../backend';
import { encodeRope, ropeCpu } from '../kernels/rope';
import { expectDType } from '../plan';
import type { Tensor } from '../tensor';
import { planRope } from '../transformer-plan';
import { CpuBackend, webgpuOf } from './backends';

/**
 * Rotary embedding of x [B, H, T, D] (or [B, T, H, D] with layout BTHD) at positions [T] or
 * [B, T] (i32); `inverse` rotates back (the backward).
 */
export function rope(be: Backend, x: Tensor, positions: Tensor, theta: number, inverse = false, layout: HeadLayout = 'BHTD'): Tensor {
  if (be instanceof CpuBackend) {
    const s = planRope(x, positions, theta, inverse, layout);
    return be.wrap(ropeCpu(be.f32(x, 'rope'), be.i32(positions, 'rope'), s), x.shape);
  }
  const gpu = webgpuOf(be, 'rope');
  expectDType('rope', x, 'f32');
  const s = planRope(x, positions, theta, inverse, layout);
  const out = gpu.empty(x.shape, 'f32', 'rope');
  encodeRope(gpu.ctx, gpu.encoder(), gpu.buffer(x), gpu.buffer(positions), gpu.buffer(out), s);
  return out;
}
