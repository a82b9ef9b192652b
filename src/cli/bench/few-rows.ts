// `npm run bench` (cpu): the few-rows matmul path (src/tensor/cpu/matmul-rows.ts) against the
// packed path on generation's products, interleaved on the same inputs in one run: a few rows of
// activations against a weight stored [n, k] (SmolLM2-135M's MLP projection 576 -> 1536 and its
// 49152-token LM head). The packed path is timed twice: packing B at every product (what decoding
// a model larger than the packed-operand cache does) and with B's panels kept (a model that fits).
// Rows beyond MAX_FEW_ROWS run the few-rows kernel directly, to show where the crossover lies. The
// few-rows path runs on one thread as it does by default, and on the backend's threads
// (setFewRowsThreads, off by default) for what they would gain; the packed path on the threads.
import { benchInputs, interleave, relativeDifference, type Timing } from '../../bench/matmul-bench';
import { initFastMatmul, matmulFast, onPackedPath } from '../../tensor/cpu/matmul-fast';
import { matmulFewRows, MAX_FEW_ROWS, setFewRowsThreads } from '../../tensor/cpu/matmul-rows';
import { holdPackedOperands } from '../../tensor/cpu/packed-operands';
import type { MatmulShape } from '../../tensor/kernels/matmul-shape';

export interface FewRowsRow {
  shape: string;
  rows: number;
  fewRows: Timing;
  /** The few-rows path with setFewRowsThreads(true). */
  fewRowsThreads: Timing;
  packedPacking: Timing;
  packedKept: Timing;
  /** packed (packing B) / few rows, and packed (B kept) / few rows: above 1, few rows is faster. */
  ratioPacking: number;
  ratioKept: number;
  difference: number;
}

export const FEW_ROWS_SHAPES: MatmulShape[] = [1, 4, 16, 32].flatMap((m) => [
  { batch: 1, m, n: 1536, k: 576, transB: true },
  ...(m === 1 || m === 16 ? [{ batch: 1, m, n: 49152, k: 576, transB: true }] : []),
]);

export async function runFewRowsBench(o: { reps: number; budgetMs: number; log: (line: string) => void }, shapes = FEW_ROWS_SHAPES): Promise<FewRowsRow[]> {
  await initFastMatmul();
  const rows: FewRowsRow[] = [];
  for (const shape of shapes) {
    const { a, b } = benchInputs(shape);
    const outs = { threads: new Float32Array(shape.m * shape.n), few: new Float32Array(shape.m * shape.n), packing: new Float32Array(shape.m * shape.n), kept: new Float32Array(shape.m * shape.n) };
    const timed = (fn: () => void) => async (times: number) => {
      const t0 = performance.now();
      for (let i = 0; i < times; i++) fn();
      return performance.now() - t0;
    };
    const release = holdPackedOperands();
    try {
      const t = await interleave(
        {
          few: timed(() => matmulFewRows(a, b, shape, outs.few)),
          threads: timed(() => {
            const was = setFewRowsThreads(true);
            try {
              matmulFewRows(a, b, shape, outs.threads);
            } finally {
              setFewRowsThreads(was);
            }
          }),
          packing: timed(() => onPackedPath(() => matmulFast(a, b, shape, outs.packing, false))),
          kept: timed(() => onPackedPath(() => matmulFast(a, b, shape, outs.kept, true))),
        },
        o,
      );
      const name = `${shape.m}x${shape.k} @ ${shape.n}x${shape.k}ᵀ`;
      const row: FewRowsRow = {
        shape: name,
        rows: shape.m,
        fewRows: t.few,
        fewRowsThreads: t.threads,
        packedPacking: t.packing,
        packedKept: t.kept,
        ratioPacking: t.packing.bestMs / t.few.bestMs,
        ratioKept: t.kept.bestMs / t.few.bestMs,
        difference: relativeDifference(outs.few, outs.packing),
      };
      rows.push(row);
      o.log(
        `cpu few-rows matmul ${name}${shape.m > MAX_FEW_ROWS ? ' (above MAX_FEW_ROWS: packed path in use)' : ''}: few rows ${t.few.bestMs.toFixed(2)} ms (on threads ${t.threads.bestMs.toFixed(2)} ms), packed ${t.packing.bestMs.toFixed(2)} ms packing B (${row.ratioPacking.toFixed(2)}x), ${t.kept.bestMs.toFixed(2)} ms B kept packed (${row.ratioKept.toFixed(2)}x)`,
      );
    } finally {
      release();
    }
  }
  return rows;
}

export function formatFewRows(rows: readonly FewRowsRow[]): string {
  const lines = [
    `few-rows matmul (cpu) vs the packed path, best ms; ratio = packed / few rows (above 1: few rows faster); in use up to ${MAX_FEW_ROWS} rows`,
    '  (few rows: 1 thread, as by default; "threads": few rows on the backend\'s threads, ratio = 1 thread / threads; packed: on the threads)',
  ];
  for (const r of rows) {
    lines.push(
      `  ${r.shape.padEnd(22)} few rows ${r.fewRows.bestMs.toFixed(2).padStart(7)}  threads ${r.fewRowsThreads.bestMs.toFixed(2).padStart(7)} (${(r.fewRows.bestMs / r.fewRowsThreads.bestMs).toFixed(2)}x)  packing B ${r.packedPacking.bestMs.toFixed(2).padStart(8)} (${r.ratioPacking.toFixed(2)}x)  B kept ${r.packedKept.bestMs.toFixed(2).padStart(8)} (${r.ratioKept.toFixed(2)}x)  rel. diff ${r.difference.toExponential(1)}`,
    );
  }
  return lines.join('\n');
}
