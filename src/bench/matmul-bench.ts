// Shared by the matmul benchmarks in Node (src/cli/bench) and in the browser (src/bench): the
// products measured, one runner per implementation (each runner does one product and returns its
// wall time in ms), and interleaved timing so a busy machine slows every contender alike.
// onnxruntime-web is passed in by the caller (Node and browsers load different builds of it).
import type * as Ort from 'onnxruntime-web';
import type { GpuContext } from '../gpu';
import { Rng } from '../util/rng';
import { initFastMatmul, matmulFast } from '../tensor/cpu/matmul-fast';
import { encodeMatmul, matmulFlops, matmulLengths, type MatmulLoads, type MatmulShape, type MatmulVariant } from '../tensor/kernels/matmul';
import { onnxMatmulModel } from './matmul-onnx';

export type OrtModule = typeof Ort;

export interface BenchShape {
  label: string;
  shape: MatmulShape;
}

export function squareShape(n: number): BenchShape {
  return { label: `${n}x${n}x${n}`, shape: { batch: 1, m: n, n, k: n } };
}

/** Products of one training step of a SmolLM2-135M-sized layer (C 576, MLP 1536, 9 heads of 64)
 * on 256 tokens: the Linear layers (x @ W^T), a weight gradient, and attention per head. */
export const TRANSFORMER_SHAPES: BenchShape[] = [
  { label: 'proj x[256,576] @ W[576,576]^T', shape: { batch: 1, m: 256, n: 576, k: 576, transB: true } },
  { label: 'mlp-up x[256,576] @ W[1536,576]^T', shape: { batch: 1, m: 256, n: 1536, k: 576, transB: true } },
  { label: 'mlp-down h[256,1536] @ W[576,1536]^T', shape: { batch: 1, m: 256, n: 576, k: 1536, transB: true } },
  { label: 'dW dY[256,576]^T @ x[256,576]', shape: { batch: 1, m: 576, n: 576, k: 256, transA: true } },
  { label: 'scores q[9,128,64] @ k[9,128,64]^T', shape: { batch: 9, m: 128, n: 128, k: 64, transB: true } },
  { label: 'values p[9,128,128] @ v[9,128,64]', shape: { batch: 9, m: 128, n: 64, k: 128 } },
];

/** Runs `times` products back to back (waiting for completion once, at the end) and resolves
 * to their total wall time in milliseconds. */
export type Runner = (times: number) => Promise<number>;

export interface Contender {
  run: Runner;
  /** The product's result, read back once to check that contenders agree. */
  result(): Promise<Float32Array>;
  destroy(): void;
}

export interface Timing {
  /** Per product, in the fastest run: the least disturbed by other work on a shared machine. */
  bestMs: number;
  medianMs: number;
  runs: number;
  /** Products per timed run (more than one when one product is too quick to time alone). */
  batch: number;
}

/** A timed run should last at least this long, so that submit and wake-up latency (a fraction of
 * a millisecond) does not swamp fast GPUs. */
const MIN_RUN_MS = 25;
const MAX_BATCH = 200;

export function gflops(shape: MatmulShape, ms: number): number {
  return matmulFlops(shape) / (ms * 1e6);
}

export function benchInputs(shape: MatmulShape, seed = 2024): { a: Float32Array; b: Float32Array } {
  const rng = new Rng(seed);
  const len = matmulLengths(shape);
  return { a: rng.float32(len.a), b: rng.float32(len.b) };
}

/**
 * Times contenders round-robin: one warm-up product each (pipeline compiles, first-touch costs)
 * that also sizes the batch of products per timed run, then rounds of one run each until `reps`
 * rounds or `budgetMs` spent (at least one timed round).
 */
export async function interleave(
  contenders: Record<string, Runner>,
  options: { reps: number; budgetMs?: number },
): Promise<Record<string, Timing>> {
  const names = Object.keys(contenders);
  const batch: Record<string, number> = {};
  for (const name of names) {
    const ms = await contenders[name](1);
    batch[name] = Math.max(1, Math.min(MAX_BATCH, Math.ceil(MIN_RUN_MS / Math.max(ms, 1e-3))));
  }
  const times: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const start = performance.now();
  for (let round = 0; round < options.reps; round++) {
    if (round > 0 && options.budgetMs !== undefined && performance.now() - start > options.budgetMs) break;
    for (const name of names) times[name].push((await contenders[name](batch[name])) / batch[name]);
  }
  const out: Record<string, Timing> = {};
  for (const name of names) {
    const sorted = [...times[name]].sort((x, y) => x - y);
    out[name] = { bestMs: sorted[0], medianMs: sorted[Math.floor(sorted.length / 2)], runs: sorted.length, batch: batch[name] };
  }
  return out;
}

/** Our WGSL matmul: inputs resident on the GPU, one submit per product, timed to completion.
 * `loads` forces scalar or vec4 global loads (default: vec4 where the shape is aligned). */
export function ourGpuContender(ctx: GpuContext, shape: MatmulShape, variant?: MatmulVariant, loads?: MatmulLoads): Contender {
  const { a, b } = benchInputs(shape);
  const len = matmulLengths(shape);
  const ab = ctx.createStorageBuffer('bench:a', a);
  const bb = ctx.createStorageBuffer('bench:b', b);
  const ob = ctx.createBuffer('bench:out', len.out * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
  const options = { ...(variant ? { variant } : {}), ...(loads ? { loads } : {}) };
  return {
    async run(times) {
      // One submit per product, as onnxruntime-web does per session run.
      const t0 = performance.now();
      for (let i = 0; i < times; i++) {
        const encoder = ctx.device.createCommandEncoder({ label: 'bench:matmul' });
        encodeMatmul(ctx, encoder, ab, bb, ob, shape, options);
        ctx.device.queue.submit([encoder.finish()]);
      }
      await ctx.device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    },
    result: () => ctx.readFloat32(ob, len.out),
    destroy() {
      for (const buf of [ab, bb, ob]) buf.destroy();
    },
  };
}

/** Our CPU backend's matmul (the fast path), into a preallocated output. */
export async function ourCpuContender(shape: MatmulShape): Promise<Contender> {
  await initFastMatmul();
  const { a, b } = benchInputs(shape);
  const out = new Float32Array(matmulLengths(shape).out);
  return {
    async run(times) {
      const t0 = performance.now();
      for (let i = 0; i < times; i++) matmulFast(a, b, shape, out);
      return performance.now() - t0;
    },
    result: async () => out,
    destroy() {},
  };
}

function ortDims(shape: MatmulShape): { a: number[]; b: number[]; out: number[] } {
  if (shape.transA || shape.transB || shape.broadcastA) {
    throw new RangeError('onnxruntime-web MatMul is benchmarked on plain layouts only (no transposes, no shared A)');
  }
  const lead = shape.batch > 1 ? [shape.batch] : [];
  return {
    a: [...lead, shape.m, shape.k],
    b: shape.broadcastB ? [shape.k, shape.n] : [...lead, shape.k, shape.n],
    out: [...lead, shape.m, shape.n],
  };
}

/**
 * onnxruntime-web's WebGPU execution provider on a one-node MatMul model: inputs in GPU buffers
 * of its own device (same adapter as ours), output left on the GPU, timed to queue completion.
 */
export async function ortWebgpuContender(ort: OrtModule, shape: MatmulShape): Promise<Contender> {
  const dims = ortDims(shape);
  const session = await ort.InferenceSession.create(onnxMatmulModel(dims.a, dims.b), {
    executionProviders: ['webgpu'],
    preferredOutputLocation: 'gpu-buffer',
  });
  const device = (await ort.env.webgpu.device) as GPUDevice;
  const { a, b } = benchInputs(shape);
  const upload = (data: Float32Array) => {
    const buf = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(buf, 0, data);
    return buf;
  };
  const ab = upload(a);
  const bb = upload(b);
  const feeds = {
    A: ort.Tensor.fromGpuBuffer(ab, { dataType: 'float32', dims: dims.a }),
    B: ort.Tensor.fromGpuBuffer(bb, { dataType: 'float32', dims: dims.b }),
  };
  let last: Ort.Tensor | undefined;
  const run = async (times: number) => {
    const outputs: Ort.Tensor[] = [];
    const t0 = performance.now();
    for (let i = 0; i < times; i++) outputs.push((await session.run(feeds)).C);
    await device.queue.onSubmittedWorkDone();
    const ms = performance.now() - t0;
    last?.dispose();
    last = outputs.pop();
    for (const o of outputs) o.dispose();
    return ms;
  };
  return {
    run,
    async result() {
      if (!last) await run(1);
      return (await last!.getData()) as Float32Array;
    },
    destroy() {
      last?.dispose();
      void session.release();
      ab.destroy();
      bb.destroy();
    },
  };
}

/** onnxruntime-web's WASM execution provider (threads as set in ort.env.wasm.numThreads). */
export async function ortWasmContender(ort: OrtModule, shape: MatmulShape): Promise<Contender> {
  const dims = ortDims(shape);
  const session = await ort.InferenceSession.create(onnxMatmulModel(dims.a, dims.b), { executionProviders: ['wasm'] });
  const { a, b } = benchInputs(shape);
  const feeds = { A: new ort.Tensor('float32', a, dims.a), B: new ort.Tensor('float32', b, dims.b) };
  let last: Float32Array | undefined;
  const run = async (times: number) => {
    const t0 = performance.now();
    for (let i = 0; i < times; i++) last = (await session.run(feeds)).C.data as Float32Array;
    return performance.now() - t0;
  };
  return {
    run,
    async result() {
      if (!last) await run(1);
      return last!;
    },
    destroy() {
      void session.release();
    },
  };
}

/** Largest |x - y| relative to the largest |y|: do two contenders compute the same product? */
export function relativeDifference(x: Float32Array, y: Float32Array): number {
  if (x.length !== y.length) return Infinity;
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < x.length; i++) {
    worst = Math.max(worst, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(y[i]));
  }
  return worst / (scale || 1);
}
