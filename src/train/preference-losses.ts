// The Bradley–Terry model of a pairwise preference, the one every Stage-1 scorer trains and reads:
// P(chosen ≻ rejected) = σ(m) for an oriented margin m (> 0 when the model prefers `chosen`), and
// its loss, the negative log-likelihood -mean log σ(m). The margin is r(chosen) - r(rejected) for a
// scalar reward head (Bradley–Terry proper), or the choice logit oriented toward `chosen` for the
// pairwise-preference model of Dong et al. 2024; the loss and the probability are the same.
import { logsigmoid, mean, neg } from '../autograd';
import type { Tensor } from '../tensor';

/** -mean log σ(margins) over margins [B]: a scalar tensor, recorded for backward. */
export function bradleyTerryLoss(margins: Tensor): Tensor {
  // logsigmoid, not log(sigmoid): stays finite for margins far below zero.
  return neg(mean(logsigmoid(margins)));
}

/** σ(margin) on the host, for reading predictions back: P(chosen ≻ rejected); 0.5 is a tie. */
export function preferenceProbability(margin: number): number {
  // Two branches so neither exp overflows.
  return margin >= 0 ? 1 / (1 + Math.exp(-margin)) : Math.exp(margin) / (1 + Math.exp(margin));
}
