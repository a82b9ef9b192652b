// Text generation for a batch of prompts: left-padded so every row's next token is at the same
// column, per-row positions and key masks so padding changes nothing, a KV cache preallocated for
// the prompt and every new token so each step runs one new token per row (or, with useCache false,
// the whole sequence again: the reference the cache is tested against), seeded sampling per row,
// stop tokens and strings, and streaming to the UI. Text is decoded incrementally, and only when a
// stop string or onToken needs it during the loop; every row is decoded whole once at the end.
import { noGradAsync, slice } from '../../autograd';
import { ops, tidy, type Tensor } from '../../tensor';
import { Rng } from '../../util/rng';
import { yieldIfDue } from '../../util/abort-point';
import { conditionTensor, type HostConditionGate, type LlamaModel } from '../llama/model';
import type { KVCache } from '../llama/kv-cache';
import type { LoraAdapter } from '../lora/adapter';
import type { TextTokenizer } from '../tokenizer';
import { sampleNext, validateSampling, type SamplingOptions } from './sampling';
import { IncrementalText } from './incremental-text';
import { StopCriteria, type StopReason } from './stopping';

export interface GenerateOptions extends SamplingOptions {
  maxNewTokens: number;
  seed: number;
  /** Ids that end a row; default the tokenizer's eos ids (or none without a tokenizer). */
  eosIds?: readonly number[];
  stopStrings?: readonly string[];
  /** Default true; false recomputes every position each step. */
  useCache?: boolean;
  adapter?: LoraAdapter | null;
  /**
   * Per-row conditioning vectors, B x C row-major (C = hidden size), each row's read by every
   * block at every position (LlamaModel's ForwardOptions.condition; a policy's learned persona or
   * direction embedding, computed by the caller).
   */
  condition?: Float32Array | null;
  /** A gated condition's gate: then each row of `condition` is its K parts, K x C (LlamaModel's GatedCondition). */
  conditionGate?: HostConditionGate | null;
  /**
   * Classifier-free guidance on the condition (Sanchez et al. 2023, "Stay on topic with
   * classifier-free guidance"): each step's logits are l(c) + γ·(l(c) − l(0)), l(0) the same row
   * with a zero condition (for a table that starts at zero: the policy without its conditioning).
   * 0 or undefined = none; needs `condition`. Each row runs twice, so a step costs twice as much.
   */
  guidance?: number;
  /**
   * The plausibility constraint of contrastive decoding (Li et al. 2023) against the unconditioned
   * row: a token is a candidate only where l(0) gives it at least α times the probability of l(0)'s
   * most likely token, so the condition chooses among what the policy would write without it and
   * invents nothing where that is sure. 0 or undefined = none; needs `condition`; runs each row twice.
   */
  plausibility?: number;
  /** Padding id for the left padding and finished rows; default the tokenizer's pad id (or 0). */
  padId?: number;
  /** Called after each new token of a row, with the row's text so far (needs a tokenizer). */
  onToken?: (row: number, id: number, text: string) => void;
  signal?: AbortSignal;
}

export interface Generation {
  /** New token ids, the stopping eos included. */
  ids: number[];
  /** Decoded new text, cut before a stop string, without special tokens. */
  text: string;
  reason: StopReason | 'aborted';
}

export class GenerationAbortedError extends Error {
  override name = 'GenerationAbortedError';
}

export async function generate(model: LlamaModel, tokenizer: TextTokenizer | null, prompts: readonly (readonly number[])[], o: GenerateOptions): Promise<Generation[]> {
  validateSampling(o);
  const gamma = o.guidance ?? 0;
  if (!(gamma >= 0 && Number.isFinite(gamma))) throw new RangeError(`generate: guidance must be >= 0, not ${gamma}`);
  if (gamma > 0 && !o.condition) throw new RangeError('generate: guidance needs a condition');
  const alpha = o.plausibility ?? 0;
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`generate: plausibility must be in [0, 1), not ${alpha}`);
  if (alpha > 0 && !o.condition) throw new RangeError('generate: plausibility needs a condition');
  if (gamma > 0 || alpha > 0) return generateGuided(model, tokenizer, prompts, { ...o, guidance: gamma, plausibility: alpha });
  return generateRows(model, tokenizer, prompts, o, null);
}

/**
 * Guidance and the plausibility constraint as a batch of 2B rows: rows B..2B-1 repeat the prompts
 * under a zero condition, every step's token is chosen from the guided (and constrained) logits of
 * row b and fed to rows b and B+b alike.
 */
function generateGuided(model: LlamaModel, tokenizer: TextTokenizer | null, prompts: readonly (readonly number[])[], o: GenerateOptions): Promise<Generation[]> {
  const B = prompts.length;
  const C = conditionWidth(model, o.conditionGate);
  if (B === 0) return Promise.resolve([]);
  if (o.condition!.length !== B * C) throw new RangeError(`generate: ${o.condition!.length} condition values for ${B} rows of ${C}`);
  const condition = new Float32Array(2 * B * C);
  condition.set(o.condition!);
  const gamma = o.guidance ?? 0;
  // ln α: a token whose unconditioned log-probability is under the best one's by more is no candidate.
  const floor = (o.plausibility ?? 0) > 0 ? Math.log(o.plausibility!) : -Infinity;
  const guide = (rows: Float32Array, V: number): Float32Array => {
    const g = new Float32Array(B * V);
    for (let b = 0; b < B; b++) {
      const zero = rows.subarray((B + b) * V, (B + b + 1) * V);
      let top = -Infinity;
      if (floor > -Infinity) for (let v = 0; v < V; v++) top = Math.max(top, zero[v]);
      for (let v = 0; v < V; v++) {
        const i = b * V + v;
        g[i] = zero[v] - top < floor ? -Infinity : rows[i] + gamma * (rows[i] - zero[v]);
      }
    }
    return g;
  };
  const onToken = o.onToken;
  return generateRows(model, tokenizer, [...prompts, ...prompts], { ...o, condition, onToken: onToken && ((row, id, text) => row < B && onToken(row, id, text)) }, { rows: B, guide }).then((g) => g.slice(0, B));
}

/** Guidance's pairing: the first `rows` rows choose tokens from `guide`'s logits, each row rows + b follows row b. */
interface Guided {
  rows: number;
  guide(logits: Float32Array, vocab: number): Float32Array;
}

async function generateRows(model: LlamaModel, tokenizer: TextTokenizer | null, prompts: readonly (readonly number[])[], o: GenerateOptions, guided: Guided | null): Promise<Generation[]> {
  if (prompts.length === 0) return [];
  prompts.forEach((p, b) => {
    if (p.length === 0) throw new RangeError(`prompt ${b} is empty`);
  });
  const B = prompts.length;
  // Values per row of `condition`: C, or K x C with a gate.
  const C = conditionWidth(model, o.conditionGate);
  const condition = o.condition ?? null;
  if (condition && condition.length !== B * C) throw new RangeError(`generate: ${condition.length} condition values for ${B} rows of ${C}`);
  const padId = o.padId ?? tokenizer?.padId ?? 0;
  const stop = new StopCriteria({ eosIds: o.eosIds ?? tokenizer?.eosIds ?? [], stopStrings: o.stopStrings, maxNewTokens: o.maxNewTokens });
  const rngs = prompts.map((_, b) => new Rng(o.seed).fork(`row-${b}`));
  const decode = (ids: number[]) => (tokenizer ? tokenizer.decode(ids, { skipSpecialTokens: true }) : '');

  // Left padding: row b is [pad x (T0 - len_b), prompt_b]; positions count real tokens only.
  const T0 = Math.max(...prompts.map((p) => p.length));
  const seqs = prompts.map((p) => [...new Array<number>(T0 - p.length).fill(padId), ...p]);
  const masks = prompts.map((p) => [...new Array<number>(T0 - p.length).fill(0), ...new Array<number>(p.length).fill(1)]);
  const out: Generation[] = prompts.map(() => ({ ids: [], text: '', reason: 'length' }));
  const done = new Array<boolean>(B).fill(false);
  const useCache = o.useCache ?? true;
  const cache: KVCache | null = useCache ? model.newCache(T0 + o.maxNewTokens) : null;
  // Text during the loop only for stop strings and streaming; a fresh decoder per row.
  const streamText = tokenizer && (o.onToken || (o.stopStrings?.length ?? 0) > 0) ? prompts.map(() => new IncrementalText(tokenizer)) : null;
  // Real tokens so far per row: the next token's position.
  const realCount = prompts.map((p) => p.length);
  let padded = prompts.some((p) => p.length < T0);
  // Rows with the same prompt (K samples of one prompt, as online methods draw) share its forward:
  // the prompt runs once per distinct prompt (and condition) and its cache rows are copied to every row using it.
  const firstRow = new Map<string, number>();
  const source = prompts.map((p, b) => {
    const key = condition ? `${p.join(',')}|${condition.subarray(b * C, (b + 1) * C).join(',')}` : p.join(',');
    if (!firstRow.has(key)) firstRow.set(key, b);
    return firstRow.get(key)!;
  });
  const distinct = [...firstRow.values()];
  const sharePrefill = useCache && distinct.length < B;

  // The weights do not change between steps: the cpu backend may keep them packed for its products.
  const release = ops.holdFrozenWeights(model.backend);
  try {
    return await noGradAsync(async () => {
      let stepIds = seqs.flat();
      let T = T0;
      for (let step = 0; step < o.maxNewTokens; step++) {
        // A stop (the Stop button, a cancelled run) arrives as an event: let it in between steps.
        if (o.signal) await yieldIfDue();
        if (o.signal?.aborted) {
          for (let b = 0; b < B; b++) if (!done[b]) out[b].reason = 'aborted';
          break;
        }
        const S = seqs[0].length;
        const positions = new Int32Array(B * T);
        if (T === 1) {
          // A cached step: the new token sits after the row's real tokens (a finished row's filler is masked).
          for (let b = 0; b < B; b++) positions[b] = masks[b][S - 1] === 1 ? realCount[b] - 1 : 0;
        } else {
          for (let b = 0; b < B; b++) {
            let pos = 0;
            for (let s = 0; s < S; s++) {
              const p = masks[b][s] === 1 ? pos++ : 0;
              if (s >= S - T) positions[b * T + s - (S - T)] = p;
            }
          }
        }
        const keyMask = padded ? Float32Array.from(masks.flat()) : null;
        // The shared prefill runs the distinct prompts' rows only; logits row of batch row b: rowOf[b].
        const only = step === 0 && sharePrefill ? distinct : null;
        const rowOf = only ? source.map((r) => only.indexOf(r)) : null;
        const last = tidy(() => {
          const pick = <A extends Int32Array | Float32Array>(a: A, width: number): A => {
            if (!only) return a;
            const picked = new (a.constructor as new (n: number) => A)(only.length * width);
            only.forEach((r, i) => picked.set(a.subarray(r * width, (r + 1) * width), i * width));
            return picked;
          };
          const rowsRun = only ? only.length : B;
          const hidden = model.hidden(pick(Int32Array.from(stepIds), T), rowsRun, T, {
            positions: pick(positions, T),
            keyMask: keyMask && pick(keyMask, S),
            cache,
            adapter: o.adapter,
            condition: condition && conditionTensor(model.backend, pick(condition, C), rowsRun, model.config.hiddenSize, o.conditionGate ?? null),
          });
          if (rowOf) cache!.expandRows(rowOf);
          return model.logits(slice(hidden, 1, T - 1, T));
        });
        const V = model.config.vocabSize;
        const read = await readAndDispose(last);
        // Under guidance every row's logits row first: its own (b < rows) or its leader's (b >= rows).
        const rows = guided ? guided.guide(rowOf ? perRow(read, rowOf, V) : read, V) : read;
        const wasDone = [...done];
        const next: number[] = [];
        for (let b = 0; b < B; b++) {
          if (wasDone[b]) {
            next.push(padId);
            continue;
          }
          if (guided && b >= guided.rows) {
            const id = next[b - guided.rows];
            out[b].ids.push(id);
            done[b] = done[b - guided.rows];
            out[b].reason = out[b - guided.rows].reason;
            next.push(id);
            continue;
          }
          const r = guided || !rowOf ? b : rowOf[b];
          const id = sampleNext(rows.subarray(r * V, (r + 1) * V), o, rngs[b]);
          out[b].ids.push(id);
          const text = streamText ? streamText[b].push(id) : '';
          o.onToken?.(b, id, stop.finalText(text));
          const reason = stop.check(out[b].ids, text);
          if (reason) {
            done[b] = true;
            out[b].reason = reason;
          }
          next.push(id);
        }
        for (let b = 0; b < B; b++) {
          seqs[b].push(next[b]);
          // A finished row's filler token is masked out of every later step.
          masks[b].push(wasDone[b] ? 0 : 1);
          if (wasDone[b]) padded = true;
          else realCount[b]++;
        }
        if (done.every(Boolean)) break;
        if (useCache) {
          stepIds = next;
          T = 1;
        } else {
          stepIds = seqs.flat();
          T = seqs[0].length;
        }
      }
      for (let b = 0; b < B; b++) out[b].text = stop.finalText(decode(out[b].ids));
      return out;
    });
  } finally {
    release();
    cache?.dispose();
  }
}

/** Condition values per row: the hidden size, times the gate's K parts when there is one. */
function conditionWidth(model: LlamaModel, gate: HostConditionGate | null | undefined): number {
  return model.config.hiddenSize * (gate ? gate.bias.length : 1);
}

/** Row b of the result is row rowOf[b] of `rows` (width V). */
function perRow(rows: Float32Array, rowOf: readonly number[], V: number): Float32Array {
  const out = new Float32Array(rowOf.length * V);
  rowOf.forEach((r, b) => out.set(rows.subarray(r * V, (r + 1) * V), b * V));
  return out;
}

async function readAndDispose(t: Tensor): Promise<Float32Array> {
  try {
    return (await t.data()) as Float32Array;
  } finally {
    t.dispose();
  }
}
