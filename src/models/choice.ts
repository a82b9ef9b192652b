// Choice tokens: the single tokens ("A"/"B", "1"/"2") whose next-token logits after a prompt are
// read as the model's preference (roleplay and few-shot baselines, Dong et al.'s pairwise
// readout). Each label must add exactly one token after the prompt, so the readout is one logit.
import { TokenizerError } from './errors';
import type { TextTokenizer } from './tokenizer';

export class ChoiceTokenError extends TokenizerError {
  override name = 'ChoiceTokenError';
}

/**
 * The id each label becomes when it follows `promptText` (the tokenization at the boundary
 * decides, e.g. "Answer:" + " A" is one token in most BPEs, "Answer: " + "A" may not be).
 */
export function choiceTokenIds(tok: TextTokenizer, promptText: string, labels: readonly string[]): number[] {
  if (labels.length < 2) throw new ChoiceTokenError('a choice needs at least two labels');
  const base = tok.encode(promptText, { addSpecialTokens: false });
  const ids = labels.map((label) => {
    const full = tok.encode(promptText + label, { addSpecialTokens: false });
    const prefixKept = full.length === base.length + 1 && base.every((id, i) => full[i] === id);
    if (!prefixKept) {
      const added = full.slice(commonPrefix(base, full)).map((i) => JSON.stringify(tok.token(i) ?? i));
      throw new ChoiceTokenError(
        `the label ${JSON.stringify(label)} after the prompt is not one token (it becomes ${added.join(' ')}). ` +
          'Use labels that are single tokens, or end the prompt so the label starts a new token (e.g. "Answer:" then " A").',
      );
    }
    return full[full.length - 1];
  });
  if (new Set(ids).size !== ids.length) throw new ChoiceTokenError(`labels ${labels.map((l) => JSON.stringify(l)).join(', ')} map to the same token`);
  return ids;
}

/** Softmax over just the choice logits: p(label i) given the logits of the choice tokens. */
export function choiceProbs(logits: ArrayLike<number>, choiceIds: readonly number[]): number[] {
  const xs = choiceIds.map((id) => logits[id]);
  const m = Math.max(...xs);
  const e = xs.map((x) => Math.exp(x - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
