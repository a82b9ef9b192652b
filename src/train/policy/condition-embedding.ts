// A learned conditioning vector for a policy: a table [F, C] of trainable embeddings, one per
// input feature (a persona's attribute value, "religion=Atheist", or one objective of a preference
// direction), whose weighted sum is added at every position of the row to the normalized input of
// every attention and MLP block (LlamaModel's ForwardOptions.condition). This is the user embedding
// of personalized RLHF (P-RLHF, Li et al. 2024) in a simple form: every block reads the persona
// directly, so DPO trains a short route from it to the answer's decisions instead of having to
// grow an attention route to one line of the persona text (docs/policies.md, exp5–exp13). The
// table starts at zero, so a policy with it begins exactly as its base and as its DPO reference.
import { matmul, mul, reshape } from '../../autograd';
import type { GatedCondition, GateSite, HostConditionGate } from '../../models/llama/model';
import { Module } from '../../nn';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { Attributes, AttributeKey } from '../../data';
import type { Backend, Tensor } from '../../tensor';

export class ConditionInputError extends Error {
  override name = 'ConditionInputError';
}

/**
 * How a condition table is read. `gate`: false for none, true for a new gate (zero keys and bias:
 * every position starts reading half of every part), a number for a new gate whose bias starts
 * there (negative: every gate starts mostly closed), or saved weights. `site`: where the gated
 * parts are read (LlamaModel's GateSite). `parts`: gated parts per feature, each with its own row,
 * key and bias, all read with that feature's input (so one objective can tilt different words in
 * different contexts); with more than one, a new gate's keys start small and random (seeded by
 * `seed`), or every part would stay the same. `squash`: each input x is read as tanh(squash · x)
 * (0: as given), so a small component of a direction asks for its pole almost as firmly as a large
 * one, as the reward u · r(x) does: its best answer follows the sign of every component, whatever
 * its size.
 */
export interface ConditionOptions {
  gate?: boolean | number | { keys: Tensor; bias: Tensor };
  site?: GateSite;
  parts?: number;
  seed?: number;
  squash?: number;
}

export class ConditionEmbedding extends Module {
  readonly table: Tensor;
  /** With a gate, each feature's part is read per position (LlamaModel's GatedCondition): keys [F, C] and bias [F]. */
  readonly gate: { keys: Tensor; bias: Tensor } | null;
  /** Where the gated parts are read (LlamaModel's GateSite). */
  readonly gateSite: GateSite;
  /** Gated parts per feature. */
  readonly gateParts: number;
  /** Inputs are read as tanh(squash · x); 0: as given. */
  readonly squash: number;
  private readonly index: Map<string, number>;

  /**
   * `features` name the table's rows, in order; `width` is the model's hidden size; `table`: saved
   * weights, or null for a new table of zeros. The options (ConditionOptions) say how the table is
   * read: through a gate or not, where, in how many parts, and whether the inputs are squashed.
   */
  constructor(
    readonly backend: Backend,
    readonly features: readonly string[],
    readonly width: number,
    table: Tensor | null = null,
    options: ConditionOptions = {},
  ) {
    super();
    const { gate = false, site = 'blocks', parts = 1, seed = 1, squash = 0 } = options;
    this.gateSite = site;
    this.gateParts = parts;
    this.squash = squash;
    if (new Set(features).size !== features.length) throw new ConditionInputError('condition embedding: feature names repeat');
    if (!Number.isInteger(parts) || parts < 1 || (parts > 1 && gate === false)) throw new ConditionInputError(`condition embedding: ${parts} parts per feature (a whole number, more than 1 only with a gate)`);
    if (!(squash >= 0 && Number.isFinite(squash))) throw new ConditionInputError(`condition embedding: squash ${squash} (0 or a positive number)`);
    const rows = features.length * parts;
    if (table && (table.rank !== 2 || table.shape[0] !== rows || table.shape[1] !== width)) {
      throw new ConditionInputError(`condition embedding: a table of shape [${table.shape.join(', ')}] for ${features.length} features${parts > 1 ? ` x ${parts} parts` : ''} of width ${width}`);
    }
    this.index = new Map(features.map((f, i) => [f, i]));
    this.table = this.param('table', table ?? backend.zeros([rows, width]));
    if (typeof gate === 'object' && (gate.keys.shape.join() !== `${rows},${width}` || gate.bias.shape.join() !== `${rows}`)) {
      throw new ConditionInputError(`condition gate: keys [${gate.keys.shape.join(', ')}] and bias [${gate.bias.shape.join(', ')}] for ${rows} parts of width ${width}`);
    }
    if (gate === false) this.gate = null;
    else if (typeof gate === 'object') this.gate = { keys: this.param('gate_keys', gate.keys), bias: this.param('gate_bias', gate.bias) };
    else {
      // h is an RMS-normalized row, so keys of scale 1/sqrt(width) give each part a gate logit of about ±1.
      const keys = parts > 1 ? backend.fromData(new Rng(fnv1a32(`${seed}:condition-gate-keys`)).float32(rows * width, { normal: 1 / Math.sqrt(width) }), [rows, width]) : backend.zeros([rows, width]);
      this.gate = { keys: this.param('gate_keys', keys), bias: this.param('gate_bias', backend.fromData(new Float32Array(rows).fill(gate === true ? 0 : gate), [rows])) };
    }
  }

  get size(): number {
    return this.features.length;
  }

  /** The [B, 1, C] vectors of B rows of inputs (B x F, row-major), for ForwardOptions.condition (no gate). */
  forward(inputs: Float32Array, B: number): Tensor {
    if (this.gate) throw new ConditionInputError('condition embedding: a gated embedding is read per position (read(), not forward())');
    return this.read(inputs, B) as Tensor;
  }

  /** ForwardOptions.condition of B rows of inputs: forward()'s vectors, or with a gate each row's F parts x_f · table_f ([B, F, C]) and the gate. */
  read(inputs: Float32Array, B: number): Tensor | GatedCondition {
    const F = this.features.length;
    if (inputs.length !== B * F) throw new ConditionInputError(`condition embedding: ${inputs.length} inputs for ${B} rows of ${F} features`);
    const x = squashInputs(inputs, this.squash);
    if (this.gate) return { values: mul(this.backend.fromData(repeatInputs(x, this.gateParts), [B, F * this.gateParts, 1]), this.table), keys: this.gate.keys, bias: this.gate.bias, site: this.gateSite };
    return reshape(matmul(this.backend.fromData(x, [B, F]), this.table), [B, 1, this.width]);
  }

  /** One input per feature: 1 for each of the persona's values that has a row, 0 elsewhere. */
  personaInputs(attributes: Attributes, keys: readonly AttributeKey[]): Float32Array {
    const x = new Float32Array(this.features.length);
    for (const k of keys) {
      const v = attributes[k];
      const i = v === undefined ? undefined : this.index.get(personaFeature(k, v));
      if (i !== undefined) x[i] = 1;
    }
    return x;
  }
}

/** The feature name of one attribute value. */
export function personaFeature(key: AttributeKey, value: string): string {
  return `${key}=${value}`;
}

/** Every value of `keys` among `personas`, as feature names in a stable (sorted) order. */
export function personaFeatures(personas: readonly { attributes: Attributes }[], keys: readonly AttributeKey[]): string[] {
  const out = new Set<string>();
  for (const p of personas) for (const k of keys) if (p.attributes[k] !== undefined) out.add(personaFeature(k, p.attributes[k]!));
  return [...out].sort();
}

/**
 * Host-side conditioning vectors: for each input row x (length F), x · table (table F x C, host
 * data), C values. Generation reads these (the weights are fixed there); training uses forward().
 */
export function conditionVectors(table: Float32Array, width: number, inputs: readonly (readonly number[] | Float32Array)[]): Float32Array {
  const F = table.length / width;
  const out = new Float32Array(inputs.length * width);
  inputs.forEach((x, b) => {
    if (x.length !== F) throw new ConditionInputError(`condition vectors: an input of ${x.length} values for a table of ${F} features`);
    for (let f = 0; f < F; f++) {
      const w = x[f];
      if (w === 0) continue;
      for (let c = 0; c < width; c++) out[b * width + c] += w * table[f * width + c];
    }
  });
  return out;
}

/**
 * Host-side gated parts: for each input row x (length F), the F parts x_f · table_f, F x C values
 * (what a gated embedding's forward computes, for generation with fixed weights).
 */
export function conditionParts(table: Float32Array, width: number, inputs: readonly (readonly number[] | Float32Array)[]): Float32Array {
  const F = table.length / width;
  const out = new Float32Array(inputs.length * F * width);
  inputs.forEach((x, b) => {
    if (x.length !== F) throw new ConditionInputError(`condition parts: an input of ${x.length} values for a table of ${F} features`);
    for (let f = 0; f < F; f++) for (let c = 0; c < width; c++) out[(b * F + f) * width + c] = x[f] * table[f * width + c];
  });
  return out;
}

/** Each input repeated `parts` times in place (x_0 x_0 x_1 x_1 … for 2): the inputs of a table with `parts` gated rows per feature. */
export function repeatInputs(x: readonly number[] | Float32Array, parts: number): Float32Array {
  const out = new Float32Array(x.length * parts);
  for (let f = 0; f < x.length; f++) out.fill(x[f], f * parts, (f + 1) * parts);
  return out;
}

/** Inputs as a table with `squash` reads them: tanh(squash · x) each, or as given for 0. */
export function squashInputs(x: Float32Array, squash: number): Float32Array {
  return squash > 0 ? x.map((v) => Math.tanh(squash * v)) : x;
}

/** A trained table read to the host ([F x parts, C] row-major), with its gate when it has one: what generation and Compare read. */
export interface HostConditionTable {
  table: Float32Array;
  width: number;
  gate?: HostConditionGate;
  /** Gated rows per feature (absent: 1). */
  parts?: number;
  /** Inputs read as tanh(squash · x) (absent: as given). */
  squash?: number;
}

/** A row per input of a table on the host, as a policy reads it: conditionParts with a gate, conditionVectors without (inputs squashed first when the table says so). */
export function conditionRows(c: HostConditionTable, inputs: readonly (readonly number[] | Float32Array)[]): Float32Array {
  const parts = c.parts ?? 1;
  const read = c.squash ? inputs.map((x) => squashInputs(Float32Array.from(x), c.squash!)) : inputs;
  return c.gate ? conditionParts(c.table, c.width, parts > 1 ? read.map((x) => repeatInputs(x, parts)) : read) : conditionVectors(c.table, c.width, read);
}

/** Equal-length rows stacked row-major: the batch a forward of those rows reads. */
export function stackRows(rows: readonly Float32Array[]): Float32Array {
  const w = rows[0]?.length ?? 0;
  const out = new Float32Array(rows.length * w);
  rows.forEach((r, i) => out.set(r, i * w));
  return out;
}

/**
 * Conditioning vectors given ready-made (a frozen embedding's rows, computed on the host): a row's
 * inputs are its C values themselves, and nothing here trains. What an online method reads when it
 * continues a directional policy whose embedding it keeps fixed.
 */
export class FixedCondition {
  constructor(
    readonly backend: Backend,
    readonly width: number,
  ) {}

  forward(inputs: Float32Array, B: number): Tensor {
    if (inputs.length !== B * this.width) throw new ConditionInputError(`fixed condition: ${inputs.length} values for ${B} rows of width ${this.width}`);
    return this.backend.fromData(inputs, [B, 1, this.width]);
  }

  read(inputs: Float32Array, B: number): Tensor {
    return this.forward(inputs, B);
  }

  namedParameters(_prefix = ''): Array<[string, Tensor]> {
    return [];
  }

  parameters(): Tensor[] {
    return [];
  }
}

/** What a DPO step reads a row's conditioning through: a learned embedding, or fixed vectors. */
export type ConditionSource = ConditionEmbedding | FixedCondition;
