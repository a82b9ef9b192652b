// Training a byte-level BPE tokenizer (GPT-2's scheme) on a corpus, and writing it as a Hugging
// Face tokenizer.json that @huggingface/tokenizers loads: the ByteLevel pre-tokenizer's regex,
// GPT-2's byte-to-character map, merges in the order learned, special tokens as added tokens.
// The built-in model's tokenizer is made here, so the lab ships no tokenizer it did not train.
// Byte-level means every string encodes (no unknown token) and decode(encode(s)) === s.

/** The ByteLevel pre-tokenizer's pattern (GPT-2's), exactly as @huggingface/tokenizers uses it. */
const PRETOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** GPT-2's reversible map from bytes to printable characters (index = byte). */
export const BYTE_CHARS: readonly string[] = (() => {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const out = new Array<string>(256);
  bs.forEach((b, i) => (out[b] = String.fromCodePoint(cs[i])));
  return out;
})();

export class BpeTrainingError extends Error {
  override name = 'BpeTrainingError';
}

export interface BpeOptions {
  /** Total tokens: 256 bytes + merges + special tokens. */
  vocabSize: number;
  /** Added as special tokens after the learned vocabulary, in this order. */
  specialTokens: readonly string[];
  /** Stop merging when the most frequent pair occurs fewer times (default 2). */
  minFrequency?: number;
}

export interface BpeModel {
  /** Token string (byte characters) -> id, learned tokens only. */
  vocab: Map<string, number>;
  merges: Array<[string, string]>;
  /** Special token -> id (after the vocabulary). */
  special: Map<string, number>;
}

const encoder = new TextEncoder();

/** The pre-tokenized pieces of `text` as byte-character strings. */
export function pretokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PRETOKENIZE)) {
    let s = '';
    for (const b of encoder.encode(m[0])) s += BYTE_CHARS[b];
    out.push(s);
  }
  return out;
}

/**
 * Learns merges greedily: each round merges the most frequent adjacent pair over the corpus's
 * pieces (ties: the pair of lower symbol ids, i.e. learned earlier), until the vocabulary is full
 * or no pair reaches minFrequency. Deterministic: a function of the texts' contents and order.
 */
export function trainBpe(texts: Iterable<string>, o: BpeOptions): BpeModel {
  const minFrequency = o.minFrequency ?? 2;
  const budget = o.vocabSize - 256 - o.specialTokens.length;
  if (!Number.isInteger(o.vocabSize) || budget < 0) throw new BpeTrainingError(`vocabSize ${o.vocabSize} leaves no room for the 256 bytes and ${o.specialTokens.length} special tokens`);
  if (new Set(o.specialTokens).size !== o.specialTokens.length) throw new BpeTrainingError('special tokens must be distinct');

  const counts = new Map<string, number>();
  for (const text of texts) for (const p of pretokenize(text)) counts.set(p, (counts.get(p) ?? 0) + 1);
  if (counts.size === 0) throw new BpeTrainingError('the corpus is empty');

  // Symbols are ids: 0..255 the bytes, then one per merge.
  const symbols: string[] = [...BYTE_CHARS];
  const byteId = new Map(BYTE_CHARS.map((c, i) => [c, i]));
  const words = [...counts.keys()].sort();
  const freq = words.map((w) => counts.get(w) as number);
  const parts: number[][] = words.map((w) => [...w].map((c) => byteId.get(c) as number));
  const merges: Array<[string, string]> = [];
  const key = (a: number, b: number) => a * 65536 + b;

  while (merges.length < budget) {
    const pairs = new Map<number, number>();
    for (let w = 0; w < parts.length; w++) {
      const p = parts[w];
      for (let i = 0; i + 1 < p.length; i++) {
        const k = key(p[i], p[i + 1]);
        pairs.set(k, (pairs.get(k) ?? 0) + freq[w]);
      }
    }
    let best = -1;
    let bestCount = 0;
    for (const [k, c] of pairs) if (c > bestCount || (c === bestCount && k < best)) [best, bestCount] = [k, c];
    if (best < 0 || bestCount < minFrequency) break;
    const a = Math.floor(best / 65536);
    const b = best % 65536;
    const merged = symbols.length;
    symbols.push(symbols[a] + symbols[b]);
    merges.push([symbols[a], symbols[b]]);
    for (let w = 0; w < parts.length; w++) {
      const p = parts[w];
      if (p.length < 2) continue;
      const next: number[] = [];
      for (let i = 0; i < p.length; i++) {
        if (i + 1 < p.length && p[i] === a && p[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(p[i]);
      }
      parts[w] = next;
    }
  }
  const vocab = new Map<string, number>();
  symbols.forEach((s, i) => {
    // Two merges can spell the same string in different ways; the first id wins, as in HF.
    if (!vocab.has(s)) vocab.set(s, i);
  });
  const base = symbols.length;
  const special = new Map(o.specialTokens.map((t, i) => [t, base + i]));
  return { vocab, merges, special };
}

/** The model's tokenizer.json (Hugging Face tokenizers format, version 1.0). */
export function tokenizerJson(m: BpeModel): Record<string, unknown> {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [...m.special].map(([content, id]) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(m.vocab),
      merges: m.merges.map(([a, b]) => [a, b]),
    },
  };
}

/** Number of ids the tokenizer uses (learned tokens + special tokens). */
export function bpeSize(m: BpeModel): number {
  return Math.max(...m.vocab.values(), ...m.special.values()) + 1;
}
