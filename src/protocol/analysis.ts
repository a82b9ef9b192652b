// The modelling analyses (issue 13) as plain data: what `analysis run` is asked to do (the spec)
// and what it found (the record). The CLI writes the record as JSON/CSV; the "Models of
// preference" view will draw it, so every number a plot needs is here, with its interval.
import type { DataSpec } from './spec';

export const ANALYSIS_VERSION = 1;

export type AnalysisPart = 'conditional' | 'mixture' | 'multi-objective';
export const ANALYSIS_PARTS: readonly AnalysisPart[] = ['conditional', 'mixture', 'multi-objective'];

export interface AnalysisSpec {
  /** The preset it came from, if any. */
  preset?: string;
  data: DataSpec;
  /** Seed of the split, the pair builder, model inits and the bootstrap. */
  seed: number;
  split: { unseenFraction: number; testFraction: number; crossPartners: number; validationFraction: number };
  parts: AnalysisPart[];
  /** Bootstrap over personas for every interval. */
  bootstrap: { resamples: number; confidence: number };
  conditional: {
    /** Rank of the attribute-to-response map. */
    dims: number;
    /** L2 strengths tried; the one with the best validation log-likelihood is used for every fit. */
    l2: number[];
    /** Fit one model per attribute (the per-attribute information); off: marginal and all only. */
    perAttribute: boolean;
    /** Reliability-diagram bins over the top-label confidence [0.5, 1]. */
    bins: number;
    /** L-BFGS iterations per fit (default 300). */
    maxIterations?: number;
  };
  mixture: { ks: number[]; l2: number; maxIterations: number; restarts: number };
  multiObjective: {
    dims: number[];
    l2: number;
    shots: number[];
    maxIterations: number;
    /** The few-shot prior's covariance is this times the training personas' weight covariance (default 1). */
    priorScale?: number;
  };
}

/** A value with a percentile bootstrap interval (resampling personas). */
export interface Estimate {
  value: number;
  lo: number;
  hi: number;
}

export interface CalibrationBin {
  /** Bin edges on the top-label confidence max(p, 1 - p). */
  lo: number;
  hi: number;
  n: number;
  /** Mean confidence and accuracy of the pairs in the bin. */
  confidence: number;
  accuracy: number;
}

export type AnalysisSet = 'generic' | 'cross' | 'unseen';

/** A fitted model's scores on one held-out pair set. */
export interface SetFit {
  set: AnalysisSet;
  pairs: number;
  personas: number;
  /** Mean log-likelihood per pair, in nats (log 2 = 0.693 is a coin). */
  logLik: Estimate;
  accuracy: Estimate;
  /** Expected calibration error: sum over bins of (n_b / N) |accuracy_b - confidence_b|. */
  ece: number;
  bins: CalibrationBin[];
}

export interface ConditionalFit {
  /** 'marginal', 'all', or the attribute's name. */
  label: string;
  attributes: string[];
  /** Persona features the model had (bias included). */
  features: number;
  trainLogLik: number;
  sets: SetFit[];
}

/** What one attribute alone tells about the preference: log-likelihood gain over the marginal. */
export interface AttributeInformation {
  attribute: string;
  /** Nats per pair on held-out cross pairs of seen personas (paired bootstrap over personas). */
  gain: Estimate;
  /** The same on unseen personas: a many-valued attribute can single out small groups of seen
   * personas (gain on their held-out questions) and still tell nothing about new ones. */
  unseenGain?: Estimate;
  accuracy: Estimate;
  /** Built-in world: whether the attribute drives a planted axis. */
  planted?: boolean;
}

export interface GroupRepresentativeness {
  group: string;
  questions: number;
  marginal: number;
  conditional: number;
}

export interface RepresentativenessReport {
  /** How it is computed, in words (Santurkar et al. 2023). */
  definition: string;
  groups: GroupRepresentativeness[];
  marginal: Estimate;
  conditional: Estimate;
}

export interface ConditionalReport {
  /** The L2 strength validation chose. */
  l2: number;
  fits: ConditionalFit[];
  /** all - marginal on held-out cross pairs of seen personas: log-likelihood (nats/pair) and accuracy. */
  allVsMarginal: { logLik: Estimate; accuracy: Estimate };
  perAttribute: AttributeInformation[];
  representativeness?: RepresentativenessReport;
}

export interface MixtureGridPoint {
  k: number;
  /** Mean log-likelihood per pair on validation pairs (selection) and on test pairs. */
  validationLogLik: number;
  testLogLik: number;
  iterations: number;
}

export interface MixtureType {
  index: number;
  /** Share of training personas assigned (largest responsibility) to the type. */
  share: number;
  personas: number;
  /** Held-out cross pairs of the type's personas: the mixture's and the pooled model's accuracy. */
  mixture: Estimate;
  pooled: Estimate;
  pairs: number;
}

export interface CrossTab {
  attribute: string;
  values: string[];
  /** counts[type][value]. */
  counts: number[][];
  /** Cramér's V of the table (0: types independent of the attribute, 1: determined by it). */
  cramersV: number;
}

export interface MixtureReport {
  grid: MixtureGridPoint[];
  chosenK: number;
  types: MixtureType[];
  /** Worst-served type's accuracy under each model (the max-min view). */
  worstPooled: number;
  worstMixture: number;
  /** The attributes most associated with the types, strongest first. */
  crossTabs: CrossTab[];
}

export interface FewShotPoint {
  k: number;
  personas: number;
  pairs: number;
  accuracy: Estimate;
  logLik: Estimate;
}

export interface AxisRecovery {
  axis: string;
  /** Correlation of the axis's pole with the best linear combination of the learned basis, over
   * the candidate responses of the questions that vary on the axis (each question's mean removed). */
  correlation: number;
}

export interface MultiObjectiveReport {
  grid: Array<{ dims: number; validationLogLik: number }>;
  chosenDims: number;
  trainLogLik: number;
  fewShot: FewShotPoint[];
  /** The all-attributes conditional model on the same evaluation pairs. */
  conditional: { accuracy: Estimate; logLik: Estimate };
  /** Built-in world: the Bayes-optimal accuracy on the evaluation pairs (realized). */
  bayes?: number;
  /** Built-in world: per planted axis, and the canonical correlations of basis vs all axes. */
  axes?: AxisRecovery[];
  canonicalCorrelations?: number[];
}

export interface AnalysisCheck {
  name: string;
  pass: boolean;
  detail: string;
}

export interface AnalysisRecord {
  version: typeof ANALYSIS_VERSION;
  spec: AnalysisSpec;
  appVersion: string;
  dataset: { id: string; name: string; source: string; personas: number; rows: number };
  pairs: Record<string, number>;
  startedAt: string;
  seconds: number;
  conditional?: ConditionalReport;
  mixture?: MixtureReport;
  multiObjective?: MultiObjectiveReport;
  /** The acceptance checks, evaluated on this run (built-in world). */
  checks: AnalysisCheck[];
}
