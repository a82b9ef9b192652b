// Reward models on a language model, in the training modes the model layer supports.
//   separate (frozen backbone only): the persona block and each (question, response) are encoded
//     once (hidden states averaged over the text: a causal model's last state mostly sees the
//     last line), standardized, and scored by a bilinear head
//     r = <u0 + P Wp, R Wr[:D]> + R Wr[D]; the marginal control (no attributes) keeps only u0.
//   joint: persona, question and response(s) are one sequence, read by a scalar reward head
//     (Bradley–Terry: on the last token's state, on the mean state of the response's tokens, or
//     the response's summed log-probability under the model itself times a trained scale) or by
//     the two choice tokens' LM-head rows after "which response would you prefer?" (the pairwise
//     model; the head starts as the model's own A/B readout and trains). The response is the
//     plain answer or, for the built-in model, the turn it writes for that answer (style line,
//     then answer). The backbone is frozen (features cached), LoRA-adapted, or fully finetuned (a
//     fresh copy of the model per arm).
import { add, concat, matmul, mul, noGrad, parameter, reshape, slice, sub, sum } from '../../autograd';
import type { PreferencePair } from '../../data';
import { padBatch, scoringBatch, type PromptResponse, type ScoringBatch } from '../../models/batch';
import { tokenLogProbsOf } from '../../models/scoring';
import { ChoiceTokenError, choiceTokenIds } from '../../models/choice';
import { FeatureCache, lastTokenFeatures } from '../../models/features';
import { lastTokenHidden } from '../../models/heads';
import { LoraAdapter } from '../../models/lora/adapter';
import { tidy, type Backend, type Tensor } from '../../tensor';
import type { BatchOutput } from '../../train/pair-model';
import { bradleyTerryLoss, preferenceProbability } from '../../train/preference-losses';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { LoadedLm } from '../lm/loaded';
import { answerIds, CHOICE_LABELS, choiceQuestion, renderDialog } from '../lm/prompts';
import type { ModelSpec } from '../../protocol/spec';
import type { Trainable } from './scorer';
import { abortPoint } from '../../util/abort-point';

type LmSpec = Extract<ModelSpec, { kind: 'lm' }>;

export interface LmRewardOptions {
  loss: 'bradley-terry' | 'pairwise';
  seed: number;
  personaText(personaId: string): string;
  /** Called while features are computed (separate input): done, total sequences. */
  onFeatures?(done: number, total: number): void;
  batchSize?: number;
  /**
   * The text written after the prompt for a response (joint input, model.answer "turn": the
   * built-in model's turn for it); absent: the response itself.
   */
  answerTurn?(text: string, questionId: string, responseId: string | undefined, personaId: string): string;
  /** The readout "pole-odds": the same text for the mirror response (every pole reversed). */
  mirrorTurn?(text: string, questionId: string, responseId: string | undefined, personaId: string): string;
}

function clip(ids: number[], max: number): number[] {
  return ids.length > max ? ids.slice(ids.length - max) : ids;
}

/** Mean and standard deviation per feature, for standardizing frozen features. */
function standardizer(rows: readonly Float32Array[], C: number): { mean: Float32Array; inv: Float32Array } {
  const m = new Float32Array(C);
  const v = new Float32Array(C);
  for (const r of rows) for (let c = 0; c < C; c++) m[c] += r[c] / rows.length;
  for (const r of rows) for (let c = 0; c < C; c++) v[c] += (r[c] - m[c]) ** 2 / rows.length;
  return { mean: m, inv: Float32Array.from(v, (x) => 1 / Math.sqrt(x + 1e-6)) };
}

/** The separate-input bilinear reward model on frozen features. */
export class LmSeparateScorer implements Trainable {
  readonly description: string;
  private readonly personaFeatures = new Map<string, Float32Array>();
  private readonly responseFeatures = new Map<string, Float32Array>();
  private readonly params: Array<[string, Tensor]>;
  private readonly u0: Tensor;
  private readonly wp: Tensor | null;
  private readonly wr: Tensor[];
  private readonly bias: Tensor | null;
  private readonly C: number;

  private constructor(
    private readonly be: Backend,
    lm: LoadedLm,
    private readonly spec: LmSpec,
    private readonly o: LmRewardOptions,
    private readonly usesPersona: boolean,
  ) {
    this.C = lm.model.config.hiddenSize;
    const D = spec.dims;
    const rng = new Rng(o.seed);
    const std = 1 / Math.sqrt(this.C);
    this.u0 = parameter(be.fromData(rng.float32(D, { normal: 0.1 }), [1, D]), 'head.u0');
    this.wp = usesPersona ? parameter(be.fromData(rng.float32(this.C * D, { normal: std }), [this.C, D]), 'head.persona') : null;
    const slots = o.loss === 'pairwise' ? 2 : 1;
    this.wr = Array.from({ length: slots }, (_, s) => parameter(be.fromData(rng.float32(this.C * (D + 1), { normal: std }), [this.C, D + 1]), `head.response${slots > 1 ? `.${s + 1}` : ''}`));
    this.bias = o.loss === 'pairwise' ? parameter(be.zeros([1]), 'head.position_bias') : null;
    this.params = [[this.u0.name, this.u0], ...(this.wp ? [[this.wp.name, this.wp] as [string, Tensor]] : []), ...this.wr.map((t): [string, Tensor] => [t.name, t]), ...(this.bias ? [[this.bias.name, this.bias] as [string, Tensor]] : [])];
    this.description = `${lm.name}, frozen backbone, separate persona and response encodings (mean hidden state), bilinear head (${D} dims)`;
  }

  /** Encodes every persona and response the pairs use (once), then builds the head. */
  static async create(be: Backend, lm: LoadedLm, spec: LmSpec, o: LmRewardOptions, pairs: readonly PreferencePair[], usesPersona: boolean): Promise<LmSeparateScorer> {
    const s = new LmSeparateScorer(be, lm, spec, o, usesPersona);
    await s.encode(lm, pairs);
    return s;
  }

  private responseKey(p: PreferencePair, text: string): string {
    return `${p.questionId}\u0000${text}`;
  }

  /** Features of every persona and response of `pairs` not encoded yet, standardized by the first call's. */
  private stats: { mean: Float32Array; inv: Float32Array } | null = null;
  private personaStats: { mean: Float32Array; inv: Float32Array } | null = null;

  async encode(lm: LoadedLm, pairs: readonly PreferencePair[]): Promise<void> {
    const tok = lm.tokenizer;
    const max = Math.min(this.spec.maxTokens, lm.model.config.maxPositionEmbeddings);
    const personaIds = this.usesPersona ? [...new Set(pairs.map((p) => p.personaId))].filter((id) => !this.personaFeatures.has(id)) : [];
    const responses = new Map<string, number[]>();
    for (const p of pairs) {
      for (const text of [p.chosen, p.rejected]) {
        const key = this.responseKey(p, text);
        if (this.responseFeatures.has(key) || responses.has(key)) continue;
        responses.set(key, clip([...tok.encode(renderDialog(tok, '', [{ role: 'user', content: p.instruction }])), ...answerIds(tok, text)], max));
      }
    }
    const total = personaIds.length + responses.size;
    let done = 0;
    const run = async (seqs: number[][]) => {
      const out: Float32Array[] = [];
      for (let i = 0; i < seqs.length; i += 16) {
        out.push(...(await meanTokenFeatures(lm, seqs.slice(i, i + 16))));
        done += Math.min(16, seqs.length - i);
        this.o.onFeatures?.(done, total);
        await new Promise((r) => setTimeout(r, 0));
      }
      return out;
    };
    const pf = await run(personaIds.map((id) => clip(tok.encode(`Persona:\n${this.o.personaText(id)}`), max)));
    const rf = await run([...responses.values()]);
    this.personaStats ??= pf.length ? standardizer(pf, this.C) : null;
    this.stats ??= standardizer(rf, this.C);
    const norm = (x: Float32Array, st: { mean: Float32Array; inv: Float32Array }) => Float32Array.from(x, (v, c) => (v - st.mean[c]) * st.inv[c]);
    personaIds.forEach((id, i) => this.personaFeatures.set(id, norm(pf[i], this.personaStats!)));
    [...responses.keys()].forEach((key, i) => this.responseFeatures.set(key, norm(rf[i], this.stats!)));
  }

  namedParameters(): Array<[string, Tensor]> {
    return this.params;
  }

  private matrix(rows: readonly Float32Array[]): Tensor {
    const out = new Float32Array(rows.length * this.C);
    rows.forEach((r, i) => out.set(r, i * this.C));
    return this.be.fromData(out, [rows.length, this.C]);
  }

  private personaVectors(pairs: readonly PreferencePair[]): Tensor {
    const B = pairs.length;
    const base = matmul(this.be.full([B, 1], 1), this.u0);
    if (!this.wp) return base;
    return add(base, matmul(this.matrix(pairs.map((p) => this.personaFeatures.get(p.personaId)!)), this.wp));
  }

  private rewardOf(u: Tensor, pairs: readonly PreferencePair[], texts: readonly string[], slot: number): Tensor {
    const D = this.spec.dims;
    const v = matmul(this.matrix(pairs.map((p, i) => this.responseFeatures.get(this.responseKey(p, texts[i]))!)), this.wr[slot]);
    return add(sum(mul(u, slice(v, 1, 0, D)), 1), reshape(slice(v, 1, D, D + 1), [pairs.length]));
  }

  forward(pairs: readonly PreferencePair[], rng: () => number, logging: boolean): BatchOutput {
    const u = this.personaVectors(pairs);
    const c = pairs.map((p) => p.chosen);
    const r = pairs.map((p) => p.rejected);
    if (this.o.loss === 'bradley-terry') {
      const chosen = this.rewardOf(u, pairs, c, 0);
      const rejected = this.rewardOf(u, pairs, r, 0);
      const margins = sub(chosen, rejected);
      const out: BatchOutput = { loss: bradleyTerryLoss(margins), margins };
      if (logging) Object.assign(out, { chosen, rejected });
      return out;
    }
    const flip = pairs.map(() => rng() < 0.5);
    const first = pairs.map((p, i) => (flip[i] ? p.rejected : p.chosen));
    const second = pairs.map((p, i) => (flip[i] ? p.chosen : p.rejected));
    const logits = add(sub(this.rewardOf(u, pairs, first, 0), this.rewardOf(u, pairs, second, 1)), this.bias!);
    const margins = mul(logits, this.be.fromData(Float32Array.from(flip, (f) => (f ? -1 : 1)), [pairs.length]));
    return { loss: bradleyTerryLoss(margins), margins };
  }

  async predict(pairs: readonly PreferencePair[], signal?: AbortSignal): Promise<Float32Array> {
    const out = new Float32Array(pairs.length);
    for (let i = 0; i < pairs.length; i += 256) {
      await abortPoint(signal);
      const batch = pairs.slice(i, i + 256);
      const t = noGrad(() =>
        tidy(() => {
          const u = this.personaVectors(batch);
          const c = batch.map((p) => p.chosen);
          const r = batch.map((p) => p.rejected);
          if (this.o.loss === 'bradley-terry') return sub(this.rewardOf(u, batch, c, 0), this.rewardOf(u, batch, r, 0));
          const ab = add(sub(this.rewardOf(u, batch, c, 0), this.rewardOf(u, batch, r, 1)), this.bias!);
          const ba = add(sub(this.rewardOf(u, batch, r, 0), this.rewardOf(u, batch, c, 1)), this.bias!);
          return concat([reshape(ab, [batch.length, 1]), reshape(ba, [batch.length, 1])], 1);
        }),
      );
      const v = (await t.data()) as Float32Array;
      t.dispose();
      for (let j = 0; j < batch.length; j++) {
        out[i + j] = this.o.loss === 'bradley-terry' ? preferenceProbability(v[j]) : 0.5 * (preferenceProbability(v[2 * j]) + 1 - preferenceProbability(v[2 * j + 1]));
      }
    }
    return out;
  }

  dispose(): void {
    for (const [, t] of this.params) {
      t.grad?.dispose();
      t.grad = null;
      t.dispose();
    }
  }
}

/**
 * The joint-input reward model: one sequence per (persona, question, response) with a scalar head
 * (Bradley–Terry), or per (persona, question, R1, R2) read by the choice tokens (pairwise).
 */
export class LmJointScorer implements Trainable {
  readonly description: string;
  private readonly head: Tensor;
  private readonly adapter: LoraAdapter | null;
  private readonly params: Array<[string, Tensor]>;
  private readonly cache = new FeatureCache();
  private readonly max: number;
  private readonly choiceIds: number[] | null;
  /** Token ids of prompts (persona, question) and of responses as written after them: tokenized once. */
  private readonly promptCache = new Map<string, number[]>();
  private readonly responseCache = new Map<string, number[]>();

  constructor(
    private readonly be: Backend,
    private readonly lm: LoadedLm,
    private readonly spec: LmSpec,
    private readonly o: LmRewardOptions,
    /** Full finetuning works on a private copy of the model, released with the scorer. */
    private readonly ownsModel = false,
  ) {
    const { model, tokenizer } = lm;
    const C = model.config.hiddenSize;
    this.max = Math.min(spec.maxTokens, model.config.maxPositionEmbeddings);
    const rng = new Rng(fnv1a32(`${o.seed}:lm-head`));
    if (o.loss === 'pairwise') {
      const probe = renderDialog(tokenizer, 'p', [{ role: 'user', content: 'q' }]);
      let ids: number[];
      try {
        ids = choiceTokenIds(tokenizer, probe, CHOICE_LABELS);
      } catch (e) {
        if (!(e instanceof ChoiceTokenError)) throw e;
        ids = choiceTokenIds(tokenizer, probe, CHOICE_LABELS.map((l) => ` ${l}`));
      }
      this.choiceIds = ids;
      // Filled by init() with the LM-head rows of the two tokens: the model's own A/B readout.
      this.head = parameter(be.zeros([2, C]), 'head.choice');
    } else if (spec.readout === 'likelihood' || spec.readout === 'pole-odds') {
      this.choiceIds = null;
      // r = scale * log p(response | prompt): at scale 1 the model's own likelihood readout.
      this.head = parameter(be.full([1], 1), 'score.scale');
    } else {
      this.choiceIds = null;
      this.head = parameter(be.fromData(rng.float32(C, { normal: 0.02 }), [1, C]), 'score.weight');
    }
    this.adapter = spec.mode === 'lora' ? LoraAdapter.create(be, model.config, { rank: spec.lora.rank, alpha: spec.lora.alpha, dropout: spec.lora.dropout, targets: ['q_proj', 'v_proj'] }, new Rng(fnv1a32(`${o.seed}:lora`))) : null;
    if (spec.mode === 'full') model.unfreeze();
    this.params = [
      [this.head.name, this.head],
      ...(this.adapter ? this.adapter.parameters().map((t): [string, Tensor] => [t.name, t]) : []),
      ...(spec.mode === 'full' ? model.namedParameters() : []),
    ];
    const how = spec.mode === 'lora' ? `LoRA r=${spec.lora.rank}` : spec.mode === 'full' ? 'full finetune' : 'frozen backbone';
    const head =
      o.loss === 'pairwise'
        ? 'choice-token head'
        : spec.readout === 'likelihood'
          ? 'reward = scale x the response\'s log-likelihood'
          : spec.readout === 'pole-odds'
            ? 'reward = scale x log-odds of the style line against its mirror (every pole reversed)'
            : spec.readout === 'mean'
              ? 'scalar reward head on the mean response state'
              : 'scalar reward head';
    const reads = spec.answer === 'style' ? ' (the model\'s style line for each response)' : spec.answer === 'turn' ? ' (the model\'s turn for each response)' : '';
    this.description = `${lm.name}, ${how}, joint input${o.answerTurn ? reads : ''}, ${head}`;
  }

  /** Copies the LM-head rows of the choice tokens into the pairwise head (call once, before training). */
  async init(): Promise<void> {
    if (!this.choiceIds) return;
    const w = (await this.lm.model.headWeight.data()) as Float32Array;
    const C = this.lm.model.config.hiddenSize;
    const rows = new Float32Array(2 * C);
    this.choiceIds.forEach((id, k) => rows.set(w.subarray(id * C, (id + 1) * C), k * C));
    const src = this.be.fromData(rows, [2, C]);
    this.be.assign(this.head, src);
    src.dispose();
  }

  namedParameters(): Array<[string, Tensor]> {
    return this.params;
  }

  private sequences(pairs: readonly PreferencePair[], flip: readonly boolean[] | null): number[][] {
    const tok = this.lm.tokenizer;
    if (this.o.loss === 'pairwise') {
      return pairs.map((p, i) => {
        const [a, b] = flip?.[i] ? [p.rejected, p.chosen] : [p.chosen, p.rejected];
        return clip(tok.encode(renderDialog(tok, this.o.personaText(p.personaId), [{ role: 'user', content: choiceQuestion(p.instruction, a, b) }])), this.max);
      });
    }
    return this.rows(pairs).map((r) => clip([...r.prompt, ...r.response], this.max));
  }

  /**
   * (prompt, response) token rows of the Bradley–Terry model: chosen then rejected, per pair
   * (`mirror`: the mirror responses', every pole reversed).
   */
  private rows(pairs: readonly PreferencePair[], mirror = false): PromptResponse[] {
    const tok = this.lm.tokenizer;
    const promptOf = (p: PreferencePair) => {
      const key = `${p.personaId}\u0000${p.instruction}`;
      let ids = this.promptCache.get(key);
      if (!ids) this.promptCache.set(key, (ids = tok.encode(renderDialog(tok, this.o.personaText(p.personaId), [{ role: 'user', content: p.instruction }]))));
      return ids;
    };
    const write = mirror ? this.o.mirrorTurn : this.o.answerTurn;
    const responseOf = (p: PreferencePair, text: string, id: string | undefined) => {
      // The turn names the persona's evidence lines, so it depends on the persona too.
      const key = write ? `${mirror ? 'mirror' : ''}\u0000${p.personaId}\u0000${p.questionId}\u0000${text}` : text;
      let ids = this.responseCache.get(key);
      if (!ids) this.responseCache.set(key, (ids = answerIds(tok, write ? write(text, p.questionId, id, p.personaId) : text)));
      return ids;
    };
    return pairs.flatMap((p) => {
      const prompt = promptOf(p);
      return [
        { prompt, response: responseOf(p, p.chosen, p.chosenId) },
        { prompt, response: responseOf(p, p.rejected, p.rejectedId) },
      ];
    });
  }

  /**
   * Rewards [2B] (chosen, rejected per pair) in the graph for the 'mean' and 'likelihood'
   * readouts, and for 'last' when the backbone trains.
   */
  private graphRewards(pairs: readonly PreferencePair[]): Tensor {
    const { model, tokenizer } = this.lm;
    const odds = this.spec.readout === 'pole-odds';
    const batch = scoringBatch(odds ? [...this.rows(pairs), ...this.rows(pairs, true)] : this.rows(pairs), tokenizer.padId, this.max);
    const h = model.hidden(batch.ids, batch.B, batch.T, { adapter: this.adapter });
    if (this.spec.readout === 'likelihood') return mul(sum(tokenLogProbsOf(model, batch, h), 1), this.head);
    if (odds) {
      // log p(style line) - log p(mirror style line): each pole's log-odds against the other one,
      // 0 for an answer that takes no pole; rows [0, N) are the responses, [N, 2N) their mirrors.
      const lp = sum(tokenLogProbsOf(model, batch, h), 1);
      const N = batch.B / 2;
      return mul(sub(slice(lp, 0, 0, N), slice(lp, 0, N, 2 * N)), this.head);
    }
    if (this.spec.readout === 'mean') return this.scores(responseMean(model.backend, h, batch));
    return this.scores(lastTokenHidden(model.backend, h, batch.lengths));
  }

  private featureMatrix(rows: readonly Float32Array[]): Tensor {
    const C = this.lm.model.config.hiddenSize;
    const out = new Float32Array(rows.length * C);
    rows.forEach((r, i) => out.set(r, i * C));
    return this.be.fromData(out, [rows.length, C]);
  }

  /** Last-token states [N, C] in the graph (LoRA or full finetune: gradients flow). */
  private graphStates(seqs: number[][]): Tensor {
    const { model, tokenizer } = this.lm;
    const batch = padBatch(seqs, tokenizer.padId);
    return lastTokenHidden(model.backend, model.hidden(batch.ids, batch.B, batch.T, { adapter: this.adapter }), batch.lengths);
  }

  /** Last-token states without gradients: cached features when frozen. */
  private async inferenceStates(seqs: number[][]): Promise<Tensor> {
    if (this.spec.mode === 'frozen') {
      return this.featureMatrix(await lastTokenFeatures(this.lm.model, seqs, { padId: this.lm.tokenizer.padId, batchSize: 16, cache: this.cache }));
    }
    return noGrad(() => tidy(() => this.graphStates(seqs)));
  }

  private scores(h: Tensor): Tensor {
    // Bradley–Terry: [N] rewards; pairwise: [N] logit(A) - logit(B).
    const s = matmul(h, this.head, { transB: true });
    if (this.o.loss === 'bradley-terry') return reshape(s, [h.shape[0]]);
    return reshape(sub(slice(s, 1, 0, 1), slice(s, 1, 1, 2)), [h.shape[0]]);
  }

  /** Frozen mode reads cached features in the (synchronous) forward: compute them first, for both
   * response orders of the pairwise model (the order is drawn in the forward). */
  async beforeStep(pairs: readonly PreferencePair[]): Promise<void> {
    if (!this.cached) return;
    const seqs = this.o.loss === 'pairwise' ? [...this.sequences(pairs, pairs.map(() => false)), ...this.sequences(pairs, pairs.map(() => true))] : this.sequences(pairs, null);
    await lastTokenFeatures(this.lm.model, seqs, { padId: this.lm.tokenizer.padId, batchSize: 16, cache: this.cache });
  }

  /** Frozen features cached per sequence serve the last-token readout only. */
  private get cached(): boolean {
    return this.spec.mode === 'frozen' && (this.o.loss === 'pairwise' || this.spec.readout === 'last');
  }

  forward(pairs: readonly PreferencePair[], rng: () => number, logging: boolean): BatchOutput {
    const flip = this.o.loss === 'pairwise' ? pairs.map(() => rng() < 0.5) : null;
    let s: Tensor;
    if (this.o.loss === 'bradley-terry' && !this.cached) s = this.graphRewards(pairs);
    else {
      const seqs = this.sequences(pairs, flip);
      s = this.scores(this.cached ? this.cachedStates(seqs) : this.graphStates(seqs));
    }
    if (this.o.loss === 'bradley-terry') {
      const B = pairs.length;
      const pairsView = reshape(s, [B, 2]);
      const chosen = reshape(slice(pairsView, 1, 0, 1), [B]);
      const rejected = reshape(slice(pairsView, 1, 1, 2), [B]);
      const margins = sub(chosen, rejected);
      const out: BatchOutput = { loss: bradleyTerryLoss(margins), margins };
      if (logging) Object.assign(out, { chosen, rejected });
      return out;
    }
    const margins = mul(s, this.be.fromData(Float32Array.from(flip!, (f) => (f ? -1 : 1)), [pairs.length]));
    return { loss: bradleyTerryLoss(margins), margins };
  }

  private cachedStates(seqs: number[][]): Tensor {
    return this.featureMatrix(
      seqs.map((s) => {
        const f = this.cache.get(s);
        if (!f) throw new RangeError('LmJointScorer: the features of this batch were not computed (beforeStep)');
        return f;
      }),
    );
  }

  async predict(pairs: readonly PreferencePair[], signal?: AbortSignal, onProgress?: (done: number) => void): Promise<Float32Array> {
    const out = new Float32Array(pairs.length);
    if (this.adapter) this.adapter.training = false;
    try {
      const size = this.o.batchSize ?? 8;
      for (let i = 0; i < pairs.length; i += size) {
        await abortPoint(signal);
        const batch = pairs.slice(i, i + size);
        if (this.o.loss === 'bradley-terry' && !this.cached) {
          const v = await readScores(noGrad(() => tidy(() => this.graphRewards(batch))));
          for (let j = 0; j < batch.length; j++) out[i + j] = preferenceProbability(v[2 * j] - v[2 * j + 1]);
        } else if (this.o.loss === 'bradley-terry') {
          const h = await this.inferenceStates(this.sequences(batch, null));
          const v = await readScores(noGrad(() => tidy(() => this.scores(h))));
          h.dispose();
          for (let j = 0; j < batch.length; j++) out[i + j] = preferenceProbability(v[2 * j] - v[2 * j + 1]);
        } else {
          const ab = await this.inferenceStates(this.sequences(batch, batch.map(() => false)));
          const ba = await this.inferenceStates(this.sequences(batch, batch.map(() => true)));
          const vab = await readScores(noGrad(() => tidy(() => this.scores(ab))));
          const vba = await readScores(noGrad(() => tidy(() => this.scores(ba))));
          ab.dispose();
          ba.dispose();
          for (let j = 0; j < batch.length; j++) out[i + j] = 0.5 * (preferenceProbability(vab[j]) + 1 - preferenceProbability(vba[j]));
        }
        onProgress?.(i + batch.length);
        await new Promise((r) => setTimeout(r, 0));
      }
    } finally {
      if (this.adapter) this.adapter.training = true;
    }
    return out;
  }

  dispose(): void {
    this.head.grad?.dispose();
    this.head.dispose();
    this.adapter?.dispose();
    if (this.ownsModel) this.lm.model.dispose();
  }
}

/** Hidden states [B, C] averaged over each row's response tokens (a [B, 1, T] weights matmul, in the graph). */
export function responseMean(be: Backend, hidden: Tensor, batch: ScoringBatch): Tensor {
  const [B, T, C] = hidden.shape;
  const w = new Float32Array(B * T);
  for (let b = 0; b < B; b++) {
    const start = batch.promptLengths[b];
    const n = batch.responseLengths[b];
    w.fill(1 / n, b * T + start, b * T + start + n);
  }
  return reshape(matmul(be.fromData(w, [B, 1, T]), hidden), [B, C]);
}

/** Hidden states [C] averaged over each sequence's real tokens (a [B, 1, T] weights matmul). */
export async function meanTokenFeatures(lm: LoadedLm, seqs: readonly (readonly number[])[]): Promise<Float32Array[]> {
  const { model, tokenizer } = lm;
  const C = model.config.hiddenSize;
  const batch = padBatch(seqs, tokenizer.padId);
  const w = new Float32Array(batch.B * batch.T);
  batch.lengths.forEach((len, b) => w.fill(1 / len, b * batch.T, b * batch.T + len));
  const t = noGrad(() => tidy(() => reshape(matmul(model.backend.fromData(w, [batch.B, 1, batch.T]), model.hidden(batch.ids, batch.B, batch.T)), [batch.B, C])));
  const data = (await t.data()) as Float32Array;
  t.dispose();
  return seqs.map((_, b) => data.slice(b * C, (b + 1) * C));
}

async function readScores(t: Tensor): Promise<Float32Array> {
  const v = (await t.data()) as Float32Array;
  t.dispose();
  return v;
}
