// Training the built-in tiny model from nothing, deterministically from a seed, on our own engine:
// generate the built-in dataset, train a byte-level BPE on the training documents, build a small
// Llama from seeded weights, and run AdamW (warmup, cosine decay, clipping, a stop on NaN) on
// packed documents; then write the Hugging Face files, load them back exactly as the app will, and
// measure what the model learned on held-out personas. `npm run train:builtin` runs this.
// Two recipes share this trainer: 'persona-reading' (the built-in model: style line, then the
// persona's preferred answer) and 'persona-blind' (the Stage-2 starting policy: the bare answer with
// random poles, answer tokens only, the same tokenizer; `npm run train:builtin-policy`).
import { backward, concat, crossEntropy, mul, noGrad, reshape, scale, sum } from '../../autograd';
import { DEFAULT_BUILTIN, generateBuiltin, responseText, type BuiltinOptions } from '../../data';
import { trainBpe, tokenizerJson } from '../../models/builtin/bpe';
import { builtinChat } from '../../models/builtin/format';
import { POLICY_CHAT_TEMPLATE } from '../../models/builtin/policy-format';
import { BUILTIN_CHAT_TEMPLATE, BUILTIN_SPECIAL_TOKENS, builtinFiles, builtinTokenizerConfig, initBuiltinWeights, parseBuiltinConfig, type BuiltinArch } from '../../models/builtin/spec';
import { renderChatTemplate } from '../../models/chat-template';
import { generate } from '../../models/generate/generate';
import { memoryFiles } from '../../models/io/memory-files';
import { LlamaModel } from '../../models/llama/model';
import { loadModel } from '../../models/load-model';
import { TextTokenizer } from '../../models/tokenizer';
import { tidy, type Backend, type Tensor } from '../../tensor';
import { Rng } from '../../util/rng';
import { AdamW } from '../adamw';
import { assertFinite } from '../health';
import { AnswerBranches, styleTurn, type TurnWriter } from './branches';
import { builtinDocuments, type BuiltinLabels, type ChatDoc } from './documents';
import { crossPersonaLikelihood, documentLoss, styledAnswerTurn, unigramLoss, type AnswerTurn } from './evaluate';
import { policyDocuments } from './policy-documents';
import { freeAnswers, judgeFreeAnswers, type FreeAnswerReport } from './policy-evaluate';
import { encodeDoc, packRows, rowSlice, type EncodedDoc, type RowBatch } from './packing';

/**
 * 'persona-reading': the built-in model (style line with the persona's evidence, then the persona's
 * preferred answer; question and turn are targets). 'persona-blind': the SFT starting policy (the
 * bare answer, its poles drawn at random independently of the persona; answer tokens are the only
 * targets). Both train the same tokenizer, from the built-in model's documents.
 */
export type BuiltinRecipe = 'persona-reading' | 'persona-blind';

export interface BuiltinTrainOptions {
  recipe: BuiltinRecipe;
  seed: number;
  data: BuiltinOptions;
  vocabSize: number;
  arch: Omit<BuiltinArch, 'maxPositions'>;
  /** T: tokens per packed row (also max_position_embeddings). */
  seqLen: number;
  /** B: rows per step. */
  batchRows: number;
  steps: number;
  lr: number;
  warmupSteps: number;
  /** The cosine schedule ends at lr x this. */
  minLrRatio: number;
  weightDecay: number;
  beta2: number;
  clipNorm: number;
  /** Weight of the answer tokens where candidate answers part ways (the persona's choices). */
  decisionWeight: number;
  /** Which answer a training row teaches (documents.ts BuiltinLabels). */
  labels: BuiltinLabels;
  /** Held-out documents scored for the final loss. */
  evalDocs: number;
  /** Held-out (persona, other persona's answer) pairs for the likelihood check. */
  crossPairs: number;
  /** Held-out rows answered freely (greedy and at temperature 1) and read by the truth judge; 0 skips. */
  freeAnswers: number;
  /** persona-blind only: the share of training documents written without the persona (the marginal prompt). */
  marginalShare?: number;
  /**
   * A checkpoint folder whose weights start the run (the caller loads them and passes them to
   * trainBuiltin; a fresh optimizer and schedule, documents in another order); absent: seeded
   * initial weights.
   */
  initFrom?: string;
  dtype: 'BF16' | 'F32';
}

/** The committed model's recipe (docs/builtin-model.md). */
export const BUILTIN_TRAINING: BuiltinTrainOptions = {
  recipe: 'persona-reading',
  seed: 1,
  data: DEFAULT_BUILTIN,
  vocabSize: 2048,
  arch: { hiddenSize: 128, layers: 4, heads: 4, kvHeads: 4, intermediateSize: 384, ropeTheta: 10000 },
  seqLen: 512,
  batchRows: 2,
  steps: 2400,
  lr: 3e-3,
  warmupSteps: 40,
  minLrRatio: 0.1,
  weightDecay: 0.01,
  beta2: 0.98,
  clipNorm: 1,
  decisionWeight: 3,
  labels: 'rows',
  evalDocs: 96,
  crossPairs: 200,
  freeAnswers: 0,
  dtype: 'F32',
};

/** The persona-blind SFT policy's recipe (public/models/builtin-policy; docs/builtin-model.md). */
export const POLICY_TRAINING: BuiltinTrainOptions = {
  ...BUILTIN_TRAINING,
  recipe: 'persona-blind',
  // Answers alone, on templated text: a fifth of the built-in model's steps (about 40 minutes on
  // a shared 2-core machine; docs/builtin-model.md has the curve).
  steps: 500,
  // Random poles: a choice token's best loss is ln 2 whatever its weight, so none is weighted up.
  decisionWeight: 1,
  freeAnswers: 128,
};

/** How each recipe writes its documents, its turn and its targets. */
function recipeParts(o: BuiltinTrainOptions, ds: ReturnType<typeof generateBuiltin>) {
  if (o.recipe === 'persona-blind') {
    const answerTurn: TurnWriter = (q, poles) => ` ${responseText(q, poles)}`;
    const crossTurn: AnswerTurn = (_q, _poles, _a, answer) => ` ${answer}`;
    return { docs: policyDocuments(ds, o.seed, o.marginalShare ?? 0), template: POLICY_CHAT_TEMPLATE, turn: answerTurn, crossTurn, targets: 'answer' as const };
  }
  return { docs: builtinDocuments(ds, o.labels), template: BUILTIN_CHAT_TEMPLATE, turn: styleTurn, crossTurn: styledAnswerTurn, targets: 'question-and-answer' as const };
}

export type TrainPhase = 'data' | 'tokenizer' | 'train' | 'evaluate';

export interface TrainLog {
  phase: TrainPhase;
  message: string;
  step?: number;
  loss?: number;
  lr?: number;
  tokensPerSecond?: number;
}

export interface BuiltinSample {
  persona: string;
  question: string;
  answer: string;
}

export interface BuiltinTrainReport {
  options: BuiltinTrainOptions;
  parameters: number;
  vocabSize: number;
  merges: number;
  /** Input tokens the model read (padding excluded) and the targets it was trained on. */
  tokensSeen: number;
  targetsTrained: number;
  trainDocuments: number;
  documentsTruncated: number;
  /** Mean training loss over the last 10% of steps. */
  finalTrainLoss: number;
  /** Loss curve: [step, loss] every few steps. */
  curve: Array<[number, number]>;
  /** Loss on the decision tokens (the persona's choices), [step, loss] every few steps. */
  decisionCurve: Array<[number, number]>;
  heldOutLoss: number;
  heldOutTargets: number;
  unigramLoss: number;
  crossPersona: { pairs: number; accuracy: number };
  /** Free generations on held-out rows read by the truth judge (absent when options.freeAnswers is 0). */
  freeAnswers?: { greedy: FreeAnswerReport; sampled: FreeAnswerReport; withoutPersona?: FreeAnswerReport };
  trainSeconds: number;
  totalSeconds: number;
  fileBytes: Record<string, number>;
  samples: BuiltinSample[];
}

export interface BuiltinTrainResult {
  files: Record<string, string | Uint8Array>;
  report: BuiltinTrainReport;
}

function lrAt(o: BuiltinTrainOptions, step: number): number {
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const p = (step - o.warmupSteps) / Math.max(1, o.steps - o.warmupSteps);
  return o.lr * (o.minLrRatio + (1 - o.minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, p))));
}

export class BuiltinInitError extends Error {
  override name = 'BuiltinInitError';
}

export async function trainBuiltin(
  be: Backend,
  o: BuiltinTrainOptions = BUILTIN_TRAINING,
  log: (l: TrainLog) => void = () => {},
  /** The weights of `o.initFrom`, named as in the checkpoint. */
  init?: ReadonlyMap<string, Tensor>,
): Promise<BuiltinTrainResult> {
  if (Boolean(o.initFrom) !== Boolean(init)) throw new BuiltinInitError(o.initFrom ? `initFrom ${o.initFrom} was named but no weights were passed; load the folder and pass its tensors` : 'weights were passed without naming initFrom');
  const started = performance.now();
  const rng = new Rng(o.seed);
  const ds = generateBuiltin(o.data);
  const parts = recipeParts(o, ds);
  const docs = parts.docs;
  log({ phase: 'data', message: `${docs.train.length} training documents, ${docs.heldOut.length} held out` });

  // The tokenizer is always the built-in model's (trained on its documents), so the persona-blind
  // policy shares it: the Compare view and the judges read both with one vocabulary.
  const plain = (d: ChatDoc) => renderChatTemplate(BUILTIN_CHAT_TEMPLATE, d.messages, { addGenerationPrompt: false, bosToken: '', eosToken: '\n' });
  const bpeDocs = o.recipe === 'persona-blind' ? builtinDocuments(ds, 'rows').train : docs.train;
  const bpe = trainBpe(bpeDocs.map(plain), { vocabSize: o.vocabSize, specialTokens: BUILTIN_SPECIAL_TOKENS });
  const arch: BuiltinArch = { ...o.arch, maxPositions: o.seqLen };
  const config = parseBuiltinConfig(arch, bpe);
  const tok = TextTokenizer.fromJson(tokenizerJson(bpe), builtinTokenizerConfig(bpe, o.seqLen, parts.template), config);
  log({ phase: 'tokenizer', message: `byte-level BPE: ${bpe.merges.length} merges, ${config.vocabSize} tokens` });

  const model = new LlamaModel(be, config, init ?? initBuiltinWeights(be, config, o.seed));
  model.unfreeze();
  const parameters = model.parameters().reduce((n, p) => n + p.size, 0);
  const opt = new AdamW(model.parameters(), { lr: o.lr, beta1: 0.9, beta2: o.beta2, weightDecay: o.weightDecay, clipNorm: o.clipNorm });

  // Documents are encoded when first needed: a run reads a fraction of an epoch.
  const branches = new AnswerBranches(ds, tok, parts.turn);
  const encoded = new Map<number, EncodedDoc>();
  const enc = (i: number) => {
    let e = encoded.get(i);
    if (!e) {
      e = encodeDoc(tok, docs.train[i], { targets: parts.targets });
      const decisions = branches.decisions(docs.train[i].questionId, docs.train[i].attributes ?? null, e.ids.slice(e.answerFrom));
      e.weights = new Map(decisions.map((j) => [e!.answerFrom + j, o.decisionWeight]));
      e.decisions = new Set(decisions.map((j) => e!.answerFrom + j));
      encoded.set(i, e);
    }
    return e;
  };
  let epoch = 0;
  let order: number[] = [];
  let cursor = 0;
  let pending: RowBatch[] = [];
  let truncated = 0;
  const nextBatch = () => {
    while (pending.length < o.batchRows) {
      if (cursor >= order.length) {
        // A continued run reads the documents in another order than the run it continues.
        order = (o.initFrom ? rng.fork('continued') : rng).fork(`epoch-${epoch++}`).shuffle(docs.train.map((_, i) => i));
        cursor = 0;
      }
      // Pack a window of documents into rows; leftover rows wait for the next step.
      const window = order.slice(cursor, cursor + o.batchRows * 4).map(enc);
      cursor += window.length;
      const p = packRows(window, o.seqLen, tok.padId);
      truncated += p.truncated;
      for (let r = 0; r < p.rows; r++) pending.push(rowSlice(p, r, 1));
    }
    const rows = pending.slice(0, o.batchRows);
    pending = pending.slice(o.batchRows);
    const ids = new Int32Array(o.batchRows * o.seqLen);
    const targets = new Int32Array(o.batchRows * o.seqLen);
    const weights = new Float32Array(o.batchRows * o.seqLen);
    const decisions = new Float32Array(o.batchRows * o.seqLen);
    rows.forEach((r, b) => {
      ids.set(r.ids, b * o.seqLen);
      targets.set(r.targets, b * o.seqLen);
      weights.set(r.weights, b * o.seqLen);
      decisions.set(r.decisions, b * o.seqLen);
    });
    return { ids, targets, weights, decisions, count: rows.reduce((n, r) => n + r.count, 0) };
  };

  const curve: Array<[number, number]> = [];
  const losses: number[] = [];
  // Loss on the style words where candidates part ways: what the persona decides.
  const decisionLosses: number[] = [];
  const decisionCurve: Array<[number, number]> = [];
  let tokensSeen = 0;
  let targetsTrained = 0;
  const trainStart = performance.now();
  let windowStart = trainStart;
  let windowTokens = 0;
  const logEvery = Math.max(1, Math.round(o.steps / 60));
  for (let step = 0; step < o.steps; step++) {
    const batch = nextBatch();
    const real = batch.ids.reduce((n, id) => n + (id === tok.padId ? 0 : 1), 0);
    tokensSeen += real;
    windowTokens += real;
    opt.setLr(lrAt(o, step));
    const totalWeight = batch.weights.reduce((a, w) => a + w, 0);
    // Backward runs on the weighted mean; the plain mean per target is what is logged.
    const decisionMask = batch.decisions;
    const decisionCount = decisionMask.reduce((a, b) => a + b, 0);
    // One readback per step: the weighted, plain and decision losses in one tensor.
    const stats = tidy(() => {
      const N = o.batchRows * o.seqLen;
      const logits = reshape(model.forward(batch.ids, o.batchRows, o.seqLen), [N, config.vocabSize]);
      const losses = crossEntropy(logits, be.fromData(batch.targets, [N], 'i32'));
      const w = scale(sum(mul(losses, be.fromData(batch.weights, [N]))), totalWeight > 0 ? 1 / totalWeight : 0);
      backward(w);
      return noGrad(() => {
        const plain = scale(sum(losses), batch.count > 0 ? 1 / batch.count : 0);
        const decision = scale(sum(mul(losses, be.fromData(decisionMask, [N]))), decisionCount > 0 ? 1 / decisionCount : 0);
        return concat([w, plain, decision].map((t) => reshape(t, [1])), 0);
      });
    });
    targetsTrained += batch.count;
    opt.update();
    const [weighted, plain, decision] = await stats.data();
    stats.dispose();
    assertFinite('weighted loss', weighted, step);
    const value = assertFinite('loss', plain, step);
    decisionLosses.push(decision);
    losses.push(value);
    if (step % logEvery === 0 || step === o.steps - 1) {
      const recent = losses.slice(-logEvery);
      const mean = recent.reduce((a, b) => a + b, 0) / recent.length;
      curve.push([step, mean]);
      const recentDecisions = decisionLosses.slice(-logEvery);
      const decisionMean = recentDecisions.reduce((a, b) => a + b, 0) / recentDecisions.length;
      decisionCurve.push([step, decisionMean]);
      const now = performance.now();
      const tps = (windowTokens / (now - windowStart)) * 1000;
      windowStart = now;
      windowTokens = 0;
      log({ phase: 'train', step, loss: mean, lr: lrAt(o, step), tokensPerSecond: tps, message: `step ${step + 1}/${o.steps} loss ${mean.toFixed(3)} decisions ${decisionMean.toFixed(3)} lr ${lrAt(o, step).toExponential(2)} ${tps.toFixed(0)} tok/s` });
    }
  }
  const trainSeconds = (performance.now() - trainStart) / 1000;
  const tail = losses.slice(-Math.max(1, Math.round(o.steps / 10)));
  opt.dispose();

  // What ships is what is measured: write the files, then load them back as the app does.
  const files: Record<string, string | Uint8Array> = await builtinFiles(model, arch, bpe, o.dtype, parts.template);
  model.dispose();
  const loaded = await loadModel(be, memoryFiles(files, 'the trained built-in model'));
  log({ phase: 'evaluate', message: 'held-out loss, unigram baseline, cross-persona likelihood, samples' });
  const evalDocs = rng
    .fork('eval')
    .shuffle([...docs.heldOut])
    .slice(0, o.evalDocs)
    .map((d) => encodeDoc(loaded.tokenizer, d, { targets: parts.targets }));
  const held = await documentLoss(loaded.model, evalDocs, o.seqLen, loaded.tokenizer.padId);
  const unigram = unigramLoss([...encoded.values()], evalDocs, config.vocabSize);
  const cross = await crossPersonaLikelihood(loaded.model, loaded.tokenizer, ds, docs.heldOutRows, o.crossPairs, o.seed, parts.crossTurn);
  let free: BuiltinTrainReport['freeAnswers'];
  if (o.freeAnswers > 0) {
    log({ phase: 'evaluate', message: `${o.freeAnswers} free answers of held-out personas, greedy and at temperature 1, read by the truth judge` });
    const judged = async (temperature: number) => {
      const answers = await freeAnswers(loaded.model, loaded.tokenizer, ds, docs.heldOutRows, { answers: o.freeAnswers, temperature, seed: o.seed, maxNewTokens: 200, batch: 16 });
      return judgeFreeAnswers(ds, answers, temperature, o.seed);
    };
    free = { greedy: await judged(0), sampled: await judged(1) };
    if (o.recipe === 'persona-blind' && (o.marginalShare ?? 0) > 0) {
      const answers = await freeAnswers(loaded.model, loaded.tokenizer, ds, docs.heldOutRows, { answers: o.freeAnswers, temperature: 0, seed: o.seed, maxNewTokens: 200, batch: 16, withoutPersona: true });
      free.withoutPersona = judgeFreeAnswers(ds, answers, 0, o.seed);
    }
  }
  const samples = await sampleAnswers(loaded.model, loaded.tokenizer, docs.heldOut, ds);
  loaded.model.dispose();

  const fileBytes = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, typeof v === 'string' ? new TextEncoder().encode(v).byteLength : v.byteLength]));
  const report: BuiltinTrainReport = {
    options: o,
    parameters,
    vocabSize: config.vocabSize,
    merges: bpe.merges.length,
    tokensSeen,
    targetsTrained,
    trainDocuments: docs.train.length,
    documentsTruncated: truncated,
    finalTrainLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
    curve,
    decisionCurve,
    heldOutLoss: held.loss,
    heldOutTargets: held.targets,
    unigramLoss: unigram,
    crossPersona: cross,
    ...(free ? { freeAnswers: free } : {}),
    trainSeconds,
    totalSeconds: (performance.now() - started) / 1000,
    fileBytes,
    samples,
  };
  return { files, report };
}

/** Greedy answers of two held-out personas with different preferred answers to one question. */
async function sampleAnswers(model: LlamaModel, tok: TextTokenizer, heldOut: readonly ChatDoc[], ds: ReturnType<typeof generateBuiltin>): Promise<BuiltinSample[]> {
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const first = heldOut[0];
  const second = heldOut.find((d) => d.questionId === first.questionId && d.personaId !== first.personaId && d.messages[2]?.content !== first.messages[2]?.content) ?? heldOut[1];
  const out: BuiltinSample[] = [];
  for (const d of [first, second]) {
    const persona = byId.get(d.personaId ?? '');
    const question = d.messages.find((m) => m.role === 'user')?.content ?? '';
    if (!persona) continue;
    const prompt = tok.encode(tok.applyChatTemplate(builtinChat(persona.attributes, question)));
    const [g] = await generate(model, tok, [prompt], { maxNewTokens: 120, temperature: 0, seed: 1 });
    out.push({ persona: d.messages[0].content, question, answer: g.text.trim() });
  }
  return out;
}
