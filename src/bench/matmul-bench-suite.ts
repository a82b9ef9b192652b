// The matmul benchmark suites, run the same way in Node (Dawn) and in a browser page: GFLOP/s of
// our kernels on square and transformer-shaped products, and side-by-side ratios against
// onnxruntime-web on the same product (WebGPU EP on the same adapter; WASM EP at the thread count
// its caller set, the cpu backend's in Node).
import type { GpuContext } from '../gpu';
import type { MatmulShape, MatmulVariant } from '../tensor/kernels/matmul';
import {
  gflops,
  interleave,
  ourCpuContender,
  ourGpuContender,
  ortWasmContender,
  ortWebgpuContender,
  relativeDifference,
  squareShape,
  TRANSFORMER_SHAPES,
  type BenchShape,
  type Contender,
  type OrtModule,
  type Timing,
} from './matmul-bench';

export interface MatmulRow {
  label: string;
  shape: MatmulShape;
  backend: 'cpu' | 'webgpu';
  variant?: MatmulVariant;
  gflops: number;
  timing: Timing;
}

export const RATIO_WEBGPU = 'ours / onnxruntime-web webgpu';
export const RATIO_CPU = 'cpu backend / onnxruntime-web wasm';

export interface RatioRow {
  /** RATIO_WEBGPU, RATIO_CPU, or a cpu peer line (src/cli/bench/cpu-peers.ts). */
  name: string;
  size: number;
  /** Speed of ours over theirs: their best time / our best time (> 1: ours is faster). */
  ratio: number;
  ours: Timing;
  theirs: Timing;
  /** max |ours - theirs| / max |theirs| on the same inputs: both computed the same product. */
  difference: number;
}

export interface SuiteResult {
  /** Where it ran, e.g. "node (Dawn)" or "chromium 140". */
  environment: string;
  adapter?: string;
  rows: MatmulRow[];
  ratios: RatioRow[];
  notes: string[];
}

export interface SuiteOptions {
  sizes: number[];
  /** Square sizes also run on onnxruntime-web for a ratio. */
  ortSizes: number[];
  transformerShapes: boolean;
  reps: number;
  /** Per product, stop starting new rounds after this long (the first round always runs). */
  budgetMs: number;
  log?: (line: string) => void;
}

async function compare(
  ours: Contender,
  theirs: Contender,
  options: SuiteOptions,
): Promise<{ ours: Timing; theirs: Timing; difference: number }> {
  const t = await interleave({ ours: ours.run, theirs: theirs.run }, options);
  const difference = relativeDifference(await ours.result(), await theirs.result());
  return { ours: t.ours, theirs: t.theirs, difference };
}

function shapesOf(options: SuiteOptions): BenchShape[] {
  return [...options.sizes.map(squareShape), ...(options.transformerShapes ? TRANSFORMER_SHAPES : [])];
}

/** Our WGSL matmul on `ctx`, and onnxruntime-web's WebGPU EP beside it where asked. */
export async function runWebgpuSuite(
  ctx: GpuContext,
  ort: OrtModule | null,
  environment: string,
  options: SuiteOptions & { variant?: MatmulVariant },
): Promise<SuiteResult> {
  const result: SuiteResult = { environment, adapter: ctx.report.summary, rows: [], ratios: [], notes: [] };
  for (const { label, shape } of shapesOf(options)) {
    const ours = ourGpuContender(ctx, shape, options.variant);
    try {
      const square = shape.m === shape.n && shape.n === shape.k && shape.batch === 1 && !shape.transA && !shape.transB;
      let timing: Timing;
      if (ort && square && options.ortSizes.includes(shape.n)) {
        const theirs = await ortWebgpuContender(ort, shape);
        try {
          const c = await compare(ours, theirs, options);
          timing = c.ours;
          result.ratios.push({ name: RATIO_WEBGPU, size: shape.n, ratio: c.theirs.bestMs / c.ours.bestMs, ...c });
          options.log?.(`${environment} ${label}: ours ${c.ours.bestMs.toFixed(1)} ms, onnxruntime-web webgpu ${c.theirs.bestMs.toFixed(1)} ms`);
        } finally {
          theirs.destroy();
        }
      } else {
        timing = (await interleave({ ours: ours.run }, options)).ours;
        options.log?.(`${environment} ${label}: ours ${timing.bestMs.toFixed(1)} ms`);
      }
      result.rows.push({ label, shape, backend: 'webgpu', variant: options.variant, gflops: gflops(shape, timing.bestMs), timing });
    } finally {
      ours.destroy();
    }
  }
  return result;
}

/** Our CPU backend's matmul, and onnxruntime-web's WASM EP beside it where asked. */
export async function runCpuSuite(ort: OrtModule | null, environment: string, options: SuiteOptions): Promise<SuiteResult> {
  const result: SuiteResult = { environment, rows: [], ratios: [], notes: [] };
  if (ort) result.notes.push(`onnxruntime-web wasm threads: ${ort.env.wasm.numThreads}`);
  for (const { label, shape } of shapesOf(options)) {
    const ours = await ourCpuContender(shape);
    let timing: Timing;
    const square = shape.m === shape.n && shape.n === shape.k && shape.batch === 1 && !shape.transA && !shape.transB;
    if (ort && square && options.ortSizes.includes(shape.n)) {
      const theirs = await ortWasmContender(ort, shape);
      try {
        const c = await compare(ours, theirs, options);
        timing = c.ours;
        result.ratios.push({ name: RATIO_CPU, size: shape.n, ratio: c.theirs.bestMs / c.ours.bestMs, ...c });
        options.log?.(`${environment} ${label}: ours ${c.ours.bestMs.toFixed(1)} ms, onnxruntime-web wasm ${c.theirs.bestMs.toFixed(1)} ms`);
      } finally {
        theirs.destroy();
      }
    } else {
      timing = (await interleave({ ours: ours.run }, options)).ours;
      options.log?.(`${environment} ${label}: ours ${timing.bestMs.toFixed(1)} ms`);
    }
    result.rows.push({ label, shape, backend: 'cpu', gflops: gflops(shape, timing.bestMs), timing });
  }
  return result;
}
