// RLOO (REINFORCE leave-one-out; TRL's RLOOTrainer): K sampled answers per prompt, each one's
// baseline the mean reward of the other K - 1, no value head. Sequence level, as TRL's default:
//   rlhf_reward_i = score_i - kl_coef · Σ_t kl_{i,t}
//   A_i = rlhf_reward_i - (Σ_{j in group} rlhf_reward_j - rlhf_reward_i) / (K - 1)
// optionally normalised over the batch, (A - mean) / (std + 1e-8) with the unbiased std (TRL's
// normalize_advantage). Layout: the K samples of a prompt are contiguous (sample p·K + k); TRL
// stores them k-major, which is the same math on a transposed index.
import { ensure } from './errors';
import type { Values } from './masked';

export interface RlooOptions {
  /** Samples per prompt (TRL's rloo_k), at least 2. */
  k: number;
  /** Normalise the advantages over the batch (default false). */
  normalize?: boolean;
}

/** score - kl_coef · (Σ_t kl) per sample: the sequence-level reward RLOO uses. */
export function rlooRewards(scores: Values, klSums: Values, klCoef: number): Float64Array {
  ensure(scores.length === klSums.length, `rlooRewards: ${scores.length} scores for ${klSums.length} KL sums`);
  return Float64Array.from(scores, (s, i) => s - klCoef * klSums[i]);
}

/** Leave-one-out advantages of rewards laid out as P groups of K. */
export function rlooAdvantages(rewards: Values, o: RlooOptions): Float64Array {
  const { k } = o;
  ensure(Number.isInteger(k) && k >= 2, `rlooAdvantages: k must be an integer >= 2 (one sample has no leave-one-out baseline), got ${k}`);
  ensure(rewards.length > 0 && rewards.length % k === 0, `rlooAdvantages: ${rewards.length} rewards is not a whole number of groups of ${k}`);
  const out = new Float64Array(rewards.length);
  for (let g = 0; g < rewards.length; g += k) {
    let total = 0;
    for (let j = 0; j < k; j++) total += rewards[g + j];
    for (let j = 0; j < k; j++) out[g + j] = rewards[g + j] - (total - rewards[g + j]) / (k - 1);
  }
  if (o.normalize) {
    const n = out.length;
    ensure(n >= 2, 'rlooAdvantages: normalize needs at least 2 samples');
    let mean = 0;
    for (const a of out) mean += a / n;
    let ss = 0;
    for (const a of out) ss += (a - mean) ** 2;
    const std = Math.sqrt(ss / (n - 1));
    for (let i = 0; i < n; i++) out[i] = (out[i] - mean) / (std + 1e-8);
  }
  return out;
}
