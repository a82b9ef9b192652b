// Attention for generation steps on WebGPU: the encoder of shaders/attention-decode.wgsl, one
// workgroup per query row streaming the keys of a KV cache (capacity >= S, via kvCapacity), for
// the few queries of a decode step, where attention.wgsl's row tiles sit mostly idle. Shapes,
// Params, masks and results are those of the fused forward (./attention.ts), whose CPU reference
// (attentionCpu) is this kernel's reference too; the cpu backend's counterpart is
// ../cpu/attention-decode.ts.
import attentionDecodeWgsl from '../../../shaders/attention-decode.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { attentionParams, checkBuffers, type AttentionShape } from './attention';
import { placeholderBuffer, recordPass, type KernelOptions } from './kernel-support';

/** Threads per workgroup, and keys per chunk. */
export const ATTENTION_DECODE_WORKGROUP_SIZE = 64;
/** Output dims per thread the shader holds in registers (MAX_D_PER_THREAD). */
const DIMS_PER_THREAD = 4;

/** Records out [like q] and lse [B, HQ, T] (outputs, overwritten). mask: [B, S] or null. */
export function encodeAttentionDecode(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  q: GPUBuffer,
  k: GPUBuffer,
  v: GPUBuffer,
  mask: GPUBuffer | null,
  out: GPUBuffer,
  lse: GPUBuffer,
  s: AttentionShape,
  options: KernelOptions = {},
): void {
  checkBuffers('attention decode', s, mask, { q, k, v, out, lse });
  const WG = ATTENTION_DECODE_WORKGROUP_SIZE;
  if (s.d > WG * DIMS_PER_THREAD) throw new ShapeError(`attention decode: head dim ${s.d} exceeds ${WG * DIMS_PER_THREAD}; use encodeAttention`);
  if (s.b * s.hq * s.t === 0) return;
  const pipeline = ctx.pipelines.get('attention-decode', options.shaderCode ?? attentionDecodeWgsl, { WG, D: s.d });
  const params = attentionParams(ctx, s, mask !== null);
  recordPass(ctx, encoder, 'attention decode', pipeline, [q, k, v, mask ?? placeholderBuffer(ctx), out, lse, params], [s.t, s.hq, s.b]);
}
