// The DPO loss family over per-sequence summed log-probs of the chosen and rejected responses under
// the policy (on the tape) and the reference (constants, computed once), as TRL computes them
// (DPOTrainer.dpo_loss with loss_type sigmoid / robust / hinge / ipo and rpo_alpha; CPOTrainer's
// loss_type simpo for SimPO). With z = (π_c - π_r) - (ref_c - ref_r):
//   sigmoid  -(1-ε)·logσ(βz) - ε·logσ(-βz)                  (DPO; ε > 0 is conservative DPO, cDPO)
//   robust   (-(1-ε)·logσ(βz) + ε·logσ(-βz)) / (1 - 2ε)      (unbiased under label noise ε)
//   hinge    relu(1 - βz)                                     (RSO / SLiC)
//   ipo      (z - 1/(2β))²  on per-token mean log-probs       (TRL divides IPO's logps by length)
//   simpo    sigmoid form on z = mean π_c - mean π_r - γ/β   (reference-free, length-normalised)
//   rpo      sigmoid + α·NLL, NLL = -Σ π_c / Σ n_c            (TRL's rpo_alpha: token-mean NLL of
//                                                              the chosen answers over the batch)
// The loss is the batch mean. TRL's metrics come from the same numbers (see ./dpo-metrics.ts).
import { add, affine, div, logsigmoid, mean, mul, relu, reshape, scale, square, sub, sum } from '../../autograd';
import { Tensor, type Backend } from '../../tensor';
import { ensure } from './errors';

export const DPO_LOSS_TYPES = ['sigmoid', 'robust', 'hinge', 'ipo', 'simpo', 'rpo'] as const;
export type DpoLossType = (typeof DPO_LOSS_TYPES)[number];

export interface DpoOptions {
  loss: DpoLossType;
  /** β: the KL-regularisation strength (TRL's default 0.1; SimPO's paper uses about 2). */
  beta: number;
  /** ε: label smoothing of sigmoid, robust, simpo and rpo's sigmoid term (default 0). */
  labelSmoothing?: number;
  /** γ: SimPO's target reward margin (TRL's simpo_gamma, default 0.5). */
  simpoGamma?: number;
  /** α: RPO's weight on the chosen answers' NLL (TRL's rpo_alpha; default 1). */
  rpoAlpha?: number;
}

/** Log-probs of one side (chosen or rejected) of a batch of B pairs. */
export interface SideLogps {
  /** Σ log p over each response's tokens, [B]: a tensor (on the tape for the policy) or host values. */
  sum: Tensor | ArrayLike<number>;
  /** Response tokens per row, B values (all > 0). */
  counts: ArrayLike<number>;
}

export interface DpoInputs {
  policyChosen: SideLogps;
  policyRejected: SideLogps;
  /** The reference's log-probs; unused (and may be omitted) for simpo. */
  referenceChosen?: SideLogps | null;
  referenceRejected?: SideLogps | null;
  /**
   * Per-pair weights on the preference term, B values in [0, 1] (default all 1); the loss stays the
   * mean over B. A weight of 0 leaves a row only RPO's NLL on its chosen answer (a directional
   * policy's condition-dropout rows, whose label means nothing without their direction).
   */
  weights?: ArrayLike<number> | null;
}

export interface DpoLoss {
  /** The mean loss over the batch (a scalar on the tape). */
  loss: Tensor;
  /**
   * What the metrics need, detached, in one [4B (+1 for rpo)] tensor so a log interval reads it once:
   * the log-probs the loss used (per-token means for ipo and simpo) policy chosen, policy rejected,
   * reference chosen, reference rejected, then rpo's NLL.
   */
  stats: Tensor;
  /** The options with defaults filled in (dpoMetrics reads them). */
  options: Required<DpoOptions>;
  B: number;
}

export const DPO_DEFAULTS = { labelSmoothing: 0, simpoGamma: 0.5, rpoAlpha: 1 } as const;

/** Fills defaults and checks ranges; throws PolicyLossError naming the field. */
export function resolveDpoOptions(o: DpoOptions): Required<DpoOptions> {
  const r = { ...DPO_DEFAULTS, ...o };
  ensure((DPO_LOSS_TYPES as readonly string[]).includes(r.loss), `dpoLoss: unknown loss "${r.loss}"; use one of ${DPO_LOSS_TYPES.join(', ')}`);
  ensure(Number.isFinite(r.beta) && r.beta > 0, `dpoLoss: beta must be a positive number, got ${r.beta}`);
  const maxEps = r.loss === 'robust' ? 0.5 : 1;
  ensure(r.labelSmoothing >= 0 && r.labelSmoothing < maxEps, `dpoLoss: labelSmoothing must be in [0, ${maxEps}) for ${r.loss}, got ${r.labelSmoothing}`);
  ensure(Number.isFinite(r.simpoGamma), `dpoLoss: simpoGamma must be a number, got ${r.simpoGamma}`);
  ensure(Number.isFinite(r.rpoAlpha) && r.rpoAlpha >= 0, `dpoLoss: rpoAlpha must be >= 0, got ${r.rpoAlpha}`);
  return r;
}

function isTensor(x: Tensor | ArrayLike<number>): x is Tensor {
  return x instanceof Tensor;
}

function asTensor(be: Backend, x: Tensor | ArrayLike<number>, B: number, what: string): Tensor {
  if (!isTensor(x)) {
    ensure(x.length === B, `dpoLoss: ${what} has ${x.length} values for ${B} pairs`);
    return be.fromData(Float32Array.from(x), [B]);
  }
  ensure(x.size === B, `dpoLoss: ${what} has ${x.size} values for ${B} pairs`);
  return x.rank === 1 ? x : reshape(x, [B]);
}

function checkCounts(c: ArrayLike<number>, B: number, what: string): void {
  ensure(c.length === B, `dpoLoss: ${what} counts has ${c.length} values for ${B} pairs`);
  for (let i = 0; i < B; i++) ensure(c[i] > 0, `dpoLoss: ${what} row ${i} has ${c[i]} response tokens (every response needs at least one)`);
}

/** The sigmoid (cDPO) form on βz: -(1-ε)·logσ(βz) - ε·logσ(-βz), per row. */
function sigmoidForm(z: Tensor, beta: number, eps: number): Tensor {
  const pos = logsigmoid(scale(z, beta));
  if (eps === 0) return scale(pos, -1);
  const neg = logsigmoid(scale(z, -beta));
  return sub(scale(pos, -(1 - eps)), scale(neg, eps));
}

export function dpoLoss(inputs: DpoInputs, options: DpoOptions): DpoLoss {
  const o = resolveDpoOptions(options);
  const { sum: pcSum } = inputs.policyChosen;
  const { sum: prSum } = inputs.policyRejected;
  ensure(isTensor(pcSum) && isTensor(prSum), 'dpoLoss: the policy log-probs must be tensors (the loss is differentiated through them)');
  const be = pcSum.backend;
  const B = inputs.policyChosen.counts.length;
  ensure(B > 0, 'dpoLoss: empty batch');
  const usesRef = o.loss !== 'simpo';
  const perToken = o.loss === 'ipo' || o.loss === 'simpo';

  const side = (s: SideLogps | null | undefined, what: string): Tensor => {
    ensure(!!s, `dpoLoss: ${o.loss} needs ${what} log-probs`);
    checkCounts(s.counts, B, what);
    const t = asTensor(be, s.sum, B, what);
    return perToken ? div(t, be.fromData(Float32Array.from(s.counts), [B])) : t;
  };
  const pc = side(inputs.policyChosen, 'policyChosen');
  const pr = side(inputs.policyRejected, 'policyRejected');
  const rc = usesRef ? side(inputs.referenceChosen, 'referenceChosen') : be.zeros([B]);
  const rr = usesRef ? side(inputs.referenceRejected, 'referenceRejected') : be.zeros([B]);

  let losses: Tensor;
  const piLogratios = sub(pc, pr);
  if (o.loss === 'simpo') {
    losses = sigmoidForm(affine(piLogratios, 1, -o.simpoGamma / o.beta), o.beta, o.labelSmoothing);
  } else {
    const z = sub(piLogratios, sub(rc, rr));
    if (o.loss === 'sigmoid' || o.loss === 'rpo') losses = sigmoidForm(z, o.beta, o.labelSmoothing);
    else if (o.loss === 'robust') {
      const eps = o.labelSmoothing;
      const pos = logsigmoid(scale(z, o.beta));
      const neg = logsigmoid(scale(z, -o.beta));
      losses = scale(sub(scale(neg, eps), scale(pos, 1 - eps)), 1 / (1 - 2 * eps));
    } else if (o.loss === 'hinge') losses = relu(affine(z, -o.beta, 1));
    else losses = square(affine(z, 1, -1 / (2 * o.beta)));
  }
  if (inputs.weights) {
    const w = inputs.weights;
    ensure(w.length === B, `dpoLoss: weights has ${w.length} values for ${B} pairs`);
    for (let i = 0; i < B; i++) ensure(w[i] >= 0 && w[i] <= 1, `dpoLoss: weights[${i}] must be in [0, 1], got ${w[i]}`);
    losses = mul(losses, be.fromData(Float32Array.from(w), [B]));
  }
  let loss = mean(losses);

  const stats: Tensor[] = [pc, pr, rc, rr];
  if (o.loss === 'rpo') {
    // TRL: F.cross_entropy over every chosen token of the batch, i.e. -Σ_b π_c,b / Σ_b n_c,b.
    let tokens = 0;
    for (let i = 0; i < B; i++) tokens += inputs.policyChosen.counts[i];
    const nll = scale(sum(asTensor(be, inputs.policyChosen.sum, B, 'policyChosen')), -1 / tokens);
    loss = add(loss, scale(nll, o.rpoAlpha));
    stats.push(nll.reshape([1]));
  }
  const packed = be.concat(stats, 0);
  return { loss, stats: packed, options: o, B };
}
