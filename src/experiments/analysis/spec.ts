// Analysis specs: the defaults every field falls back to, and the named presets `analysis
// presets` lists. The headline preset is the issue's: built-in world seed 1, 1,000 personas.
import type { AnalysisSpec } from '../../protocol/analysis';
import { DEFAULT_BUILTIN } from '../../data';

export const DEFAULT_ANALYSIS: AnalysisSpec = {
  data: { source: 'builtin', seed: DEFAULT_BUILTIN.seed, personas: DEFAULT_BUILTIN.personas, questionsPerPersona: DEFAULT_BUILTIN.questionsPerPersona, noise: DEFAULT_BUILTIN.noise },
  seed: 1,
  split: { unseenFraction: 0.2, testFraction: 0.25, crossPartners: 4, validationFraction: 0.2 },
  parts: ['conditional', 'mixture', 'multi-objective'],
  bootstrap: { resamples: 1000, confidence: 0.95 },
  conditional: { dims: 10, l2: [1e-3, 3e-3, 1e-2], perAttribute: true, bins: 10 },
  mixture: { ks: [1, 2, 3, 4, 6], l2: 1e-3, maxIterations: 30, restarts: 1 },
  multiObjective: { dims: [2, 4, 6, 8, 10, 12, 16], l2: 1e-3, shots: [0, 1, 2, 4, 8, 16], maxIterations: 300 },
};

export interface AnalysisPreset {
  name: string;
  title: string;
  description: string;
  spec: AnalysisSpec;
}

export const ANALYSIS_PRESETS: readonly AnalysisPreset[] = [
  {
    name: 'builtin',
    title: 'Built-in world, seed 1 (the issue-13 numbers)',
    description: '1,000 personas; conditional fits with every attribute alone, EM over K in {1,2,3,4,6}, multi-objective d by validation, k-shot weights for unseen personas. On a loaded shared machine the parts took 30 (conditional), 11 (multi-objective) and 20 (mixture) minutes; run them side by side with --parts.',
    spec: { ...DEFAULT_ANALYSIS, preset: 'builtin' },
  },
  {
    name: 'builtin-quick',
    title: 'Built-in world, small and fast',
    description: '300 personas, no per-attribute fits, K in {1,2,3}, d in {4,10}, 200 bootstrap resamples: a smoke test of every part in about two minutes.',
    spec: {
      ...DEFAULT_ANALYSIS,
      preset: 'builtin-quick',
      data: { ...DEFAULT_ANALYSIS.data, personas: 300 } as AnalysisSpec['data'],
      bootstrap: { resamples: 200, confidence: 0.95 },
      conditional: { ...DEFAULT_ANALYSIS.conditional, l2: [3e-3], perAttribute: false },
      mixture: { ...DEFAULT_ANALYSIS.mixture, ks: [1, 2, 3], restarts: 1, maxIterations: 20 },
      multiObjective: { ...DEFAULT_ANALYSIS.multiObjective, dims: [4, 10], maxIterations: 150 },
    },
  },
  {
    // The "Models of preference" view's e2e test runs this one (tests/e2e/models.spec.ts): every
    // part and every plot, small enough for a loaded 2-core machine. Stronger L2 than the others:
    // 120 personas overfit the default strengths (the conditional fit lost to the marginal one, and
    // EM at L2 0.01 picked K = 1, every K > 1 below a coin on validation); at 0.5 EM picks K = 3.
    name: 'builtin-tiny',
    title: 'Built-in world, tiny (the app demo, seconds)',
    description: '120 personas of 16 questions; every part with every attribute alone, K in {1,2,3}, d in {4,10}, k-shot for k in {0,1,2,4,8,16}, 200 bootstrap resamples. 15-45 s on a loaded 2-core machine (Node or the app). A pipeline demo: too few personas for the issue\'s numbers (use builtin).',
    spec: {
      ...DEFAULT_ANALYSIS,
      preset: 'builtin-tiny',
      data: { ...DEFAULT_ANALYSIS.data, personas: 120, questionsPerPersona: 16 } as AnalysisSpec['data'],
      bootstrap: { resamples: 200, confidence: 0.95 },
      conditional: { ...DEFAULT_ANALYSIS.conditional, dims: 4, l2: [0.03], maxIterations: 40 },
      mixture: { ks: [1, 2, 3], l2: 0.5, maxIterations: 15, restarts: 1 },
      multiObjective: { ...DEFAULT_ANALYSIS.multiObjective, dims: [4, 10], l2: 0.01, maxIterations: 80 },
    },
  },
  {
    name: 'opinionqa-sample',
    title: 'OpinionQA sample (shared fixture)',
    description: 'The shared OpinionQA-format sample: conditional fits and each group\'s representativeness under the marginal and the conditional model (Santurkar et al. 2023). Path relative to the repository root.',
    spec: {
      ...DEFAULT_ANALYSIS,
      preset: 'opinionqa-sample',
      data: { source: 'path', path: '../shared/fixtures/opinionqa-sample', format: 'opinionqa' },
      parts: ['conditional'],
      split: { ...DEFAULT_ANALYSIS.split, crossPartners: 1 },
      conditional: { ...DEFAULT_ANALYSIS.conditional, dims: 4, l2: [1e-2] },
    },
  },
];

export class UnknownAnalysisPresetError extends Error {
  override name = 'UnknownAnalysisPresetError';
  constructor(name: string) {
    super(`No analysis preset "${name}"; the presets are ${ANALYSIS_PRESETS.map((p) => p.name).join(', ')} (analysis presets lists them)`);
  }
}

export function analysisPreset(name: string): AnalysisSpec {
  const p = ANALYSIS_PRESETS.find((x) => x.name === name);
  if (!p) throw new UnknownAnalysisPresetError(name);
  return structuredClone(p.spec);
}

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** A spec from a base and a partial one (a spec file): objects merge one level deep, arrays and values replace. */
export function mergeSpec(base: AnalysisSpec, over: DeepPartial<AnalysisSpec>): AnalysisSpec {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(over)) {
    const cur = out[k];
    out[k] = v !== null && typeof v === 'object' && !Array.isArray(v) && cur !== null && typeof cur === 'object' && !Array.isArray(cur) && k !== 'data' ? { ...cur, ...v } : v;
  }
  return out as unknown as AnalysisSpec;
}
