// The two ops of a preallocated KV cache, on either backend, for generation (inference only: no
// backward). writeAt puts this step's keys or values into the cache in place, at the current
// length, with the strided copy every layout op uses (../kernels/strided-copy.ts). cachedAttention
// attends from the new queries over only the first `keys` positions of a cache whose capacity may
// be larger, reading the cache where it lies: cpu, the decode loop (../cpu/attention-decode.ts)
// for a few queries and the blocked fast path for a prompt; webgpu, one workgroup per query row
// for a few queries (../kernels/attention-decode.ts) and the fused tiled kernel for a prompt
// (../kernels/attention.ts), both skipping the unused tail by kvCapacity strides. Nothing is
// concatenated or transposed per token.
import type { Backend } from '../backend';
import { attentionDecode, DECODE_MAX_T } from '../cpu/attention-decode';
import { attentionFast } from '../cpu/attention-fast';
import { forgetPacked, holdPackedOperands } from '../cpu/packed-operands';
import { encodeAttention, type AttentionShape } from '../kernels/attention';
import { encodeAttentionDecode } from '../kernels/attention-decode';
import { encodeStridedCopy, stridedCopyCpu, type StridedCopyParams } from '../kernels/strided-copy';
import { expectDType } from '../plan';
import { ShapeError, shapeStr, stridesOf, type Tensor } from '../tensor';
import { CpuBackend, webgpuOf } from './backends';

/** dst[..., start : start + src.shape[axis], ...] = src, in place (same rank and dtype; other axes equal). */
export function writeAt(be: Backend, dst: Tensor, src: Tensor, axis: number, start: number): void {
  const bad = src.rank !== dst.rank || src.shape.some((d, i) => i !== axis && d !== dst.shape[i]);
  if (axis < 0 || axis >= dst.rank || bad || !Number.isInteger(start) || start < 0 || start + src.shape[axis] > dst.shape[axis]) {
    throw new ShapeError(`writeAt: src ${shapeStr(src.shape)} does not fit dst ${shapeStr(dst.shape)} at position ${start} of axis ${axis}`);
  }
  expectDType('writeAt', src, dst.dtype);
  if (src.size === 0) return;
  const outStrides = stridesOf(dst.shape);
  const copy: StridedCopyParams = { shape: src.shape, inStrides: stridesOf(src.shape), outStrides, outOffset: start * outStrides[axis] };
  if (be instanceof CpuBackend) {
    forgetPacked(be.view(dst));
    stridedCopyCpu(be.view(src), be.view(dst), copy);
    return;
  }
  const gpu = webgpuOf(be, 'writeAt');
  encodeStridedCopy(gpu.ctx, gpu.encoder(), gpu.buffer(src), gpu.buffer(dst), copy);
}

export interface CachedAttentionOptions {
  /** [B, keys], nonzero for real tokens and 0 for padding keys; optional. */
  keyMask?: Tensor | null;
  /** Softmax scale; defaults to 1/sqrt(D). */
  scale?: number;
}

/** The kernels' shape for q [B, T, Hq, D] against caches [B, capacity, Hkv, D] holding `keys` positions. */
export function planCachedAttention(q: Tensor, kCache: Tensor, vCache: Tensor, keys: number, o: CachedAttentionOptions = {}): AttentionShape {
  const all = `q ${shapeStr(q.shape)}, k cache ${shapeStr(kCache.shape)}, v cache ${shapeStr(vCache.shape)}, ${keys} keys`;
  if (q.rank !== 4 || kCache.rank !== 4 || kCache.shape.join() !== vCache.shape.join()) {
    throw new ShapeError(`cachedAttention: q must be [B, T, Hq, D] and both caches [B, capacity, Hkv, D]: ${all}`);
  }
  const [b, t, hq, d] = q.shape;
  const [bk, capacity, hkv, dk] = kCache.shape;
  if (bk !== b || dk !== d || hkv === 0 || hq % hkv !== 0) throw new ShapeError(`cachedAttention: batch, head dim or head counts do not match: ${all}`);
  if (!Number.isInteger(keys) || keys < t || keys > capacity) throw new ShapeError(`cachedAttention: keys must be in [T, capacity] = [${t}, ${capacity}]: ${all}`);
  const mask = o.keyMask;
  if (mask && (mask.rank !== 2 || mask.shape[0] !== b || mask.shape[1] !== keys)) {
    throw new ShapeError(`cachedAttention: keyMask ${shapeStr(mask.shape)} must be [B, keys] = [${b}, ${keys}]: ${all}`);
  }
  return { b, hq, hkv, t, s: keys, d, causal: true, scale: o.scale, layout: 'BTHD', kvCapacity: capacity };
}

/**
 * Causal attention of q [B, T, Hq, D] (the last T of `keys` positions) over the first `keys`
 * positions of kCache and vCache [B, capacity, Hkv, D]. Returns out [B, T, Hq, D].
 */
export function cachedAttention(be: Backend, q: Tensor, kCache: Tensor, vCache: Tensor, keys: number, o: CachedAttentionOptions = {}): Tensor {
  for (const t of [q, kCache, vCache]) expectDType('cachedAttention', t, 'f32');
  const s = planCachedAttention(q, kCache, vCache, keys, o);
  if (be instanceof CpuBackend) {
    const mask = o.keyMask ? be.view(o.keyMask) : null;
    const run = s.t <= DECODE_MAX_T ? attentionDecode : attentionFast;
    return be.wrap(run(be.f32(q, 'cachedAttention'), be.f32(kCache, 'cachedAttention'), be.f32(vCache, 'cachedAttention'), mask, s).out, q.shape);
  }
  const gpu = webgpuOf(be, 'cachedAttention');
  const out = gpu.empty(q.shape, 'f32', 'cachedAttention');
  const lse = gpu.empty([s.b, s.hq, s.t], 'f32', 'cachedAttention');
  const mask = o.keyMask ? gpu.buffer(o.keyMask) : null;
  const encode = s.t <= DECODE_MAX_T && s.d <= 256 ? encodeAttentionDecode : encodeAttention;
  encode(gpu.ctx, gpu.encoder(), gpu.buffer(q), gpu.buffer(kCache), gpu.buffer(vCache), mask, gpu.buffer(out), gpu.buffer(lse), s);
  lse.dispose();
  return out;
}

/**
 * Declares the weights frozen until the returned function is called (generate() holds them for
 * its loop): the cpu backend then keeps each product's packed weight panels instead of packing
 * them again every step (../cpu/packed-operands.ts; in-place writes still invalidate). webgpu
 * reads weights where they lie and needs nothing.
 */
export function holdFrozenWeights(be: Backend): () => void {
  return be instanceof CpuBackend ? holdPackedOperands() : () => {};
}
