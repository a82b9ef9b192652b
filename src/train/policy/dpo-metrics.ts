// TRL's DPO metrics from the numbers the loss used (DpoLoss.stats, read once at a log interval):
//   rewards/chosen    mean β(π_c - ref_c)        rewards/rejected  mean β(π_r - ref_r)
//   rewards/accuracies mean [reward_c > reward_r] (a tie counts as wrong, as in TRL)
//   rewards/margins   mean β(π_c - ref_c) - β(π_r - ref_r)
//   logps/chosen      mean π_c                   logps/rejected    mean π_r
//   nll_loss          rpo only: the NLL term before α
// For ipo and simpo the log-probs are per-token means (what the loss used; TRL logs the same), and
// simpo has no reference, so its rewards are β·π (CPOTrainer's).
import type { DpoLoss, DpoLossType } from './dpo';
import { ensure } from './errors';

export const DPO_METRIC_NAMES = ['rewards/chosen', 'rewards/rejected', 'rewards/accuracies', 'rewards/margins', 'logps/chosen', 'logps/rejected'] as const;
export type DpoMetricName = (typeof DPO_METRIC_NAMES)[number] | 'nll_loss';
export type DpoMetrics = Partial<Record<DpoMetricName, number>> & Record<(typeof DPO_METRIC_NAMES)[number], number>;

/** Metrics from the packed stats [π_c (B), π_r (B), ref_c (B), ref_r (B), nll?] in f64. */
export function dpoMetricsFrom(stats: ArrayLike<number>, B: number, loss: DpoLossType, beta: number): DpoMetrics {
  const extra = loss === 'rpo' ? 1 : 0;
  ensure(stats.length === 4 * B + extra, `dpoMetrics: ${stats.length} stats for ${B} pairs (${loss})`);
  let rc = 0;
  let rr = 0;
  let acc = 0;
  let lc = 0;
  let lr = 0;
  for (let i = 0; i < B; i++) {
    const c = beta * (stats[i] - stats[2 * B + i]);
    const r = beta * (stats[B + i] - stats[3 * B + i]);
    rc += c;
    rr += r;
    if (c > r) acc++;
    lc += stats[i];
    lr += stats[B + i];
  }
  const m: DpoMetrics = {
    'rewards/chosen': rc / B,
    'rewards/rejected': rr / B,
    'rewards/accuracies': acc / B,
    'rewards/margins': (rc - rr) / B,
    'logps/chosen': lc / B,
    'logps/rejected': lr / B,
  };
  if (extra) m.nll_loss = stats[4 * B];
  return m;
}

/** Reads a DpoLoss's stats (one readback) and returns TRL's metrics. */
export async function readDpoMetrics(r: DpoLoss): Promise<DpoMetrics> {
  return dpoMetricsFrom(await r.stats.data(), r.B, r.options.loss, r.options.beta);
}
