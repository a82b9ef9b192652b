// PPO and RLOO with a reward model (TRL's PPOTrainer and RLOOTrainer; the math is train/policy's,
// golden-tested). One step: `rolloutsPerStep` training prompts (a seeded order over a pool of
// `train.maxPairs` seen-persona training prompts, `train.epochs` passes), answers sampled from the
// current policy at the method's temperature (PPO one per prompt, RLOO k; log-probs are read at
// it too), scored by the reward model; the policy's log-probs (and PPO's values) and the
// reference's (the base; with method.start, the directional start, every row carrying its
// persona's vector: ./online.ts) read once without gradients; then
//   PPO:  per-token rewards −kl_coef·(log π − log π_base) plus the score at the last response
//         token, GAE (γ, λ), whitened advantages, and `ppoEpochs` passes of shuffled minibatches
//         (`train.batchSize` answers) of the clipped policy loss + vf_coef × the clipped value loss
//         (with method.valueHead 'detached' the value loss reaches only the head, not the trunk;
//         method.valueLr gives the head its own rate, method.valueInit 'mean-score' starts it at
//         the first rollout's mean score);
//   RLOO: sequence rewards score − kl_coef·Σ_t kl_t, leave-one-out advantages within each
//         prompt's k answers, and one pass of minibatches of the clipped policy loss on sequence
//         log-probs (no value head).
// Every step is logged with TRL's names (objective/*, policy/*, loss/*). Checkpoints every
// `checkpointEvery` steps hold the parameters (policy and value head) and AdamW's moments; every
// draw is seeded by step, so a resume continues the same trajectory bit for bit.
import { backward, detach, noGrad, scale, sum } from '../../autograd';
import { scoringBatch, type PromptResponse } from '../../models/batch';
import type { LlamaModel } from '../../models/llama/model';
import type { LoraAdapter } from '../../models/lora/adapter';
import { tokenLogProbsOf } from '../../models/scoring';
import type { PolicyArmSpec } from '../../protocol/policy';
import { tidy, type Tensor } from '../../tensor';
import { AdamW } from '../../train/adamw';
import { assertFinite } from '../../train/health';
import { CancelledError, type LogPoint } from '../../train/loop';
import { restoreOptimizer, saveOptimizer } from '../../train/optimizer-state';
import { clippedPolicyLoss, gae, perTokenKl, policyStats, ppoLoss, ppoRewards, PpoStatsAverager, rlooAdvantages, rlooRewards, rolloutMetrics, valueStats } from '../../train/policy';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { LoadedLm } from '../lm/loaded';
import type { EvalItem } from './evaluate';
import { meanOf, OnlineResumeError, policyParameters, readParameters, referencePolicy, restoreParameters, rowConditions, sampleAndScore, startPolicy, trainingPrompts, type OnlineArm, type OnlineCheckpoint, type TrainedPolicy } from './online';
import { FixedCondition, stackRows } from '../../train/policy/condition-embedding';
import { ValueHead } from './value-head';

type PpoSpec = Extract<PolicyArmSpec['method'], { kind: 'ppo' }>;
type RlooSpec = Extract<PolicyArmSpec['method'], { kind: 'rloo' }>;

/** Steps of a run: `epochs` passes over the prompt pool, `rolloutsPerStep` prompts a step. */
export function onlineSteps(pool: number, epochs: number, rolloutsPerStep: number): { prompts: number; steps: number } {
  const prompts = Math.max(1, Math.ceil(epochs * pool));
  return { prompts, steps: Math.ceil(prompts / rolloutsPerStep) };
}

/** Per row, the values at its mask's positions, in order. */
function byRow(values: ArrayLike<number>, mask: ArrayLike<number>, B: number, T: number): number[][] {
  const out: number[][] = [];
  for (let b = 0; b < B; b++) {
    const row: number[] = [];
    for (let t = 0; t < T; t++) if (mask[b * T + t] !== 0) row.push(values[b * T + t]);
    out.push(row);
  }
  return out;
}

/** Rows' lists back onto a [B, T] grid at its mask's positions (0 elsewhere). */
function onGrid(rows: readonly (readonly number[])[], mask: ArrayLike<number>, B: number, T: number): Float32Array {
  const out = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    let j = 0;
    for (let t = 0; t < T; t++) if (mask[b * T + t] !== 0) out[b * T + t] = rows[b][j++];
    if (j !== rows[b].length) throw new RangeError(`row ${b}: ${rows[b].length} rollout values for ${j} response tokens (the batch layout changed between rollout and update)`);
  }
  return out;
}

/** The rollout's per-row lists as a compact [N, L] grid (response tokens first, L the longest). */
function compact(rows: readonly (readonly number[])[]): { B: number; T: number; mask: Float32Array; grid: (lists: readonly (readonly number[])[]) => Float64Array } {
  const B = rows.length;
  const T = Math.max(1, ...rows.map((r) => r.length));
  const mask = new Float32Array(B * T);
  rows.forEach((r, b) => mask.fill(1, b * T, b * T + r.length));
  return {
    B,
    T,
    mask,
    grid: (lists) => {
      const g = new Float64Array(B * T);
      lists.forEach((r, b) => g.set(r, b * T));
      return g;
    },
  };
}

interface RolloutRead {
  logps: number[][];
  values: number[][] | null;
}

/**
 * The final hidden states whose logits are the sampling distribution's: logits / T (TRL divides
 * the logits by the temperature before its log-probs). The LM head is linear without a bias, so
 * scaling the hidden states by 1/T scales the logits by it.
 */
function tempered(hidden: Tensor, temperature: number): Tensor {
  return temperature === 1 ? hidden : scale(hidden, 1 / temperature);
}

/** A batch's conditioning vectors as the [B, 1, C] tensor the model reads (null without any). */
function conditionTensor(model: LlamaModel, conditions: readonly Float32Array[] | undefined): Tensor | null {
  return conditions ? new FixedCondition(model.backend, model.config.hiddenSize).forward(stackRows(conditions), conditions.length) : null;
}

/** Per-token log-probs (and values) of rollout rows without gradients, `size` rows at a time. */
async function readRollout(model: LlamaModel, adapter: LoraAdapter | null, head: ValueHead | null, rows: readonly PromptResponse[], o: { padId: number; maxLength: number; size: number; temperature: number; conditions?: readonly Float32Array[] }): Promise<RolloutRead> {
  const out: RolloutRead = { logps: [], values: head ? [] : null };
  for (let i = 0; i < rows.length; i += o.size) {
    const batch = scoringBatch(rows.slice(i, i + o.size), o.padId, o.maxLength);
    const r = noGrad(() =>
      tidy(() => {
        const condition = conditionTensor(model, o.conditions?.slice(i, i + o.size));
        const hidden = model.hidden(batch.ids, batch.B, batch.T, { adapter, condition });
        return { tokens: tokenLogProbsOf(model, batch, tempered(hidden, o.temperature)), values: head ? head.values(hidden) : null };
      }),
    );
    try {
      out.logps.push(...byRow((await r.tokens.data()) as Float32Array, batch.weights, batch.B, batch.T));
      if (r.values) out.values!.push(...byRow((await r.values.data()) as Float32Array, batch.weights, batch.B, batch.T));
    } finally {
      r.tokens.dispose();
      r.values?.dispose();
    }
  }
  return out;
}

interface StepData {
  rows: PromptResponse[];
  /** Per row, the policy's conditioning vector (a directional start), or undefined. */
  conditions: Float32Array[] | undefined;
  scores: number[];
  old: number[][];
  /** PPO: per row, whitened advantages, returns and rollout values; RLOO: one advantage per row. */
  advantages: number[][];
  returns: number[][] | null;
  oldValues: number[][] | null;
  metrics: Record<string, number>;
}

async function rollout(o: OnlineArm, m: PpoSpec | RlooSpec, model: LlamaModel, adapter: LoraAdapter | null, head: ValueHead | null, items: readonly EvalItem[], step: number, at: (within: number, message: string) => void, startValues: boolean): Promise<StepData> {
  const k = m.kind === 'rloo' ? m.k : 1;
  const s = await sampleAndScore(o, model, adapter, items, k, `step:${step}`, (done, total) => at(0.5 * (done / total), `sampling ${done} of ${total} answers`));
  // method.valueInit 'mean-score': before the run's first values are read, V starts at the level of
  // this rollout's returns (the score, paid at the last response token).
  if (head && startValues) head.startAt(meanOf(s.scores));
  const rows = s.prompts.map((prompt, j) => ({ prompt, response: s.completions[j] }));
  const conditions = rowConditions(o, items, k);
  const read = { padId: o.base.tokenizer.padId, maxLength: o.arm.train.maxLength, size: o.arm.train.batchSize, temperature: m.temperature, conditions };
  const wasTraining = adapter?.training ?? false;
  if (adapter) adapter.training = false;
  let pol: RolloutRead;
  let ref: RolloutRead;
  try {
    pol = await readRollout(model, adapter, head, rows, read);
    const reference = referencePolicy(o);
    ref = await readRollout(reference.model, reference.adapter, null, rows, read);
  } finally {
    if (adapter) adapter.training = wasTraining;
  }
  at(0.6, 'advantages');
  const c = compact(pol.logps);
  const logps = c.grid(pol.logps);
  const refLogps = c.grid(ref.logps);
  const arrays = { B: c.B, T: c.T, mask: c.mask, logps, refLogps, scores: s.scores };
  const back = (g: ArrayLike<number>) => pol.logps.map((r, b) => Array.from({ length: r.length }, (_, t) => g[b * c.T + t]));
  if (m.kind === 'ppo') {
    const rw = ppoRewards(arrays, { klCoef: m.klCoef });
    const adv = gae({ B: c.B, T: c.T, mask: c.mask, rewards: rw.rewards, values: c.grid(pol.values!) }, { gamma: m.gamma, lam: m.lam });
    const metrics = { ...rolloutMetrics({ ...arrays, kl: rw.kl, klCoef: m.klCoef }) };
    return { rows, conditions, scores: s.scores, old: pol.logps, advantages: back(adv.advantages), returns: back(adv.returns), oldValues: pol.values, metrics };
  }
  const kl = perTokenKl(arrays);
  const klSums = pol.logps.map((r, b) => {
    let t = 0;
    for (let i = 0; i < r.length; i++) t += kl[b * c.T + i];
    return t;
  });
  const adv = rlooAdvantages(rlooRewards(s.scores, klSums, m.klCoef), { k });
  const metrics = { ...rolloutMetrics({ ...arrays, kl, klCoef: m.klCoef }) };
  return { rows, conditions, scores: s.scores, old: pol.logps, advantages: Array.from(adv, (x) => [x]), returns: null, oldValues: null, metrics };
}

interface MinibatchOut {
  loss: Tensor;
  logRatio: Tensor;
  values: Tensor | null;
  grid: { mask: Float32Array; advantages: Float32Array; oldValues: Float32Array | null; returns: Float32Array | null };
}

export async function trainPpo(o: OnlineArm, owned: { lm: LoadedLm | null; adapter: LoraAdapter | null }, headOut: { head: ValueHead | null }): Promise<TrainedPolicy> {
  const a = o.arm;
  const m = a.method;
  if (m.kind !== 'ppo' && m.kind !== 'rloo') throw new Error('trainPpo: not a PPO or RLOO arm');
  const be = o.be;
  const { model, adapter } = await startPolicy(o, owned);
  const head = m.kind === 'ppo' ? new ValueHead(be, model.config.hiddenSize) : null;
  headOut.head = head;
  const named = [...policyParameters(model, adapter), ...(head?.namedParameters() ?? [])];
  // method.valueLr: the head's own rate, as a multiple of the policy's (AdamW's per-parameter scale).
  const valueLr = m.kind === 'ppo' ? m.valueLr : null;
  const lrScale = head && valueLr !== null ? new Map(head.namedParameters().map(([, p]) => [p, valueLr / a.train.lr])) : undefined;
  const opt = new AdamW(
    named.map(([, p]) => p),
    { lr: a.train.lr, weightDecay: a.train.weightDecay, clipNorm: a.train.clipNorm, lrScale },
  );
  const result = o.result;
  const pool = trainingPrompts(o.split, a.train.maxPairs, o.seed, 'pool');
  if (pool.length === 0) throw new RangeError(`${a.label}: no training prompts (the split leaves the seen personas no training questions)`);
  const R = m.rolloutsPerStep;
  const { prompts: totalPrompts, steps: total } = onlineSteps(pool.length, a.train.epochs, R);
  const orders = new Map<number, number[]>();
  const promptAt = (idx: number): EvalItem => {
    const e = Math.floor(idx / pool.length);
    let order = orders.get(e);
    if (!order) orders.set(e, (order = new Rng(fnv1a32(`${o.seed}:online-order:${e}`)).shuffle(pool.map((_, i) => i))));
    return pool[order[idx % pool.length]];
  };
  const ppoEpochs = m.kind === 'ppo' ? m.ppoEpochs : 1;
  // A detached value head reads the hidden states without gradient: its loss cannot move the trunk.
  const valueInput = (hidden: Tensor) => (m.kind === 'ppo' && m.valueHead === 'detached' ? detach(hidden) : hidden);
  const mb = a.train.batchSize;
  const padId = o.base.tokenizer.padId;

  let start = 0;
  const ck = o.checkpoint;
  try {
    if (ck) {
      if (ck.online.method !== m.kind) throw new OnlineResumeError(`The checkpoint of ${a.label} is not a ${m.kind} one (${ck.online.method}); start the run again`);
      if (ck.totalSteps !== total) throw new OnlineResumeError(`The checkpoint was made for ${ck.totalSteps} steps, this run has ${total}: the spec changed; start again`);
      restoreParameters(be, named, ck.params);
      restoreOptimizer(opt, named, ck.optimizer);
      start = ck.step;
    }
    result.curve = ck ? ck.curve.slice() : [];
    const save = async (step: number) => {
      const c: OnlineCheckpoint = { step, totalSteps: total, params: await readParameters(named), optimizer: await saveOptimizer(opt, named), curve: result.curve.slice(), savedAt: new Date().toISOString(), online: { method: m.kind } };
      await o.saveCheckpoint(c);
    };
    let last = Date.now();
    for (let step = start + 1; step <= total; step++) {
      if (o.signal?.aborted) throw new CancelledError();
      o.assertDevice?.();
      const at = (within: number, message: string) => o.progress('train', (step - 1 + within) / total, `${a.label}: step ${step} of ${total}: ${message}`);
      const items = Array.from({ length: Math.min(R, totalPrompts - (step - 1) * R) }, (_, r) => promptAt((step - 1) * R + r));
      const d = await rollout(o, m, model, adapter, head, items, step, at, m.kind === 'ppo' && m.valueInit === 'mean-score' && step === 1);
      const stats = new PpoStatsAverager();
      let lossSum = 0;
      let updates = 0;
      const N = d.rows.length;
      for (let e = 0; e < ppoEpochs; e++) {
        const order = new Rng(fnv1a32(`${o.seed}:online-minibatch:${step}:${e}`)).shuffle(Array.from({ length: N }, (_, i) => i));
        for (let i = 0; i < N; i += mb) {
          if (o.signal?.aborted) throw new CancelledError();
          const idx = order.slice(i, i + mb);
          const out = await be.guard(`${a.label}: step ${step}, update ${updates + 1}`, () =>
            tidy((): MinibatchOut => {
              const batch = scoringBatch(idx.map((j) => d.rows[j]), padId, a.train.maxLength);
              const { B, T, weights } = batch;
              const condition = conditionTensor(model, d.conditions ? idx.map((j) => d.conditions![j]) : undefined);
              const hidden = model.hidden(batch.ids, B, T, { adapter, condition });
              const tokens = tokenLogProbsOf(model, batch, tempered(hidden, m.temperature));
              if (head) {
                const grid = {
                  mask: weights,
                  advantages: onGrid(idx.map((j) => d.advantages[j]), weights, B, T),
                  oldValues: onGrid(idx.map((j) => d.oldValues![j]), weights, B, T),
                  returns: onGrid(idx.map((j) => d.returns![j]), weights, B, T),
                };
                const old = onGrid(idx.map((j) => d.old[j]), weights, B, T);
                const r = ppoLoss(
                  { logps: tokens, oldLogps: old, advantages: grid.advantages, mask: weights },
                  { values: head.values(valueInput(hidden)), oldValues: grid.oldValues, returns: grid.returns, mask: weights },
                  { cliprange: m.cliprange, cliprangeValue: (m as PpoSpec).cliprangeValue, vfCoef: (m as PpoSpec).vfCoef },
                );
                backward(r.loss);
                opt.update();
                return { loss: r.loss, logRatio: r.policy.logRatio, values: r.value.values, grid };
              }
              const seq = sum(tokens, 1);
              const ones = new Float32Array(B).fill(1);
              const advantages = Float32Array.from(idx, (j) => d.advantages[j][0]);
              const old = Float32Array.from(idx, (j) => d.old[j].reduce((s, x) => s + x, 0));
              const r = clippedPolicyLoss({ logps: seq, oldLogps: old, advantages, mask: ones }, { cliprange: m.cliprange });
              backward(r.loss);
              opt.update();
              return { loss: r.loss, logRatio: r.logRatio, values: null, grid: { mask: ones, advantages, oldValues: null, returns: null } };
            }),
          );
          try {
            lossSum += assertFinite('loss', await out.loss.item(), step);
            const logRatio = (await out.logRatio.data()) as Float32Array;
            stats.addPolicy(policyStats(logRatio, out.grid.advantages, out.grid.mask, m.cliprange));
            if (out.values && head) {
              const pm = m as PpoSpec;
              stats.addValue(valueStats((await out.values.data()) as Float32Array, out.grid.oldValues!, out.grid.returns!, out.grid.mask, pm.cliprangeValue));
            }
          } finally {
            out.loss.dispose();
            out.logRatio.dispose();
            out.values?.dispose();
          }
          updates++;
          at(0.6 + 0.4 * (updates / (ppoEpochs * Math.ceil(N / mb))), `update ${updates}`);
          if (Date.now() - last > 50) {
            await new Promise((r) => setTimeout(r, 0));
            last = Date.now();
          }
        }
      }
      const opt2 = stats.metrics();
      const point: LogPoint = {
        step,
        epoch: Math.min(totalPrompts, step * R) / pool.length,
        loss: lossSum / updates,
        learning_rate: a.train.lr,
        grad_norm: opt.lastGradNorm ? await opt.lastGradNorm.item() : NaN,
        ...d.metrics,
        'policy/approxkl_avg': opt2['policy/approxkl_avg'],
        'policy/clipfrac_avg': opt2['policy/clipfrac_avg'],
        'loss/policy_avg': opt2['loss/policy_avg'],
        ...(head ? { 'loss/value_avg': opt2['loss/value_avg'], 'val/clipfrac_avg': opt2['val/clipfrac_avg'] } : {}),
        rollouts: N,
      };
      result.curve.push(point);
      o.onLog(point);
      if (step % o.checkpointEvery === 0 && step < total) await save(step);
    }
    await save(total);
    const lastPoint = result.curve[result.curve.length - 1];
    result.final = { ...(lastPoint ?? {}), steps: total, train_prompts: totalPrompts, resumed_from_step: start };
    return { model, adapter };
  } finally {
    opt.dispose();
  }
}
