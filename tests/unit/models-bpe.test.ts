// The byte-level BPE trainer (src/models/builtin/bpe.ts): what it learns loads in
// @huggingface/tokenizers, round-trips any text (bytes it never saw included), reproduces itself
// from the same corpus, and refuses impossible settings.
import { describe, expect, it } from 'vitest';
import { BYTE_CHARS, BpeTrainingError, bpeSize, pretokenize, tokenizerJson, trainBpe } from '../../src/models/builtin/bpe';
import { TextTokenizer } from '../../src/models/tokenizer';

const CORPUS = [
  'Persona:\nage: 58\nreligion: Agnostic\nQuestion: Should my child take a gap year?\nAnswer: A gap year can help if it has a clear plan.',
  'Question: How do I start saving?\nAnswer: Start small, automate it, and review the plan every month.',
  "Answer: That's a fair question. Keep it simple: regular practice beats any clever method.",
];
const SPECIAL = ['<|bos|>', '<|eos|>', '<|pad|>'];

describe('byte-level BPE training', () => {
  const bpe = trainBpe(CORPUS, { vocabSize: 400, specialTokens: SPECIAL });

  it('maps all 256 bytes to distinct printable characters (GPT-2 layout)', () => {
    expect(new Set(BYTE_CHARS).size).toBe(256);
    expect(BYTE_CHARS['A'.charCodeAt(0)]).toBe('A');
    expect(BYTE_CHARS[0x20]).toBe('Ġ');
    expect(BYTE_CHARS[0x0a]).toBe('Ċ');
  });

  it('learns merges of frequent pairs, first the most frequent', () => {
    expect(bpe.merges.length).toBeGreaterThan(20);
    expect(bpe.merges.length).toBeLessThanOrEqual(400 - 256 - SPECIAL.length);
    // " a" and "Answer" pieces are everywhere in this corpus; whole frequent words become tokens.
    expect(bpe.vocab.has('ĠAnswer') || bpe.vocab.has('Answer')).toBe(true);
    expect(bpeSize(bpe)).toBe(256 + bpe.merges.length + SPECIAL.length);
    expect([...bpe.special.values()]).toEqual([256 + bpe.merges.length, 257 + bpe.merges.length, 258 + bpe.merges.length]);
  });

  it('is deterministic', () => {
    const again = trainBpe(CORPUS, { vocabSize: 400, specialTokens: SPECIAL });
    expect(again.merges).toEqual(bpe.merges);
    expect(JSON.stringify(tokenizerJson(again))).toBe(JSON.stringify(tokenizerJson(bpe)));
  });

  it('loads in @huggingface/tokenizers and round-trips seen and unseen text', () => {
    const tok = TextTokenizer.fromJson(tokenizerJson(bpe), { bos_token: '<|bos|>', eos_token: '<|eos|>', pad_token: '<|pad|>' });
    for (const text of [...CORPUS, 'Café — naïve résumé 😀, tabs\tand  double  spaces\n\n', '']) {
      const ids = tok.encode(text);
      expect(tok.decode(ids)).toBe(text);
    }
    // Learned merges shorten the corpus compared with one token per byte.
    const ids = tok.encode(CORPUS[1]);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(CORPUS[1]).length * 0.7);
    // Special tokens are single ids, never split.
    expect(tok.encode('<|eos|>')).toEqual([bpe.special.get('<|eos|>')]);
    expect(tok.eosIds).toEqual([bpe.special.get('<|eos|>')]);
  });

  it('pre-tokenizes as GPT-2 does (leading spaces kept with words, newlines apart)', () => {
    expect(pretokenize("Answer: it's 42\nok")).toEqual(['Answer', ':', 'Ġit', "'s", 'Ġ42', 'Ċ', 'ok']);
  });

  it('refuses a vocabulary too small for the bytes and special tokens, and an empty corpus', () => {
    expect(() => trainBpe(CORPUS, { vocabSize: 258, specialTokens: SPECIAL })).toThrow(BpeTrainingError);
    expect(() => trainBpe([], { vocabSize: 300, specialTokens: [] })).toThrow(/empty/);
    expect(() => trainBpe(CORPUS, { vocabSize: 300, specialTokens: ['<a>', '<a>'] })).toThrow(/distinct/);
  });

  it('stops when no pair is frequent enough', () => {
    const small = trainBpe(['abc'], { vocabSize: 1000, specialTokens: [] });
    expect(small.merges).toEqual([]);
  });
});
