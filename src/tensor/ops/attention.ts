// Scaled dot-product attention with grouped KV heads on either backend, forward and backward.
// cpu: the blocked fast path (../cpu/attention-fast.ts, checked against the kernel's CPU
// reference); webgpu: the fused kernels of ../kernels/attention.ts. Either backend runs the unfused
// composition (./attention-unfused.ts) when asked (options.impl), and webgpu also when its device's
// kernel variants say `attention=unfused`.
import type { AttentionOptions, Backend } from '../backend';
import { attentionBackwardFast, attentionFast } from '../cpu/attention-fast';
import { attentionBackwardScratch, encodeAttention, encodeAttentionBackward } from '../kernels/attention';
import { expectDType } from '../plan';
import type { Tensor } from '../tensor';
import { planAttention } from '../transformer-plan';
import { attentionBackwardUnfused, attentionUnfused } from './attention-unfused';
import { CpuBackend, webgpuOf } from './backends';

/** Whether this call runs the unfused composition: asked for, or the webgpu device's variant. */
export function usesUnfusedAttention(be: Backend, o: AttentionOptions): boolean {
  if (o.impl) return o.impl === 'unfused';
  return !(be instanceof CpuBackend) && !webgpuOf(be, 'attention').ctx.variants.fusedAttention;
}

function f32(op: string, ...ts: Tensor[]): void {
  for (const t of ts) expectDType(op, t, 'f32');
}

/**
 * q [B, Hq, T, D], k and v [B, Hkv, S, D] (or [B, T, Hq, D] and [B, S, Hkv, D] with layout BTHD),
 * Hq a multiple of Hkv. Returns out shaped like q and the per-row log-sum-exp [B, Hq, T] the
 * backward needs (-Infinity for a row with no allowed key, whose out is 0).
 */
export function attention(be: Backend, q: Tensor, k: Tensor, v: Tensor, o: AttentionOptions): { out: Tensor; lse: Tensor } {
  if (usesUnfusedAttention(be, o)) return attentionUnfused(be, q, k, v, o);
  if (be instanceof CpuBackend) {
    const s = planAttention(q, k, v, o);
    const mask = o.keyMask ? be.view(o.keyMask) : null;
    const r = attentionFast(be.f32(q, 'attention'), be.f32(k, 'attention'), be.f32(v, 'attention'), mask, s);
    return { out: be.wrap(r.out, q.shape), lse: be.wrap(r.lse, [s.b, s.hq, s.t]) };
  }
  const gpu = webgpuOf(be, 'attention');
  f32('attention', q, k, v);
  const s = planAttention(q, k, v, o);
  const out = gpu.empty(q.shape, 'f32', 'attention');
  const lse = gpu.empty([s.b, s.hq, s.t], 'f32', 'attention');
  const mask = o.keyMask ? gpu.buffer(o.keyMask) : null;
  encodeAttention(gpu.ctx, gpu.encoder(), gpu.buffer(q), gpu.buffer(k), gpu.buffer(v), mask, gpu.buffer(out), gpu.buffer(lse), s);
  return { out, lse };
}

export function attentionBackward(
  be: Backend,
  q: Tensor,
  k: Tensor,
  v: Tensor,
  out: Tensor,
  lse: Tensor,
  dout: Tensor,
  o: AttentionOptions,
): { dq: Tensor; dk: Tensor; dv: Tensor } {
  const op = 'attention backward';
  if (usesUnfusedAttention(be, o)) return attentionBackwardUnfused(be, q, k, v, dout, o);
  if (be instanceof CpuBackend) {
    const s = planAttention(q, k, v, o);
    const mask = o.keyMask ? be.view(o.keyMask) : null;
    const r = attentionBackwardFast(be.f32(q, op), be.f32(k, op), be.f32(v, op), mask, be.f32(out, op), be.f32(lse, op), be.f32(dout, op), s);
    return { dq: be.wrap(r.dq, q.shape), dk: be.wrap(r.dk, k.shape), dv: be.wrap(r.dv, v.shape) };
  }
  const gpu = webgpuOf(be, op);
  f32(op, q, k, v, out, lse, dout);
  const s = planAttention(q, k, v, o);
  const dq = gpu.empty(q.shape, 'f32', op);
  const dk = gpu.empty(k.shape, 'f32', op);
  const dv = gpu.empty(v.shape, 'f32', op);
  const delta = gpu.empty([attentionBackwardScratch(s)], 'f32', op);
  const mask = o.keyMask ? gpu.buffer(o.keyMask) : null;
  const b = (t: Tensor) => gpu.buffer(t);
  encodeAttentionBackward(gpu.ctx, gpu.encoder(), b(q), b(k), b(v), mask, b(out), b(lse), b(dout), b(delta), b(dq), b(dk), b(dv), s);
  // Safe to recycle now: later work that reuses the buffer is recorded after this pass.
  delta.dispose();
  return { dq, dk, dv };
}
