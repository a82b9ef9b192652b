// Methods as a table: each spec method kind (with its model kind) maps to a builder that returns
// a Predictor for one arm. Adding a method means adding a spec kind and a builder here; the
// runner, results and UI need no change.
import type { PersonaRecord, PreferencePair } from '../../data';
import type { Backend } from '../../tensor';
import { fnv1a32 } from '../../util/hash';
import { PersonaBagEncoder, ResponseBagEncoder } from '../encoders/bags';
import type { Prepared } from '../prepare';
import { BagScorer } from '../scorers/bag-scorer';
import type { Predictor } from '../scorers/scorer';
import { resolveSubset } from '../spec/expand';
import type { ExpandedArm } from '../spec/spec';

export interface ArmContext {
  be: Backend;
  prep: Prepared;
  arm: ExpandedArm;
  /** The arm's seed (the same for every arm of a run: see armSeed). */
  seed: number;
  /** The arm's training pairs (empty for untrained methods). */
  train: readonly PreferencePair[];
}

export class MethodUnavailableError extends Error {
  override name = 'MethodUnavailableError';
}

/**
 * Every arm of a run draws from the same seed (initialization per feature name, batch order per
 * epoch): arms then differ by what their specs change, not by luck (common random numbers),
 * which is what comparisons and leave-one-out importance need.
 */
export function armSeed(runSeed: number): number {
  return fnv1a32(`${runSeed}:arm`);
}

export function methodName(arm: ExpandedArm): string {
  const m = arm.method;
  switch (m.kind) {
    case 'reward-model':
      return `reward model (${m.loss === 'bradley-terry' ? 'Bradley–Terry' : 'pairwise'})`;
    case 'roleplay':
      return `roleplay (${m.readout === 'choice' ? 'choice tokens' : 'likelihood'})`;
    case 'few-shot':
      return `few-shot k=${m.k} (${m.readout === 'choice' ? 'choice tokens' : 'likelihood'})`;
  }
}

export function modelName(arm: ExpandedArm): string {
  const m = arm.model;
  if (m.kind === 'features') return `bag-of-features, ${m.dims} dims`;
  const how = m.mode === 'lora' ? `LoRA r=${m.lora.rank}` : m.mode === 'full' ? 'full finetune' : 'frozen backbone';
  return `built-in LM, ${m.input} input, ${how}`;
}

function seenPersonas(prep: Prepared): PersonaRecord[] {
  const seen = new Set(prep.split.seenPersonas);
  return prep.dataset.personas.filter((p) => seen.has(p.id));
}

export async function buildPredictor(ctx: ArmContext): Promise<Predictor> {
  const { arm } = ctx;
  if (arm.method.kind === 'reward-model' && arm.model.kind === 'features') {
    const subset = resolveSubset(arm.subset);
    const full = arm.subset.kind === 'preset' && arm.subset.name === 'all';
    const personaEncoder = new PersonaBagEncoder(subset.keys, seenPersonas(ctx.prep), full, arm.model.minPersonas);
    const responseEncoder = new ResponseBagEncoder(ctx.train.flatMap((p) => [p.chosen, p.rejected]));
    return new BagScorer(ctx.be, ctx.prep.personas, personaEncoder, responseEncoder, { dims: arm.model.dims, loss: arm.method.loss, seed: ctx.seed });
  }
  throw new MethodUnavailableError(`${methodName(arm)} on ${modelName(arm)} is not available in this build yet`);
}
