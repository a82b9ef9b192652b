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
  conditional: { dims: 10, l2: 1e-4, perAttribute: true, bins: 10 },
  mixture: { ks: [1, 2, 3, 4, 6, 8], l2: 1e-3, maxIterations: 40, restarts: 2 },
  multiObjective: { dims: [2, 4, 6, 8, 10, 12, 16], l2: 1e-4, shots: [0, 1, 2, 4, 8, 16], maxIterations: 300 },
};
