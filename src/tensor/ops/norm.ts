// Normalisation ops on either backend: RMSNorm (HF LlamaRMSNorm) and LayerNorm over the last axis
// C, forward and backward. Kernels: ../kernels/rmsnorm.ts, ../kernels/layernorm.ts.
import type { Backend } from '../backend';
import { layernormBackwardCpu, layernormCpu, encodeLayernorm, encodeLayernormBackward } from '../kernels/layernorm';
import { encodeRmsnorm, encodeRmsnormBackward, rmsnormBackwardCpu, rmsnormCpu } from '../kernels/rmsnorm';
import { expectDType } from '../plan';
import type { Tensor } from '../tensor';
import { rowsAndChannels } from '../transformer-plan';
import { CpuBackend, webgpuOf } from './backends';

function f32(op: string, ...ts: Tensor[]): void {
  for (const t of ts) expectDType(op, t, 'f32');
}

/** y = x / rms(x) * weight over the last axis C; returns y and rstd [rows] for the backward. */
export function rmsNorm(be: Backend, x: Tensor, weight: Tensor, eps: number): { y: Tensor; rstd: Tensor } {
  if (be instanceof CpuBackend) {
    const s = { ...rowsAndChannels('rmsNorm', x, weight), eps };
    const { y, rstd } = rmsnormCpu(be.f32(x, 'rmsNorm'), be.f32(weight, 'rmsNorm'), s);
    return { y: be.wrap(y, x.shape), rstd: be.wrap(rstd, x.shape.slice(0, -1)) };
  }
  const gpu = webgpuOf(be, 'rmsNorm');
  f32('rmsNorm', x, weight);
  const s = { ...rowsAndChannels('rmsNorm', x, weight), eps };
  const y = gpu.empty(x.shape, 'f32', 'rmsNorm');
  const rstd = gpu.empty(x.shape.slice(0, -1), 'f32', 'rmsNorm');
  encodeRmsnorm(gpu.ctx, gpu.encoder(), gpu.buffer(x), gpu.buffer(weight), gpu.buffer(y), gpu.buffer(rstd), s);
  return { y, rstd };
}

export function rmsNormBackward(be: Backend, x: Tensor, weight: Tensor, rstd: Tensor, dy: Tensor): { dx: Tensor; dweight: Tensor } {
  if (be instanceof CpuBackend) {
    const s = rowsAndChannels('rmsNorm backward', x, weight);
    const r = rmsnormBackwardCpu(be.f32(x, 'rmsNorm'), be.f32(weight, 'rmsNorm'), be.f32(rstd, 'rmsNorm'), be.f32(dy, 'rmsNorm'), s);
    return { dx: be.wrap(r.dx, x.shape), dweight: be.wrap(r.dweight, weight.shape) };
  }
  const gpu = webgpuOf(be, 'rmsNorm backward');
  f32('rmsNorm backward', x, weight, rstd, dy);
  const s = rowsAndChannels('rmsNorm backward', x, weight);
  const dx = gpu.empty(x.shape, 'f32', 'rmsNorm backward');
  const dweight = gpu.empty(weight.shape, 'f32', 'rmsNorm backward');
  const b = (t: Tensor) => gpu.buffer(t);
  encodeRmsnormBackward(gpu.ctx, gpu.encoder(), b(x), b(weight), b(rstd), b(dy), b(dx), b(dweight), s);
  return { dx, dweight };
}

/** y = (x - mean) / std * weight + bias over the last axis C; returns y, mean and rstd [rows]. */
export function layerNorm(be: Backend, x: Tensor, weight: Tensor, bias: Tensor, eps: number): { y: Tensor; mean: Tensor; rstd: Tensor } {
  if (be instanceof CpuBackend) {
    const s = { ...rowsAndChannels('layerNorm', x, weight), eps };
    rowsAndChannels('layerNorm', x, bias);
    const r = layernormCpu(be.f32(x, 'layerNorm'), be.f32(weight, 'layerNorm'), be.f32(bias, 'layerNorm'), s);
    const rows = x.shape.slice(0, -1);
    return { y: be.wrap(r.y, x.shape), mean: be.wrap(r.mean, rows), rstd: be.wrap(r.rstd, rows) };
  }
  const gpu = webgpuOf(be, 'layerNorm');
  f32('layerNorm', x, weight, bias);
  const s = { ...rowsAndChannels('layerNorm', x, weight), eps };
  rowsAndChannels('layerNorm', x, bias);
  const rows = x.shape.slice(0, -1);
  const y = gpu.empty(x.shape, 'f32', 'layerNorm');
  const mean = gpu.empty(rows, 'f32', 'layerNorm');
  const rstd = gpu.empty(rows, 'f32', 'layerNorm');
  const b = (t: Tensor) => gpu.buffer(t);
  encodeLayernorm(gpu.ctx, gpu.encoder(), b(x), b(weight), b(bias), b(y), b(mean), b(rstd), s);
  return { y, mean, rstd };
}

export function layerNormBackward(
  be: Backend,
  x: Tensor,
  weight: Tensor,
  mean: Tensor,
  rstd: Tensor,
  dy: Tensor,
): { dx: Tensor; dweight: Tensor; dbias: Tensor } {
  const op = 'layerNorm backward';
  if (be instanceof CpuBackend) {
    const s = rowsAndChannels(op, x, weight);
    const r = layernormBackwardCpu(be.f32(x, op), be.f32(weight, op), be.f32(mean, op), be.f32(rstd, op), be.f32(dy, op), s);
    return { dx: be.wrap(r.dx, x.shape), dweight: be.wrap(r.dweight, weight.shape), dbias: be.wrap(r.dbias, weight.shape) };
  }
  const gpu = webgpuOf(be, op);
  f32(op, x, weight, mean, rstd, dy);
  const s = rowsAndChannels(op, x, weight);
  const dx = gpu.empty(x.shape, 'f32', op);
  const dweight = gpu.empty(weight.shape, 'f32', op);
  const dbias = gpu.empty(weight.shape, 'f32', op);
  const b = (t: Tensor) => gpu.buffer(t);
  encodeLayernormBackward(gpu.ctx, gpu.encoder(), b(x), b(weight), b(mean), b(rstd), b(dy), b(dx), b(dweight), b(dbias), s);
  return { dx, dweight, dbias };
}
