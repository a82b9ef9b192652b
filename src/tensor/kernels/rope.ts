// Rotary position embedding (HF Llama's rotate-half convention, rope_theta a parameter), forward
// and inverse (= backward): CPU reference and the WebGPU encoder of shaders/rope.wgsl.
// x is [B, H, T, D] (or [B, T, H, D] with layout 'BTHD'); positions are i32, [T] or [B, T].
import ropeWgsl from '../../../shaders/rope.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { grid1d, paramsBuffer, recordPass, requireBuffer, requireDims, requireLength, type KernelOptions } from './kernel-support';

export interface RopeShape {
  b: number;
  /** Heads: query heads for q, key/value heads for k. */
  h: number;
  t: number;
  /** Head dim, even. */
  d: number;
  /** rope_theta of the model config (10000 for Llama 2, 100000 for SmolLM2, 1e6 for Qwen2.5). */
  theta: number;
  /** positions is [B, T] (left padding, packed rows) rather than one [T] shared by the batch. */
  perBatchPositions?: boolean;
  /** 'BHTD' (default) or 'BTHD' (the layout a [B*T, H*D] projection has before any transpose). */
  layout?: 'BHTD' | 'BTHD';
  /** Rotate by -angle: the transpose of the rotation, i.e. dx from dout in the backward. */
  inverse?: boolean;
}

export const ROPE_WORKGROUP_SIZE = 64;

function describe(s: RopeShape): string {
  return s.layout === 'BTHD' ? `[B=${s.b}, T=${s.t}, H=${s.h}, D=${s.d}]` : `[B=${s.b}, H=${s.h}, T=${s.t}, D=${s.d}]`;
}

function checkShape(s: RopeShape): void {
  requireDims('rope', { b: s.b, h: s.h, t: s.t, d: s.d });
  if (s.d % 2 !== 0) throw new ShapeError(`rope: head dim D must be even, x is ${describe(s)}`);
  if (!(s.theta > 0)) throw new ShapeError(`rope: theta must be positive, got ${s.theta}`);
}

function positionsShape(s: RopeShape): { length: number; text: string } {
  return s.perBatchPositions ? { length: s.b * s.t, text: `[B=${s.b}, T=${s.t}]` } : { length: s.t, text: `[T=${s.t}]` };
}

/**
 * inv_freq[i] = 1 / theta^(2i / D) for i < D/2, rounded to f32 step by step as HF computes it
 * (`1.0 / (base ** (arange(0, dim, 2).float() / dim))`).
 */
export function ropeInvFreq(theta: number, d: number): Float32Array {
  const f = new Float32Array(d / 2);
  for (let i = 0; i < d / 2; i++) f[i] = Math.fround(1 / Math.fround(theta ** Math.fround((2 * i) / d)));
  return f;
}

/** CPU reference: out = rotate(x) by angle = f32(pos * inv_freq[i]) (or by -angle when inverse). */
export function ropeCpu(x: Float32Array, positions: Int32Array, s: RopeShape): Float32Array {
  checkShape(s);
  requireLength('rope', 'x', x, s.b * s.h * s.t * s.d, describe(s));
  const ps = positionsShape(s);
  requireLength('rope', 'positions', positions, ps.length, `${ps.text} (x is ${describe(s)})`);
  const invFreq = ropeInvFreq(s.theta, s.d);
  const half = s.d / 2;
  const sign = s.inverse ? -1 : 1;
  const out = new Float32Array(x.length);
  for (let b = 0; b < s.b; b++) {
    for (let h = 0; h < s.h; h++) {
      for (let t = 0; t < s.t; t++) {
        const pos = positions[s.perBatchPositions ? b * s.t + t : t];
        const base = (s.layout === 'BTHD' ? (b * s.t + t) * s.h + h : (b * s.h + h) * s.t + t) * s.d;
        for (let i = 0; i < half; i++) {
          const angle = Math.fround(pos * invFreq[i]);
          const c = Math.cos(angle);
          const sn = sign * Math.sin(angle);
          const x1 = x[base + i];
          const x2 = x[base + i + half];
          out[base + i] = x1 * c - x2 * sn;
          out[base + i + half] = x2 * c + x1 * sn;
        }
      }
    }
  }
  return out;
}

/** The backward of ropeCpu: dx = inverse rotation of dout. */
export function ropeBackwardCpu(dout: Float32Array, positions: Int32Array, s: RopeShape): Float32Array {
  return ropeCpu(dout, positions, { ...s, inverse: !s.inverse });
}

// inv_freq depends only on (theta, D): one small buffer each, kept for the context's lifetime.
const invFreqBuffers = new WeakMap<GpuContext, Map<string, GPUBuffer>>();

function invFreqBuffer(ctx: GpuContext, theta: number, d: number): GPUBuffer {
  let m = invFreqBuffers.get(ctx);
  if (!m) invFreqBuffers.set(ctx, (m = new Map()));
  const key = `${theta}/${d}`;
  let b = m.get(key);
  if (!b) {
    b = ctx.createStorageBuffer(`rope:inv_freq(theta=${theta}, D=${d})`, ropeInvFreq(theta, d));
    m.set(key, b);
  }
  return b;
}

/**
 * Records out = rope(x) (or its inverse, the backward). `out` must be a different buffer from `x`.
 */
export function encodeRope(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  x: GPUBuffer,
  positions: GPUBuffer,
  out: GPUBuffer,
  s: RopeShape,
  options: KernelOptions = {},
): void {
  checkShape(s);
  const n = s.b * s.h * s.t * s.d;
  const ps = positionsShape(s);
  requireBuffer('rope', 'x', x, n, describe(s));
  requireBuffer('rope', 'out', out, n, describe(s));
  requireBuffer('rope', 'positions', positions, ps.length, ps.text);
  if (x === out) throw new ShapeError('rope: out must not be the input buffer (WebGPU forbids binding one buffer as read and write)');
  if (n === 0) return;
  const half = s.d / 2;
  const grid = grid1d(n / 2, ROPE_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
  const params = paramsBuffer(ctx, 'rope', [
    ['u32', s.b],
    ['u32', s.h],
    ['u32', s.t],
    ['u32', half],
    ['u32', s.perBatchPositions ? 1 : 0],
    ['u32', s.layout === 'BTHD' ? 1 : 0],
    ['u32', s.inverse ? 1 : 0],
    ['u32', grid.row],
  ]);
  const pipeline = ctx.pipelines.get('rope', options.shaderCode ?? ropeWgsl, { WG: ROPE_WORKGROUP_SIZE });
  recordPass(ctx, encoder, s.inverse ? 'rope inverse' : 'rope', pipeline, [x, positions, invFreqBuffer(ctx, s.theta, s.d), out, params], [grid.x, grid.y]);
}
