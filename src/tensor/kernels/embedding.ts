// Token embedding: gather rows of a [V, C] table by id, and the backward (scatter-add of the output
// gradient into a [V, C] gradient, built from per-row linked lists because WGSL has no float
// atomics): CPU references and the WebGPU encoders of shaders/embedding.wgsl.
import embeddingWgsl from '../../../shaders/embedding.wgsl?raw';
import type { GpuContext } from '../../gpu';
import { ShapeError } from '../tensor';
import { grid1d, paramsBuffer, recordPass, requireBuffer, requireDims, requireLength, type KernelOptions } from './kernel-support';

export interface EmbeddingShape {
  /** Vocabulary rows of the table. */
  v: number;
  /** Channels per row. */
  c: number;
  /** Tokens (B*T). */
  n: number;
}

export const EMBEDDING_WORKGROUP_SIZE = 256;

function checkIds(op: string, ids: Int32Array, v: number): void {
  for (let i = 0; i < ids.length; i++) {
    if (!(ids[i] >= 0 && ids[i] < v)) throw new ShapeError(`${op}: token id ${ids[i]} at position ${i} is outside the table's [0, ${v})`);
  }
}

/** CPU reference: out[n, :] = table[ids[n], :]. Throws on an id outside [0, V). */
export function embeddingCpu(table: Float32Array, ids: Int32Array, s: EmbeddingShape): Float32Array {
  requireDims('embedding', { v: s.v, c: s.c, n: s.n });
  requireLength('embedding', 'table', table, s.v * s.c, `[V=${s.v}, C=${s.c}]`);
  requireLength('embedding', 'ids', ids, s.n, `[N=${s.n}] (table is [V=${s.v}, C=${s.c}])`);
  checkIds('embedding', ids, s.v);
  const out = new Float32Array(s.n * s.c);
  for (let n = 0; n < s.n; n++) out.set(table.subarray(ids[n] * s.c, (ids[n] + 1) * s.c), n * s.c);
  return out;
}

/** CPU reference of the backward: dtable[v, :] = sum over tokens n with ids[n] = v of dy[n, :]. */
export function embeddingBackwardCpu(ids: Int32Array, dy: Float32Array, s: EmbeddingShape): Float32Array {
  requireDims('embedding backward', { v: s.v, c: s.c, n: s.n });
  requireLength('embedding backward', 'ids', ids, s.n, `[N=${s.n}]`);
  requireLength('embedding backward', 'dy', dy, s.n * s.c, `[N=${s.n}, C=${s.c}]`);
  checkIds('embedding backward', ids, s.v);
  const acc = new Float64Array(s.v * s.c);
  for (let n = 0; n < s.n; n++) for (let c = 0; c < s.c; c++) acc[ids[n] * s.c + c] += dy[n * s.c + c];
  return Float32Array.from(acc);
}

function grid(ctx: GpuContext, threads: number) {
  return grid1d(threads, EMBEDDING_WORKGROUP_SIZE, ctx.report.limits.maxComputeWorkgroupsPerDimension);
}

function params(ctx: GpuContext, s: EmbeddingShape, row: number): GPUBuffer {
  return paramsBuffer(ctx, 'embedding', [['u32', s.v], ['u32', s.c], ['u32', s.n], ['u32', row]]);
}

/** Records out [N, C] = table[ids] (ids outside [0, V) give NaN rows). */
export function encodeEmbedding(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  table: GPUBuffer,
  ids: GPUBuffer,
  out: GPUBuffer,
  s: EmbeddingShape,
  options: KernelOptions = {},
): void {
  requireDims('embedding', { v: s.v, c: s.c, n: s.n });
  requireBuffer('embedding', 'table', table, s.v * s.c, `[V=${s.v}, C=${s.c}]`);
  requireBuffer('embedding', 'ids', ids, s.n, `[N=${s.n}]`);
  requireBuffer('embedding', 'out', out, s.n * s.c, `[N=${s.n}, C=${s.c}]`);
  if (s.n * s.c === 0) return;
  const g = grid(ctx, s.n * s.c);
  const pipeline = ctx.pipelines.get('embedding', options.shaderCode ?? embeddingWgsl, { WG: EMBEDDING_WORKGROUP_SIZE }, 'gather');
  recordPass(ctx, encoder, 'embedding', pipeline, [table, ids, out, params(ctx, s, g.row)], [g.x, g.y]);
}

/** u32 elements of the scratch buffer encodeEmbeddingBackward needs: V + N. */
export function embeddingBackwardScratch(s: EmbeddingShape): number {
  return s.v + s.n;
}

/**
 * Records dtable [V, C] (overwritten; rows no token uses become 0) from ids [N] and dy [N, C].
 * `scratch` holds embeddingBackwardScratch(s) u32s. Four passes: heads reset, first token per
 * row (atomicMin), next token per token, per-(row, channel) sums in token order.
 */
export function encodeEmbeddingBackward(
  ctx: GpuContext,
  encoder: GPUCommandEncoder,
  ids: GPUBuffer,
  dy: GPUBuffer,
  scratch: GPUBuffer,
  dtable: GPUBuffer,
  s: EmbeddingShape,
  options: KernelOptions = {},
): void {
  const op = 'embedding backward';
  requireDims(op, { v: s.v, c: s.c, n: s.n });
  requireBuffer(op, 'ids', ids, s.n, `[N=${s.n}]`);
  requireBuffer(op, 'dy', dy, s.n * s.c, `[N=${s.n}, C=${s.c}]`);
  requireBuffer(op, 'scratch', scratch, embeddingBackwardScratch(s), `[V + N = ${s.v} + ${s.n}]`);
  requireBuffer(op, 'dtable', dtable, s.v * s.c, `[V=${s.v}, C=${s.c}]`);
  if (s.v * s.c === 0) return;
  const code = options.shaderCode ?? embeddingWgsl;
  const pipe = (entry: string) => ctx.pipelines.get('embedding', code, { WG: EMBEDDING_WORKGROUP_SIZE }, entry);
  const gv = grid(ctx, s.v);
  recordPass(ctx, encoder, 'embedding backward heads', pipe('head_init'), { 3: params(ctx, s, gv.row), 4: scratch }, [gv.x, gv.y]);
  if (s.n > 0) {
    const gn = grid(ctx, s.n);
    const p = params(ctx, s, gn.row);
    recordPass(ctx, encoder, 'embedding backward first tokens', pipe('head_min'), { 1: ids, 3: p, 5: scratch }, [gn.x, gn.y]);
    recordPass(ctx, encoder, 'embedding backward links', pipe('next_link'), { 1: ids, 3: p, 4: scratch }, [gn.x, gn.y]);
  }
  const gvc = grid(ctx, s.v * s.c);
  recordPass(ctx, encoder, 'embedding backward sums', pipe('accumulate'), { 3: params(ctx, s, gvc.row), 6: dy, 7: scratch, 8: dtable }, [gvc.x, gvc.y]);
}
