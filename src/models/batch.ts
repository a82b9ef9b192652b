// Turning token sequences into the padded [B, T] batches the model reads, with the masks scoring,
// reward heads and DPO need. Right padding: position t of every row is token t, so positions and
// causal attention need no shift, and the last real token of row b sits at lengths[b] - 1.

export class BatchError extends Error {
  override name = 'BatchError';
}

export interface TokenBatch {
  B: number;
  T: number;
  /** [B, T] token ids; padding positions hold padId. */
  ids: Int32Array;
  /** [B, T] 1 for real tokens, 0 for padding (the attention key mask). */
  mask: Float32Array;
  /** Real tokens per row. */
  lengths: number[];
}

/** Right-pads sequences to the longest (or to `length`). Empty sequences are refused. */
export function padBatch(seqs: readonly (readonly number[])[], padId: number, length?: number): TokenBatch {
  if (seqs.length === 0) throw new BatchError('empty batch');
  const T = length ?? Math.max(...seqs.map((s) => s.length));
  const B = seqs.length;
  const ids = new Int32Array(B * T).fill(padId);
  const mask = new Float32Array(B * T);
  seqs.forEach((s, b) => {
    if (s.length === 0) throw new BatchError(`sequence ${b} is empty`);
    if (s.length > T) throw new BatchError(`sequence ${b} has ${s.length} tokens, more than the batch length ${T}`);
    ids.set(s, b * T);
    mask.fill(1, b * T, b * T + s.length);
  });
  return { B, T, ids, mask, lengths: seqs.map((s) => s.length) };
}

export interface ScoringBatch extends TokenBatch {
  /**
   * [B, T] the token position t predicts (ids[t + 1]) where that token is part of the response,
   * else padId; read with `weights`.
   */
  targets: Int32Array;
  /** [B, T] 1 where position t predicts a response token, else 0. */
  weights: Float32Array;
  /** Response tokens per row (the denominator of the per-token mean). */
  responseLengths: number[];
  /** Prompt tokens kept per row (after truncation). */
  promptLengths: number[];
  /** Rows whose prompt or response was cut to fit maxLength. */
  truncated: number;
}

export interface PromptResponse {
  prompt: readonly number[];
  response: readonly number[];
}

/**
 * A batch scoring each response given its prompt: log p(response | prompt) is the sum over
 * positions with weight 1 of log p(targets). Over `maxLength`, the prompt loses tokens from its
 * start (the instruction nearest the response is kept), then the response from its end.
 */
export function scoringBatch(rows: readonly PromptResponse[], padId: number, maxLength?: number): ScoringBatch {
  let truncated = 0;
  const kept = rows.map(({ prompt, response }, b) => {
    if (prompt.length === 0) throw new BatchError(`row ${b} has an empty prompt (start it with BOS or a template)`);
    if (response.length === 0) throw new BatchError(`row ${b} has an empty response`);
    let p = prompt;
    let r = response;
    if (maxLength !== undefined && p.length + r.length > maxLength) {
      truncated++;
      const promptRoom = Math.max(1, maxLength - r.length);
      p = p.slice(p.length - Math.min(p.length, promptRoom));
      r = r.slice(0, maxLength - p.length);
      if (r.length === 0) throw new BatchError(`row ${b}: maxLength ${maxLength} leaves no room for the response`);
    }
    return { p, r };
  });
  const base = padBatch(
    kept.map(({ p, r }) => [...p, ...r]),
    padId,
  );
  const { B, T, ids } = base;
  const targets = new Int32Array(B * T).fill(padId);
  const weights = new Float32Array(B * T);
  kept.forEach(({ p, r }, b) => {
    // Position t predicts token t + 1; the response occupies [p.length, p.length + r.length).
    for (let t = p.length - 1; t < p.length + r.length - 1; t++) {
      targets[b * T + t] = ids[b * T + t + 1];
      weights[b * T + t] = 1;
    }
  });
  return {
    ...base,
    targets,
    weights,
    responseLengths: kept.map(({ r }) => r.length),
    promptLengths: kept.map(({ p }) => p.length),
    truncated,
  };
}

/**
 * Sequence log-probs from per-position log p(target) [B, T] (what the model's gather gives):
 * the weighted sum per row and the per-token mean.
 */
export function sequenceLogProbs(tokenLogps: ArrayLike<number>, batch: ScoringBatch): { sum: number[]; mean: number[] } {
  const sum: number[] = [];
  for (let b = 0; b < batch.B; b++) {
    let s = 0;
    for (let t = 0; t < batch.T; t++) if (batch.weights[b * batch.T + t] !== 0) s += tokenLogps[b * batch.T + t];
    sum.push(s);
  }
  return { sum, mean: sum.map((s, b) => s / batch.responseLengths[b]) };
}
