// Methods as a table: each spec method kind (with its model kind) maps to a builder that returns
// a Predictor for one arm. Adding a method means adding a spec kind and a builder here; the
// runner, results and UI need no change.
import { isBuiltin, renderPersonaBlock, type PersonaRecord, type PreferencePair } from '../../data';
import { BUILTIN_MODEL_ATTRIBUTES } from '../../models/builtin/format';
import type { Backend } from '../../tensor';
import { fnv1a32 } from '../../util/hash';
import { PersonaBagEncoder, ResponseBagEncoder } from '../encoders/bags';
import type { Prepared } from '../prepare';
import { builtinAnswerTurns, builtinStyleTurns } from '../lm/builtin-turns';
import { promptLm, type LoadedLm, type PromptLm } from '../lm/loaded';
import { BagScorer } from '../scorers/bag-scorer';
import { LmJointScorer, LmSeparateScorer } from '../scorers/lm-reward';
import { examplePools, PromptingPredictor } from '../scorers/prompting';
import type { Predictor } from '../scorers/scorer';
import { resolveSubset } from '../spec/expand';
import type { ExpandedArm } from '../../protocol/spec';

export interface ArmContext {
  be: Backend;
  prep: Prepared;
  arm: ExpandedArm;
  /** The arm's seed (the same for every arm of a run: see armSeed). */
  seed: number;
  /** The arm's training pairs (empty for untrained methods). */
  train: readonly PreferencePair[];
  /** The run's language model (loaded once, shared by its arms; do not modify it). */
  lm(): Promise<LoadedLm>;
  /** A private copy of the language model (full finetuning changes its weights). */
  freshLm(): Promise<LoadedLm>;
  /** The ONNX model at `location` (model.source "onnx"; loaded once per run); absent where none can run. */
  onnxLm?(location: string): Promise<PromptLm>;
  /** Progress of long preparation (encoding features): done of total. */
  onPrepare?(done: number, total: number): void;
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
  if (m.source === 'onnx') return `ONNX model ${m.onnx ?? ''} (onnxruntime-web)`;
  const how = m.mode === 'lora' ? `LoRA r=${m.lora.rank}` : m.mode === 'full' ? 'full finetune' : 'frozen backbone';
  return `built-in LM, ${m.input} input, ${how}`;
}

function seenPersonas(prep: Prepared): PersonaRecord[] {
  const seen = new Set(prep.split.seenPersonas);
  return prep.dataset.personas.filter((p) => seen.has(p.id));
}

/**
 * The persona block a language model reads: the arm's attribute subset, '' for none. The built-in
 * model was trained on its 12 persona lines in a fixed order (docs/builtin-model.md): it reads
 * the subset's part of them, in that order.
 */
function personaTexts(ctx: ArmContext, lm: Pick<LoadedLm, 'builtin'>): (personaId: string) => string {
  const subset = resolveSubset(ctx.arm.subset).keys;
  const keys = lm.builtin ? BUILTIN_MODEL_ATTRIBUTES.filter((k) => subset.includes(k)) : subset;
  const cache = new Map<string, string>();
  return (id) => {
    let text = cache.get(id);
    if (text === undefined) {
      const p = ctx.prep.personas.get(id);
      if (!p) throw new RangeError(`No persona ${id} in this dataset`);
      text = renderPersonaBlock(p.attributes, keys);
      cache.set(id, text);
    }
    return text;
  };
}

function onnxModel(ctx: ArmContext, location: string | undefined): Promise<PromptLm> {
  if (!ctx.onnxLm || location === undefined) throw new MethodUnavailableError('No ONNX model can be loaded here (model.source "onnx" needs model.onnx and a runner that loads ONNX models: the CLI or the app)');
  return ctx.onnxLm(location);
}

export async function buildPredictor(ctx: ArmContext): Promise<Predictor> {
  const { arm } = ctx;
  if ((arm.method.kind === 'roleplay' || arm.method.kind === 'few-shot') && arm.model.kind === 'lm') {
    const pools = examplePools(ctx.prep.dataset.rows, new Set(ctx.prep.split.train));
    const empty = { train: [], other: [] };
    const model = arm.model;
    const lm = model.source === 'onnx' ? await onnxModel(ctx, model.onnx) : promptLm(await ctx.lm());
    const personaText = personaTexts(ctx, lm);
    const turns = builtinAnswerTurns(ctx.prep.dataset);
    return new PromptingPredictor(lm, {
      readout: arm.method.readout,
      k: arm.method.kind === 'few-shot' ? arm.method.k : 0,
      personaText,
      examples: (id) => pools.get(id) ?? empty,
      // The built-in model's turn: its style line (with the persona's evidence when it reads one), then the answer.
      answerTurn: lm.builtin ? (text, q, id, pid) => turns(text, q, id, personaText(pid) ? (ctx.prep.personas.get(pid)?.attributes ?? null) : null) : undefined,
      seed: ctx.seed,
      maxTokens: arm.model.maxTokens,
    });
  }
  if (arm.method.kind === 'reward-model' && arm.model.kind === 'lm') {
    if (arm.model.source === 'onnx') throw new MethodUnavailableError('An ONNX model runs inference only (onnxruntime-web cannot train): use it for roleplay or few-shot');
    const shared = await ctx.lm();
    if (arm.model.readout === 'pole-odds' && !(shared.builtin && isBuiltin(ctx.prep.dataset))) {
      throw new MethodUnavailableError('The readout "pole-odds" reads the built-in model\'s style line on the built-in dataset (each answer\'s poles come from its response id): use another readout for this model or dataset');
    }
    const personaText = personaTexts(ctx, shared);
    const turns = arm.model.answer === 'style' ? builtinStyleTurns(ctx.prep.dataset) : builtinAnswerTurns(ctx.prep.dataset);
    const mirrors = builtinStyleTurns(ctx.prep.dataset, { flip: true });
    const evidence = (pid: string) => (personaText(pid) ? (ctx.prep.personas.get(pid)?.attributes ?? null) : null);
    const opts = {
      loss: arm.method.loss,
      seed: ctx.seed,
      personaText,
      onFeatures: ctx.onPrepare,
      // model.answer "turn": the built-in model reads each response as the turn it would write for
      // it; "style": that turn's style line alone.
      answerTurn: arm.model.answer !== 'plain' && shared.builtin ? (text: string, q: string, id: string | undefined, pid: string) => turns(text, q, id, evidence(pid)) : undefined,
      mirrorTurn: arm.model.readout === 'pole-odds' && shared.builtin ? (text: string, q: string, id: string | undefined, pid: string) => mirrors(text, q, id, evidence(pid)) : undefined,
    };
    if (arm.model.input === 'separate') {
      if (arm.model.mode !== 'frozen') throw new MethodUnavailableError('The separate-input reward model trains on frozen features only: use input "joint" for LoRA or full finetuning');
      const all = [...ctx.train, ...ctx.prep.test.generic, ...ctx.prep.test.cross, ...ctx.prep.test.unseen];
      return LmSeparateScorer.create(ctx.be, await ctx.lm(), arm.model, opts, all, resolveSubset(arm.subset).keys.length > 0);
    }
    const lm = arm.model.mode === 'full' ? await ctx.freshLm() : await ctx.lm();
    const scorer = new LmJointScorer(ctx.be, lm, arm.model, opts, arm.model.mode === 'full');
    await scorer.init();
    return scorer;
  }
  if (arm.method.kind === 'reward-model' && arm.model.kind === 'features') {
    const subset = resolveSubset(arm.subset);
    const full = arm.subset.kind === 'preset' && arm.subset.name === 'all';
    const personaEncoder = new PersonaBagEncoder(subset.keys, seenPersonas(ctx.prep), full, arm.model.minPersonas);
    const responseEncoder = new ResponseBagEncoder(ctx.train.flatMap((p) => [p.chosen, p.rejected]));
    return new BagScorer(ctx.be, ctx.prep.personas, personaEncoder, responseEncoder, { dims: arm.model.dims, loss: arm.method.loss, seed: ctx.seed });
  }
  throw new MethodUnavailableError(`${methodName(arm)} on ${modelName(arm)} is not available in this build yet`);
}
