// Bag-of-features encoders, the lab's model that needs no language model. A persona becomes the
// bag of its attribute values (restricted to the attribute subset): one feature per `key=value`,
// one per comma-separated part of list values ("big five scores" lists five traits), and for a
// numeric value (age) also `key#` weighted by its standardized value. A response becomes the bag
// of its lower-cased word unigrams and bigrams. Vocabularies come from training data only, so an
// unseen persona is described by the values it shares with training personas and nothing else.
import type { AttributeKey, PersonaRecord } from '../../data';

/** A sparse bag: feature ids and their weights (same length). */
export interface Bag {
  ids: Int32Array;
  weights: Float32Array;
}

const EMPTY: Bag = { ids: new Int32Array(0), weights: new Float32Array(0) };

export class Vocabulary {
  private readonly index = new Map<string, number>();
  readonly names: string[] = [];

  /** Id of `name`, adding it when `grow` (training) and absent. */
  id(name: string, grow: boolean): number | undefined {
    let i = this.index.get(name);
    if (i === undefined && grow) {
      i = this.names.length;
      this.index.set(name, i);
      this.names.push(name);
    }
    return i;
  }

  get size(): number {
    return this.names.length;
  }

  /** A vocabulary with these names, in this order (a saved one: ids are positions). */
  static of(names: readonly string[]): Vocabulary {
    const v = new Vocabulary();
    for (const n of names) v.id(n, true);
    return v;
  }
}

/** What rebuilds a persona encoder exactly: its subset, its vocabulary in id order, its numeric scaling. */
export interface SavedPersonaEncoder {
  keys: AttributeKey[];
  extra: boolean;
  minPersonas: number;
  vocab: string[];
  numeric: Array<{ key: string; mean: number; sd: number }>;
}

function isNumeric(value: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(value.trim());
}

/** The persona encoder for one attribute subset. Build with the training personas. */
export class PersonaBagEncoder {
  readonly vocab = new Vocabulary();
  /** Always-on feature: the persona-independent part of the model (all a marginal model has). */
  static readonly BIAS = '<bias>';
  private readonly numericStats = new Map<string, { mean: number; sd: number }>();

  /**
   * `keys`: the attribute subset. `extra`: also use `key: value` lines outside the 33 (OpinionQA
   * groups have some); only the full subset does, as it is meant to be everything known.
   */
  constructor(
    readonly keys: readonly AttributeKey[],
    training: readonly PersonaRecord[],
    readonly extra = false,
    /** Features shared by fewer training personas are dropped: an effect cannot be learned from
     * a handful of people, and a feature unique to one persona only lets the model memorize it. */
    readonly minPersonas = 5,
  ) {
    this.vocab.id(PersonaBagEncoder.BIAS, true);
    const values = new Map<string, number[]>();
    for (const p of training) {
      for (const k of keys) {
        const v = p.attributes[k];
        if (v !== undefined && isNumeric(v)) {
          let list = values.get(k);
          if (!list) values.set(k, (list = []));
          list.push(Number(v));
        }
      }
    }
    for (const [k, list] of values) {
      const mean = list.reduce((a, b) => a + b, 0) / list.length;
      const sd = Math.sqrt(list.reduce((a, b) => a + (b - mean) ** 2, 0) / list.length) || 1;
      this.numericStats.set(k, { mean, sd });
    }
    const counts = new Map<string, number>();
    for (const p of training) for (const name of new Set(this.featureNames(p).map(([n]) => n))) counts.set(name, (counts.get(name) ?? 0) + 1);
    for (const [name, n] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) if (n >= minPersonas) this.vocab.id(name, true);
  }

  saved(): SavedPersonaEncoder {
    return { keys: [...this.keys], extra: this.extra, minPersonas: this.minPersonas, vocab: [...this.vocab.names], numeric: [...this.numericStats].map(([key, s]) => ({ key, ...s })) };
  }

  /** The encoder `saved()` described: the same features, ids and weights for every persona. */
  static restore(s: SavedPersonaEncoder): PersonaBagEncoder {
    const e = new PersonaBagEncoder(s.keys, [], s.extra, s.minPersonas);
    // The bias is feature 0 of every persona vocabulary; the rest follow in their saved order.
    if (s.vocab[0] !== PersonaBagEncoder.BIAS) throw new RangeError('A saved persona vocabulary starts with the bias feature');
    for (const name of s.vocab) e.vocab.id(name, true);
    for (const n of s.numeric) e.numericStats.set(n.key, { mean: n.mean, sd: n.sd });
    return e;
  }

  encode(p: PersonaRecord): Bag {
    const ids: number[] = [];
    const weights: number[] = [];
    for (const [name, w] of [[PersonaBagEncoder.BIAS, 1] as [string, number], ...this.featureNames(p)]) {
      const id = this.vocab.id(name, false);
      if (id !== undefined) {
        ids.push(id);
        weights.push(w);
      }
    }
    return { ids: Int32Array.from(ids), weights: Float32Array.from(weights) };
  }

  /** The persona's features and weights, before the vocabulary filter. */
  private featureNames(p: PersonaRecord): Array<[string, number]> {
    const out: Array<[string, number]> = [];
    const add = (name: string, w: number) => out.push([name, w]);
    for (const k of this.keys) {
      const v = p.attributes[k];
      if (v === undefined) continue;
      add(`${k}=${v}`, 1);
      const parts = v.split(',').map((s) => s.trim()).filter(Boolean);
      if (parts.length > 1) for (const part of parts) add(`${k}:${part}`, 1);
      const stats = this.numericStats.get(k);
      if (stats && isNumeric(v)) add(`${k}#`, (Number(v) - stats.mean) / stats.sd);
    }
    if (this.extra) for (const [k, v] of p.extra) add(`+${k}=${v}`, 1);
    return out;
  }
}

function words(text: string): string[] {
  return text.toLowerCase().match(/[a-z0-9']+/g) ?? [];
}

/** The response encoder: word unigrams and bigrams, present or not (weight 1). */
export class ResponseBagEncoder {
  readonly vocab: Vocabulary;
  private readonly cache = new Map<string, Bag>();

  /** From training texts, or from a saved vocabulary (its names in id order). Any text encodes:
   * its words and word pairs that are in the vocabulary (a generated answer as a dataset one). */
  constructor(trainingTexts: Iterable<string>, saved?: readonly string[]) {
    this.vocab = saved ? Vocabulary.of(saved) : new Vocabulary();
    for (const t of trainingTexts) this.features(t, true);
  }

  encode(text: string): Bag {
    let bag = this.cache.get(text);
    if (!bag) {
      bag = this.features(text, false);
      this.cache.set(text, bag);
    }
    return bag;
  }

  private features(text: string, grow: boolean): Bag {
    const w = words(text);
    const seen = new Set<number>();
    const add = (name: string) => {
      const id = this.vocab.id(name, grow);
      if (id !== undefined) seen.add(id);
    };
    for (let i = 0; i < w.length; i++) {
      add(w[i]);
      if (i + 1 < w.length) add(`${w[i]} ${w[i + 1]}`);
    }
    if (seen.size === 0) return EMPTY;
    const ids = Int32Array.from([...seen].sort((a, b) => a - b));
    return { ids, weights: new Float32Array(ids.length).fill(1) };
  }
}

/** Right-pads bags into [B, L] ids and weights (padding: id 0, weight 0). */
export function padBags(bags: readonly Bag[]): { ids: Int32Array; weights: Float32Array; B: number; L: number } {
  const B = bags.length;
  const L = Math.max(1, ...bags.map((b) => b.ids.length));
  const ids = new Int32Array(B * L);
  const weights = new Float32Array(B * L);
  bags.forEach((b, i) => {
    ids.set(b.ids, i * L);
    weights.set(b.weights, i * L);
  });
  return { ids, weights, B, L };
}

/** a - b as one bag (ids sorted and unique in both, as ResponseBagEncoder makes them); shared features cancel. */
export function bagDifference(a: Bag, b: Bag): Bag {
  const ids: number[] = [];
  const weights: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ids.length || j < b.ids.length) {
    const ia = i < a.ids.length ? a.ids[i] : Infinity;
    const jb = j < b.ids.length ? b.ids[j] : Infinity;
    if (ia === jb) {
      const w = a.weights[i++] - b.weights[j++];
      if (w !== 0) {
        ids.push(ia);
        weights.push(w);
      }
    } else if (ia < jb) {
      ids.push(ia);
      weights.push(a.weights[i++]);
    } else {
      ids.push(jb);
      weights.push(-b.weights[j++]);
    }
  }
  return { ids: Int32Array.from(ids), weights: Float32Array.from(weights) };
}
