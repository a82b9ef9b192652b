// Stage 1's reward models for Stage 2: a finished Stage-1 run keeps each trained bag-of-features
// model in its store (runner.ts keepModel); this rebuilds one, picked by run id (and arm label,
// or the conditional arm with the best held-out accuracy), as the PolicyRewardModel the policy
// runner scores answers with. It rates any answer text for a persona of the policy's world: the
// response encoder reads words and word pairs, so a generated answer is read as a dataset one
// (the words it shares with the training responses count, the rest are ignored).
import type { BuiltinDataset } from '../../data';
import type { ArmResult, RunRecord } from '../../protocol/record';
import type { Backend } from '../../tensor';
import { methodName } from '../methods';
import type { RunStore } from '../runs/store';
import { BagScorer } from '../scorers/bag-scorer';
import { expandArms, resolveSubset, subsetName } from '../spec/expand';
import { RewardModelUnavailableError, type PolicyRewardItem, type PolicyRewardModel } from './reward';
import { abortPoint } from '../../util/abort-point';

/** Where Stage-1 runs are read from, and the world the policy writes for. */
export interface Stage1RewardSource {
  /** The Stage-1 run store (not the policy store). */
  store: RunStore;
  /** The store in words, for messages ("runs/", "this browser's Stage-1 runs"). */
  where: string;
  backend: Backend;
  /** The policy's world: its personas are the ones scored, and its id must be the run's. */
  world(): Promise<BuiltinDataset>;
}

/** `RUN_ID` or `RUN_ID#ARM_LABEL` (eval.rewardModelRun and the methods' rewardModelRun take either). */
export function parseRewardModelRef(ref: string): { runId: string; arm: string | null } {
  const hash = ref.indexOf('#');
  return hash < 0 ? { runId: ref.trim(), arm: null } : { runId: ref.slice(0, hash).trim(), arm: ref.slice(hash + 1).trim() || null };
}

/** Correct over n on the persona-dependent held-out sets (cross-persona and unseen-persona pairs), pooled. */
export function heldOutAccuracy(a: ArmResult): number {
  const sets = a.sets.filter((s) => s.set === 'cross' || s.set === 'unseen');
  const n = sets.reduce((x, s) => x + s.n, 0);
  return n ? sets.reduce((x, s) => x + s.correct, 0) / n : NaN;
}

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');

/**
 * The arm to load: `label` when given, else the first conditional arm (an attribute subset other
 * than none) whose model the run kept, with the best held-out accuracy. Returns its index and why.
 */
export function pickRewardArm(record: RunRecord, label: string | null): { index: number; why: string } {
  const arms = expandArms(record.spec);
  const kept = (i: number) => record.arms[i]?.status === 'done' && record.arms[i].savedModel !== undefined;
  const untrained = (i: number) => {
    const a = arms[i];
    if (a.method.kind !== 'reward-model') return `it is ${methodName(a)}, which trains no reward model`;
    if (a.model.kind === 'lm') return 'language-model reward models are not kept by runs yet (only bag-of-features ones)';
    if (record.arms[i]?.status !== 'done') return `it is ${record.arms[i]?.status ?? 'missing'}, not done`;
    return 'the run kept no model for it (runs before models were kept did not): run the spec again';
  };
  if (label !== null) {
    const index = record.arms.findIndex((a) => a.label === label);
    if (index < 0) throw new RewardModelUnavailableError(`Stage-1 run ${record.id} has no arm "${label}" (its arms: ${record.arms.map((a) => `"${a.label}"`).join(', ')})`);
    if (!kept(index)) throw new RewardModelUnavailableError(`Arm "${label}" of Stage-1 run ${record.id} has no reward model to load: ${untrained(index)}`);
    return { index, why: 'named' };
  }
  const candidates = record.arms.map((_, i) => i).filter((i) => kept(i) && resolveSubset(arms[i].subset).keys.length > 0);
  if (candidates.length === 0) {
    const reasons = record.arms.map((a, i) => `"${a.label}": ${resolveSubset(arms[i].subset).keys.length === 0 && kept(i) ? 'marginal (attribute subset none)' : untrained(i)}`);
    throw new RewardModelUnavailableError(`Stage-1 run ${record.id} kept no conditional reward model (${reasons.join('; ')}); name a kept arm with RUN_ID#ARM, or run a spec with a conditional bag-of-features reward model`);
  }
  let best = candidates[0];
  for (const i of candidates) if (heldOutAccuracy(record.arms[i]) > heldOutAccuracy(record.arms[best])) best = i;
  const why = candidates.length === 1 ? 'the only conditional arm kept' : `best held-out accuracy of ${candidates.length} conditional arms`;
  return { index: best, why };
}

/** A kept bag-of-features model as Stage 2's reward model. */
class KeptRewardModel implements PolicyRewardModel {
  constructor(
    readonly runId: string,
    readonly arm: string,
    readonly description: string,
    private readonly scorer: BagScorer,
  ) {}

  async score(items: readonly PolicyRewardItem[], signal?: AbortSignal): Promise<number[]> {
    return Array.from(await this.scorer.rewards(items.map((x) => ({ personaId: x.personaId, text: x.answer })), signal));
  }

  dispose(): void {
    this.scorer.dispose();
  }
}

/**
 * Loads the reward model `ref` names (`RUN_ID` or `RUN_ID#ARM_LABEL`). Throws
 * RewardModelUnavailableError: no such run, run not done, arm unknown or untrained or not kept,
 * or trained on another dataset than the policy's world.
 */
export async function loadStage1RewardModel(src: Stage1RewardSource, ref: string, signal?: AbortSignal): Promise<PolicyRewardModel> {
  const { runId, arm } = parseRewardModelRef(ref);
  let record: RunRecord | null;
  try {
    record = await src.store.getRecord(runId);
  } catch (e) {
    // The file store refuses ids that are not run ids (a path, say).
    if (e instanceof RangeError) throw new RewardModelUnavailableError(`"${runId}" is not a Stage-1 run id (${e.message})`);
    throw e;
  }
  if (!record) throw new RewardModelUnavailableError(`No Stage-1 run ${runId} in ${src.where} (run ids are listed by the Results view, or as file names there)`);
  if ((record as { kind?: string }).kind === 'policy') throw new RewardModelUnavailableError(`${runId} is a policy run, not a Stage-1 (reward-model) run`);
  if (record.status !== 'done') throw new RewardModelUnavailableError(`Stage-1 run ${runId} is ${record.status}, not done: resume it (experiment run --resume ${runId}) or name a finished run`);
  const { index, why } = pickRewardArm(record, arm);
  await abortPoint(signal);
  const kept = await src.store.getModel(runId, index);
  if (!kept) throw new RewardModelUnavailableError(`Stage-1 run ${runId} lists a kept model for arm "${record.arms[index].label}", but ${src.where} has none (deleted?): run the spec again`);
  const world = await src.world();
  if (kept.datasetId !== world.id) {
    throw new RewardModelUnavailableError(`Stage-1 run ${runId} trained its reward model on ${kept.datasetId}; this policy's world is ${world.id}: run Stage 1 on the same world (the same data options), or give the policy that world`);
  }
  const scorer = BagScorer.restore(src.backend, new Map(world.personas.map((p) => [p.id, p])), kept.model);
  const a = record.arms[index];
  const m = kept.model;
  const description =
    `Stage-1 run ${runId}, arm "${a.label}" (${why}): ${a.method}, attributes ${subsetName(kept.spec.subset)}, bag-of-features ${m.dims} dims ` +
    `(${m.persona.vocab.length} persona, ${m.response.length} response features); held-out accuracy ${pct(heldOutAccuracy(a))} (cross-persona and unseen-persona pairs)`;
  return new KeptRewardModel(runId, a.label, description, scorer);
}
