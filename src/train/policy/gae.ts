// PPO's per-token rewards and advantages on host arrays, as TRL's PPOTrainer computes them between
// rollout and optimisation. Layout: [B, T] row-major with a mask that is 1 on response tokens (the
// positions whose log-probs and values the policy and value head produce); other positions are
// ignored, so the [B, T] layout of a scoring batch (prompt first, padding after) works directly.
//   kl_t      = logp_t - ref_t (k1, TRL's default) or (e^{ref-logp} - 1) - (ref - logp) (k3)
//   r_t       = -kl_coef·kl_t, plus the sequence's score at its last response token
//   δ_t       = r_t + γ·V_{t+1} - V_t   (V and r are 0 off the mask, so V after the last token is 0)
//   A_t       = δ_t + γλ·A_{t+1},   returns_t = A_t + V_t
//   advantages whitened over the mask (masked_whiten) and set to 0 off it.
import { ensure } from './errors';
import { maskedWhiten, type Values } from './masked';

export type KlEstimator = 'k1' | 'k3';

export interface RolloutArrays {
  B: number;
  T: number;
  /** [B, T] 1 on response tokens, 0 elsewhere. */
  mask: Values;
}

export interface RewardOptions {
  /** TRL's kl_coef (default 0.05). */
  klCoef: number;
  klEstimator?: KlEstimator;
}

export interface GaeOptions {
  /** Discount γ (TRL default 1). */
  gamma: number;
  /** GAE λ (TRL default 0.95). */
  lam: number;
  /** Whiten the rewards first, without shifting their mean (TRL's whiten_rewards; default false). */
  whitenRewards?: boolean;
}

function checkLayout(what: string, r: RolloutArrays, arrays: Record<string, Values>): void {
  ensure(Number.isInteger(r.B) && Number.isInteger(r.T) && r.B > 0 && r.T > 0, `${what}: bad shape B=${r.B}, T=${r.T}`);
  ensure(r.mask.length === r.B * r.T, `${what}: mask has ${r.mask.length} values for [${r.B}, ${r.T}]`);
  for (const [name, a] of Object.entries(arrays)) ensure(a.length === r.B * r.T, `${what}: ${name} has ${a.length} values for [${r.B}, ${r.T}]`);
}

/** Index (within the row) of each row's last response token; throws for a row without one. */
export function lastTokenIndex(r: RolloutArrays): number[] {
  const out: number[] = [];
  for (let b = 0; b < r.B; b++) {
    let last = -1;
    for (let t = 0; t < r.T; t++) if (r.mask[b * r.T + t] !== 0) last = t;
    ensure(last >= 0, `ppo: row ${b} has no response token (an empty generation); drop it before the update`);
    out.push(last);
  }
  return out;
}

/** Per-token KL estimate of the policy against the reference, 0 off the mask. */
export function perTokenKl(r: RolloutArrays & { logps: Values; refLogps: Values }, estimator: KlEstimator = 'k1'): Float64Array {
  checkLayout('perTokenKl', r, { logps: r.logps, refLogps: r.refLogps });
  const kl = new Float64Array(r.B * r.T);
  for (let i = 0; i < kl.length; i++) {
    if (r.mask[i] === 0) continue;
    const logr = r.refLogps[i] - r.logps[i];
    kl[i] = estimator === 'k1' ? -logr : Math.expm1(logr) - logr;
  }
  return kl;
}

export interface PpoRewards {
  /** [B, T] -kl_coef·kl, plus the score at each row's last response token. */
  rewards: Float64Array;
  kl: Float64Array;
  /** [B, T] -kl_coef·kl (TRL's non_score_reward). */
  nonScoreReward: Float64Array;
}

export function ppoRewards(r: RolloutArrays & { logps: Values; refLogps: Values; scores: Values }, o: RewardOptions): PpoRewards {
  ensure(Number.isFinite(o.klCoef) && o.klCoef >= 0, `ppoRewards: klCoef must be >= 0, got ${o.klCoef}`);
  ensure(r.scores.length === r.B, `ppoRewards: ${r.scores.length} scores for ${r.B} rows`);
  const kl = perTokenKl(r, o.klEstimator);
  const nonScoreReward = kl.map((k) => -o.klCoef * k);
  const rewards = Float64Array.from(nonScoreReward);
  lastTokenIndex(r).forEach((t, b) => (rewards[b * r.T + t] += r.scores[b]));
  return { rewards, kl, nonScoreReward };
}

export interface Advantages {
  /** [B, T] whitened over the mask, 0 off it: what the clipped policy loss uses. */
  advantages: Float64Array;
  /** [B, T] raw GAE advantages plus values: the value head's targets. */
  returns: Float64Array;
  /** [B, T] raw (unwhitened) GAE advantages. */
  raw: Float64Array;
}

/** Generalised advantage estimation over each row, then TRL's whitening. */
export function gae(r: RolloutArrays & { rewards: Values; values: Values }, o: GaeOptions): Advantages {
  checkLayout('gae', r, { rewards: r.rewards, values: r.values });
  ensure(o.gamma >= 0 && o.gamma <= 1 && o.lam >= 0 && o.lam <= 1, `gae: gamma and lam must be in [0, 1], got ${o.gamma} and ${o.lam}`);
  const { B, T, mask } = r;
  let rewards: Values = r.rewards;
  if (o.whitenRewards) rewards = maskedWhiten(rewards, mask, false);
  const raw = new Float64Array(B * T);
  const returns = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    let next = 0;
    let lastgaelam = 0;
    for (let t = T - 1; t >= 0; t--) {
      const i = b * T + t;
      const on = mask[i] !== 0;
      const v = on ? r.values[i] : 0;
      const rew = on ? rewards[i] : 0;
      const delta = rew + o.gamma * next - v;
      lastgaelam = delta + o.gamma * o.lam * lastgaelam;
      raw[i] = lastgaelam;
      returns[i] = lastgaelam + v;
      next = v;
    }
  }
  const advantages = maskedWhiten(raw, mask);
  for (let i = 0; i < advantages.length; i++) {
    if (mask[i] === 0) {
      advantages[i] = 0;
      returns[i] = 0;
    }
  }
  return { advantages, returns, raw };
}
