// The bag-of-features reward model: persona bag -> u [D] and response bag -> (v [D], c) through
// learned embedding tables, reward r(p, x) = <u_p, v_x> + c_x. With the attribute subset "none"
// the persona bag is only the bias feature, so u is one shared vector and the model is the
// marginal (persona-blind) control with the same capacity. Two losses:
//   bradley-terry: -log sigmoid(r(p, chosen) - r(p, rejected))
//   pairwise:      the model reads (P, R1, R2) with separate tables for the two slots plus a
//                  position bias, logit = r1(p, R1) - r2(p, R2) + b, trained with the responses in
//                  a random order and read averaged over both orders (Dong et al. 2024's setup;
//                  not antisymmetric by construction, so position bias is possible and measured).
import { add, embedding, matmul, mul, parameter, reshape, slice, sub, sum, noGrad } from '../../autograd';
import type { PersonaRecord, PreferencePair } from '../../data';
import { tidy, type Backend, type Tensor } from '../../tensor';
import type { BatchOutput } from '../../train/pair-model';
import { bradleyTerryLoss, preferenceProbability } from '../../train/preference-losses';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import { bagDifference, padBags, PersonaBagEncoder, ResponseBagEncoder, type Bag, type SavedPersonaEncoder } from '../encoders/bags';
import type { Trainable } from './scorer';
import { abortPoint } from '../../util/abort-point';

export interface BagScorerOptions {
  dims: number;
  loss: 'bradley-terry' | 'pairwise';
  seed: number;
  /** Init std of the embedding tables. */
  initStd?: number;
  /**
   * Init std of the persona table (default 0.01): persona features start near zero, so an
   * attribute contributes what training puts there, not the noise of a random start (which
   * training never fully removes from an attribute that carries no signal).
   */
  personaInitStd?: number;
  /** Pairs per forward when predicting. */
  batchSize?: number;
  /** Training only: each persona feature (not the bias) is dropped with this probability. */
  personaDropout?: number;
  /** Trained tables by parameter name (a saved model): used instead of the seeded initialization. */
  weights?: Readonly<Record<string, Float32Array>>;
}

/** A trained bag-of-features model as plain data: its encoders and its tables (runs keep it). */
export interface SavedBagScorer {
  kind: 'bag-of-features';
  dims: number;
  loss: BagScorerOptions['loss'];
  persona: SavedPersonaEncoder;
  /** The response vocabulary in id order. */
  response: string[];
  tensors: Record<string, Float32Array>;
}

export class BagScorer implements Trainable {
  readonly description: string;
  private readonly personaTable: Tensor;
  private readonly responseTables: Tensor[];
  private readonly positionBias: Tensor | null;
  private readonly personaBags = new Map<string, Bag>();

  constructor(
    private readonly be: Backend,
    private readonly personas: ReadonlyMap<string, PersonaRecord>,
    private readonly personaEncoder: PersonaBagEncoder,
    private readonly responseEncoder: ResponseBagEncoder,
    private readonly o: BagScorerOptions,
  ) {
    const D = o.dims;
    const std = o.initStd ?? 0.1;
    const personaStd = o.personaInitStd ?? 0.01;
    const saved = (name: string, size: number): Float32Array | undefined => {
      const w = o.weights?.[name];
      if (o.weights && w?.length !== size) throw new RangeError(`Saved table ${name} has ${w?.length ?? 'no'} values, the model needs ${size}`);
      return w;
    };
    const personaShape = [personaEncoder.vocab.size, D];
    this.personaTable = parameter(be.fromData(saved('persona.embed', personaShape[0] * D) ?? rowsByName(personaEncoder.vocab.names, D, 0, personaStd, `${o.seed}:persona`), personaShape), 'persona.embed');
    const slots = o.loss === 'pairwise' ? 2 : 1;
    this.responseTables = [];
    for (let s = 0; s < slots; s++) {
      const name = `response.embed${slots > 1 ? `.${s + 1}` : ''}`;
      // Column D is the persona-independent reward c_x; it starts at zero.
      const w = saved(name, responseEncoder.vocab.size * (D + 1)) ?? rowsByName(responseEncoder.vocab.names, D, 1, std, `${o.seed}:response:${s}`);
      this.responseTables.push(parameter(be.fromData(w, [responseEncoder.vocab.size, D + 1]), name));
    }
    this.positionBias = o.loss === 'pairwise' ? parameter(saved('position.bias', 1) ? be.fromData(saved('position.bias', 1)!, [1]) : be.zeros([1]), 'position.bias') : null;
    this.description = `bag-of-features encoders, ${D} dims (${personaEncoder.vocab.size} persona features, ${responseEncoder.vocab.size} response features)`;
  }

  namedParameters(): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [[this.personaTable.name, this.personaTable]];
    for (const t of this.responseTables) out.push([t.name, t]);
    if (this.positionBias) out.push([this.positionBias.name, this.positionBias]);
    return out;
  }

  get parameterCount(): number {
    return this.namedParameters().reduce((n, [, t]) => n + t.size, 0);
  }

  private personaBag(id: string): Bag {
    let bag = this.personaBags.get(id);
    if (!bag) {
      const p = this.personas.get(id);
      if (!p) throw new RangeError(`No persona ${id} in this dataset`);
      bag = this.personaEncoder.encode(p);
      this.personaBags.set(id, bag);
    }
    return bag;
  }

  /** Sum of table rows weighted by the bags: [B, cols], as weights [B, 1, L] x rows [B, L, cols]. */
  private embedBags(table: Tensor, bags: readonly Bag[]): Tensor {
    const { ids, weights, B, L } = padBags(bags);
    const rows = embedding(table, this.be.fromData(ids, [B, L], 'i32'));
    return reshape(matmul(this.be.fromData(weights, [B, 1, L]), rows), [B, table.shape[1]]);
  }

  /** r(p, x) [B] for persona vectors u [B, D] and responses through response table `slot`. */
  private reward(u: Tensor, texts: readonly string[], slot: number): Tensor {
    const D = this.o.dims;
    const v = this.embedBags(this.responseTables[slot], texts.map((t) => this.responseEncoder.encode(t)));
    const inter = sum(mul(u, slice(v, 1, 0, D)), 1);
    return add(inter, reshape(slice(v, 1, D, D + 1), [texts.length]));
  }

  /** r(p, chosen) - r(p, rejected) [B]: the reward is linear in the response bag, so it is the
   * reward of the bag difference, where the words both responses share cancel (less work). */
  private margin(u: Tensor, pairs: readonly PreferencePair[]): Tensor {
    const D = this.o.dims;
    const diff = pairs.map((p) => bagDifference(this.responseEncoder.encode(p.chosen), this.responseEncoder.encode(p.rejected)));
    const v = this.embedBags(this.responseTables[0], diff);
    return add(sum(mul(u, slice(v, 1, 0, D)), 1), reshape(slice(v, 1, D, D + 1), [pairs.length]));
  }

  /** A bag with each feature but the bias (id 0) dropped with probability q, the rest scaled by 1/(1-q). */
  private dropped(bag: Bag, q: number, rng: () => number): Bag {
    if (q <= 0) return bag;
    const weights = Float32Array.from(bag.weights, (w, i) => (bag.ids[i] === 0 ? w : rng() < q ? 0 : w / (1 - q)));
    return { ids: bag.ids, weights };
  }

  forward(pairs: readonly PreferencePair[], rng: () => number, logging: boolean): BatchOutput {
    const q = this.o.personaDropout ?? 0;
    const u = this.embedBags(this.personaTable, pairs.map((p) => this.dropped(this.personaBag(p.personaId), q, rng)));
    if (this.o.loss === 'bradley-terry') {
      const margins = this.margin(u, pairs);
      const out: BatchOutput = { loss: bradleyTerryLoss(margins), margins };
      if (logging) {
        noGrad(() => {
          out.chosen = this.reward(u, pairs.map((p) => p.chosen), 0);
          out.rejected = this.reward(u, pairs.map((p) => p.rejected), 0);
        });
      }
      return out;
    }
    // Pairwise: a random order per pair; the margin is the logit oriented toward `chosen`.
    const flip = pairs.map(() => rng() < 0.5);
    const first = pairs.map((p, i) => (flip[i] ? p.rejected : p.chosen));
    const second = pairs.map((p, i) => (flip[i] ? p.chosen : p.rejected));
    const logits = add(sub(this.reward(u, first, 0), this.reward(u, second, 1)), this.positionBias!);
    const sign = this.be.fromData(Float32Array.from(flip, (f) => (f ? -1 : 1)), [pairs.length]);
    const margins = mul(logits, sign);
    return { loss: bradleyTerryLoss(margins), margins };
  }

  async predict(pairs: readonly PreferencePair[], signal?: AbortSignal): Promise<Float32Array> {
    const out = new Float32Array(pairs.length);
    const size = this.o.batchSize ?? 512;
    for (let i = 0; i < pairs.length; i += size) {
      await abortPoint(signal);
      const batch = pairs.slice(i, i + size);
      const probs = noGrad(() =>
        tidy(() => {
          const u = this.embedBags(this.personaTable, batch.map((p) => this.personaBag(p.personaId)));
          const c = batch.map((p) => p.chosen);
          const r = batch.map((p) => p.rejected);
          if (this.o.loss === 'bradley-terry') return this.margin(u, batch);
          // Both orders: logit(c first) and -logit(r first), averaged as probabilities below.
          const ab = add(sub(this.reward(u, c, 0), this.reward(u, r, 1)), this.positionBias!);
          const ba = add(sub(this.reward(u, r, 0), this.reward(u, c, 1)), this.positionBias!);
          return { ab, ba };
        }),
      );
      if ('ab' in probs) {
        const ab = (await probs.ab.data()) as Float32Array;
        const ba = (await probs.ba.data()) as Float32Array;
        probs.ab.dispose();
        probs.ba.dispose();
        for (let j = 0; j < batch.length; j++) out[i + j] = 0.5 * (preferenceProbability(ab[j]) + 1 - preferenceProbability(ba[j]));
      } else {
        const m = (await probs.data()) as Float32Array;
        probs.dispose();
        for (let j = 0; j < batch.length; j++) out[i + j] = preferenceProbability(m[j]);
      }
    }
    return out;
  }

  /**
   * The scalar reward r(p, x) of each text for its persona, in order: what a policy's answers are
   * rated by. Any text works (its words and word pairs in the vocabulary count). For the pairwise
   * model, the mean of its two slots' rewards: the part of its logit that does not depend on the
   * order, so a higher score wins the pair read both ways.
   */
  async rewards(items: readonly { personaId: string; text: string }[], signal?: AbortSignal): Promise<Float32Array> {
    const out = new Float32Array(items.length);
    const size = this.o.batchSize ?? 512;
    for (let i = 0; i < items.length; i += size) {
      await abortPoint(signal);
      const batch = items.slice(i, i + size);
      const r = noGrad(() =>
        tidy(() => {
          const u = this.embedBags(this.personaTable, batch.map((x) => this.personaBag(x.personaId)));
          const texts = batch.map((x) => x.text);
          const r0 = this.reward(u, texts, 0);
          return this.o.loss === 'pairwise' ? mul(add(r0, this.reward(u, texts, 1)), this.be.fromData(Float32Array.of(0.5), [1])) : r0;
        }),
      );
      out.set((await r.data()) as Float32Array, i);
      r.dispose();
    }
    return out;
  }

  /** The trained model as plain data; BagScorer.restore rebuilds it bit for bit. */
  async save(): Promise<SavedBagScorer> {
    const tensors: Record<string, Float32Array> = {};
    for (const [name, t] of this.namedParameters()) tensors[name] = Float32Array.from((await t.data()) as Float32Array);
    return { kind: 'bag-of-features', dims: this.o.dims, loss: this.o.loss, persona: this.personaEncoder.saved(), response: [...this.responseEncoder.vocab.names], tensors };
  }

  /** A saved model, scoring the personas of `personas` (any world whose personas have the same attributes). */
  static restore(be: Backend, personas: ReadonlyMap<string, PersonaRecord>, s: SavedBagScorer): BagScorer {
    return new BagScorer(be, personas, PersonaBagEncoder.restore(s.persona), new ResponseBagEncoder([], s.response), { dims: s.dims, loss: s.loss, seed: 0, weights: s.tensors });
  }

  dispose(): void {
    for (const [, t] of this.namedParameters()) {
      t.grad?.dispose();
      t.grad = null;
      t.dispose();
    }
  }
}

/**
 * Initial table rows drawn per feature name, so a feature starts from the same vector whatever
 * else is in the vocabulary: two arms that differ by one attribute (a leave-one-out sweep) differ
 * by that attribute, not by a reshuffled initialization (common random numbers). `zeros` extra
 * columns at the end start at 0.
 */
function rowsByName(names: readonly string[], D: number, zeros: number, std: number, salt: string): Float32Array {
  const out = new Float32Array(names.length * (D + zeros));
  names.forEach((name, i) => out.set(new Rng(fnv1a32(`${salt}:${name}`)).float32(D, { normal: std }), i * (D + zeros)));
  return out;
}
