// How far an analysis run is, from the engine's progress lines: runAnalysis logs one line per fit
// it finishes (the data, each L2 tried, marginal, all, each attribute alone, each d, each k, each
// K and the refits), so the lines a spec will produce can be counted before it starts.
import { ATTRIBUTE_KEYS } from '../data';
import type { AnalysisSpec } from '../protocol/analysis';

/** The number of progress lines a run of `spec` logs (on the built-in world: every attribute present). */
export function expectedAnalysisLines(spec: AnalysisSpec): number {
  const l2Lines = spec.conditional.l2.length > 1 ? spec.conditional.l2.length : 0;
  let n = 1; // the data line
  if (spec.parts.includes('conditional')) n += l2Lines + 2 + (spec.conditional.perAttribute ? ATTRIBUTE_KEYS.length : 0);
  if (spec.parts.includes('multi-objective')) n += (spec.parts.includes('conditional') ? 0 : l2Lines) + spec.multiObjective.dims.length + 1 + spec.multiObjective.shots.length;
  if (spec.parts.includes('mixture')) n += spec.mixture.ks.length + 1;
  return n;
}

/** Share done after `lines` lines, never 1 before the record is there. */
export function analysisFraction(spec: AnalysisSpec, lines: number): number {
  return Math.min(0.99, lines / expectedAnalysisLines(spec));
}

/** Seconds left at this pace; null until a tenth is done (the data line alone says little). */
export function analysisEta(fraction: number, elapsedSeconds: number): number | null {
  return fraction < 0.1 ? null : (elapsedSeconds * (1 - fraction)) / fraction;
}
