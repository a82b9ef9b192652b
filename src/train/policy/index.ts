// Stage 2's losses and PPO/RLOO math (TRL's formulas and metric names; docs/policies.md, Methods):
// the DPO family on per-sequence log-probs, PPO's per-token rewards, GAE and whitening on host
// arrays, the clipped policy and value losses on the tape, RLOO advantages, and the helpers that
// read response log-probs off our Llama model.
export { PolicyLossError } from './errors';
export { dpoLoss, resolveDpoOptions, DPO_DEFAULTS, DPO_LOSS_TYPES, type DpoInputs, type DpoLoss, type DpoLossType, type DpoOptions, type SideLogps } from './dpo';
export { dpoMetricsFrom, readDpoMetrics, DPO_METRIC_NAMES, type DpoMetricName, type DpoMetrics } from './dpo-metrics';
export { maskedCount, maskedMean, maskedVar, maskedWhiten, type Values } from './masked';
export { gae, lastTokenIndex, perTokenKl, ppoRewards, type Advantages, type GaeOptions, type KlEstimator, type PpoRewards, type RewardOptions, type RolloutArrays } from './gae';
export { rlooAdvantages, rlooRewards, type RlooOptions } from './rloo';
export { clippedPolicyLoss, clippedValueLoss, ppoLoss, type ClippedPolicyInputs, type ClippedValueInputs, type PolicyLossResult, type PpoLossOptions, type ValueLossResult } from './ppo-loss';
export { policyStats, PpoStatsAverager, rolloutMetrics, valueStats, type OptimisationMetrics, type PolicyStats, type RolloutMetrics, type ValueStats } from './ppo-metrics';
export { pairLogProbs, readPairLogProbs, readResponseLogProbs, responseLogProbs, type HostResponseLogps, type LogProbOptions, type PreferenceRow, type ResponseLogps } from './logprobs';
export { clampScalar, clampTensor, maximum } from './clip';
