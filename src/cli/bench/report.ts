// The benchmark's printed table and ratio lines, built from the suites' results.
import { RATIO_CPU, RATIO_WEBGPU, type SuiteResult } from '../../bench/matmul-bench-suite';
import { ratioNumpy, ratioNumpyCpuTime, ratioThreads } from './cpu-peers';
import type { TrainStepResult } from './train-step';

/** Each ratio's target, from the engine and performance issues (undefined: no target). */
export function ratioTarget(name: string): number | undefined {
  if (name === RATIO_WEBGPU || name === RATIO_CPU) return 1.0;
  if (name === ratioThreads(2)) return 1.7;
  if (name === ratioNumpyCpuTime) return undefined; // the wall-clock line beside it has the target
  if (name.startsWith(ratioNumpy(1).split(',')[0])) return 0.4;
  return undefined;
}

function shapeText(label: string): string {
  return label.length > 40 ? `${label.slice(0, 39)}…` : label;
}

/** Rows: products; columns: one per suite (environment), GFLOP/s from each product's best run. */
export function formatTable(suites: SuiteResult[]): string {
  const labels: string[] = [];
  for (const s of suites) for (const r of s.rows) if (!labels.includes(r.label)) labels.push(r.label);
  const cols = suites.map((s) => s.environment);
  const width = Math.max(14, ...cols.map((c) => c.length));
  const lines = [`matmul GFLOP/s (best of the timed runs)`, `${'product'.padEnd(41)}${cols.map((c) => c.padStart(width + 2)).join('')}`];
  for (const label of labels) {
    const cells = suites.map((s) => {
      const row = s.rows.find((r) => r.label === label);
      return (row ? row.gflops.toFixed(row.gflops < 10 ? 3 : 1) : '-').padStart(width + 2);
    });
    lines.push(`${shapeText(label).padEnd(41)}${cells.join('')}`);
  }
  return lines.join('\n');
}

export function formatRatios(suites: SuiteResult[]): string {
  const lines: string[] = [];
  for (const s of suites) {
    for (const r of s.ratios) {
      const target = ratioTarget(r.name);
      const verdict = target === undefined ? '' : r.ratio >= target ? `  (target >= ${target}: met)` : `  (target >= ${target}: NOT met)`;
      lines.push(
        `${r.name} ${r.size}: ${r.ratio.toFixed(2)}  [${s.environment}; ours ${r.ours.bestMs.toFixed(1)} ms vs ` +
          `${r.theirs.bestMs.toFixed(1)} ms, best of ${r.ours.runs}; results differ by ${r.difference.toExponential(1)}]${verdict}`,
      );
    }
  }
  return lines.join('\n');
}

export function formatAdapters(suites: SuiteResult[]): string {
  return suites
    .filter((s) => s.adapter || s.notes.length > 0)
    .map((s) => `${s.environment}: ${[s.adapter, ...s.notes].filter(Boolean).join('; ')}`)
    .join('\n');
}

/** Whether every ratio meets its target. */
export function targetsMet(suites: SuiteResult[]): boolean {
  return suites.every((s) =>
    s.ratios.every((r) => {
      const target = ratioTarget(r.name);
      return target === undefined || r.ratio >= target;
    }),
  );
}

/** Rows: model sizes; columns: backends; cells: tokens/s of the fastest step. */
export function formatTrainSteps(results: TrainStepResult[]): string {
  const models = [...new Set(results.map((r) => r.model))];
  const backends = [...new Set(results.map((r) => r.backend))];
  const lines = [
    'training step tokens/s (forward + backward + AdamW, best step)',
    `${'model'.padEnd(41)}${backends.map((b) => b.padStart(16)).join('')}`,
  ];
  for (const m of models) {
    const cells = backends.map((b) => {
      const r = results.find((x) => x.model === m && x.backend === b);
      return (r ? r.tokensPerSecond.toFixed(0) : '-').padStart(16);
    });
    lines.push(`${m.padEnd(41)}${cells.join('')}`);
  }
  return lines.join('\n');
}
