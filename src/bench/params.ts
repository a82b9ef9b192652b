// The bench page's parameters, read from its URL so the CLI (and a person) can choose what runs.
import type { SuiteOptions } from './matmul-bench-suite';

export interface PageParams extends SuiteOptions {
  /** Run the CPU backend suite too, with onnxruntime-web's WASM EP beside it at cpuOrtSizes. */
  cpu: boolean;
  cpuOrtSizes: number[];
  adapterTimeoutMs: number;
}

function numbers(value: string | null, fallback: number[]): number[] {
  if (value === null) return fallback;
  if (value.trim() === '') return [];
  const out = value.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n <= 0)) throw new RangeError(`bench: not a list of sizes: "${value}"`);
  return out;
}

export function readParams(search: string): PageParams {
  const q = new URLSearchParams(search);
  return {
    sizes: numbers(q.get('sizes'), [128, 256, 512, 1024]),
    ortSizes: numbers(q.get('ort'), [512, 1024]),
    transformerShapes: q.get('shapes') !== '0',
    reps: Number(q.get('reps') ?? 3),
    budgetMs: Number(q.get('budget') ?? 20_000),
    cpu: q.get('cpu') !== '0',
    cpuOrtSizes: numbers(q.get('cpuOrt'), [512]),
    adapterTimeoutMs: Number(q.get('adapterTimeout') ?? 20_000),
  };
}
