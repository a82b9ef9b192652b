// The fused AdamW update on either backend, in place of param, m and v. Kernel: ../kernels/adamw.ts
// (which declares AdamWHyper).
import type { Backend } from '../backend';
import { adamwCpu, encodeAdamW, type AdamWHyper } from '../kernels/adamw';
import { expectDType, expectSameShape } from '../plan';
import type { Tensor } from '../tensor';
import { forgetPacked } from '../cpu/packed-operands';
import { CpuBackend, webgpuOf } from './backends';

/**
 * One AdamW update in place of param, m and v from grad. `gradScale` is an optional [1] tensor
 * multiplying grad first (global-norm clipping computed on the device without a readback).
 */
export function adamw(be: Backend, param: Tensor, grad: Tensor, m: Tensor, v: Tensor, hyper: AdamWHyper, gradScale: Tensor | null = null): void {
  if (be instanceof CpuBackend) {
    for (const t of [grad, m, v]) expectSameShape('adamw', param, t);
    const s = gradScale ? be.f32(gradScale, 'adamw')[0] : 1;
    forgetPacked(be.view(param));
    adamwCpu(be.f32(param, 'adamw'), be.f32(grad, 'adamw'), be.f32(m, 'adamw'), be.f32(v, 'adamw'), hyper, s);
    return;
  }
  const gpu = webgpuOf(be, 'adamw');
  for (const t of [param, grad, m, v]) expectDType('adamw', t, 'f32');
  for (const t of [grad, m, v]) expectSameShape('adamw', param, t);
  const b = (t: Tensor) => gpu.buffer(t);
  encodeAdamW(gpu.ctx, gpu.encoder(), b(param), b(grad), b(m), b(v), gradScale ? b(gradScale) : null, { n: param.size, ...hyper });
}
