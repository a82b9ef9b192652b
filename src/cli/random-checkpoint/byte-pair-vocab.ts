// A byte-level BPE tokenizer of an exact vocabulary size with no training corpus: the 256 byte
// tokens plus merges of byte pairs, common characters first. A checkpoint with a real model's
// shape (random weights) needs a tokenizer whose ids fill its whole vocabulary, so every id the
// model samples decodes; learning 49 k merges (bpe.ts) would need a corpus and minutes for
// nothing the benchmark uses. Text encodes at up to two bytes a token (no merge makes a longer
// one): not SmolLM2's tokenizer, only one of its size. Written by bpe.ts's tokenizerJson.
import { BYTE_CHARS, type BpeModel } from '../../models/builtin/bpe';

export class ByteVocabSizeError extends RangeError {
  override name = 'ByteVocabSizeError';
}

/** Bytes in merge order: space, letters by English frequency, digits, punctuation, then the rest. */
function byteOrder(): number[] {
  const common = ' etaoinshrdlcumwfgypbvkjxqzETAOINSHRDLCUMWFGYPBVKJXQZ0123456789.,\'"-?!:;()\n';
  const first = [...new TextEncoder().encode(common)];
  const rest = Array.from({ length: 256 }, (_, b) => b).filter((b) => !first.includes(b));
  return [...first, ...rest];
}

/**
 * `vocabSize` ids: `specialTokens` at 0.. (as SmolLM2 numbers its own), the 256 bytes after them,
 * then merges (a, b) of the bytes in byteOrder() by square shells (every pair of the first k
 * bytes before any pair with byte k+1), so frequent pairs such as "Ġt" merge first.
 */
export function byteLevelBpe(vocabSize: number, specialTokens: readonly string[]): BpeModel {
  const merges = vocabSize - 256 - specialTokens.length;
  if (!Number.isInteger(vocabSize) || merges < 0 || merges > 256 * 256) {
    throw new ByteVocabSizeError(
      `a byte-pair vocabulary holds ${256 + specialTokens.length} to ${256 * 256 + 256 + specialTokens.length} tokens with ${specialTokens.length} special tokens, not ${vocabSize}`,
    );
  }
  const special = new Map(specialTokens.map((t, i) => [t, i]));
  const vocab = new Map<string, number>();
  for (let b = 0; b < 256; b++) vocab.set(BYTE_CHARS[b], specialTokens.length + b);
  const order = byteOrder().map((b) => BYTE_CHARS[b]);
  const pairs: Array<[string, string]> = [];
  for (let k = 0; pairs.length < merges; k++) {
    // Shell k: (i, k) and (k, i) for i < k, then (k, k).
    for (let i = 0; i <= k && pairs.length < merges; i++) {
      pairs.push([order[i], order[k]]);
      if (i !== k && pairs.length < merges) pairs.push([order[k], order[i]]);
    }
  }
  for (const [a, b] of pairs) vocab.set(a + b, specialTokens.length + vocab.size);
  return { vocab, merges: pairs, special };
}
