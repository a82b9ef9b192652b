// Decision points of built-in answers (src/train/builtin/branches.ts), checked by brute force:
// an offset is a decision exactly when candidates that share the answer's tokens so far continue
// with different tokens there.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, candidatePoles, generateBuiltin, neutralPoles } from '../../src/data';
import { tokenizerJson, trainBpe } from '../../src/models/builtin/bpe';
import { BUILTIN_SPECIAL_TOKENS, builtinTokenizerConfig } from '../../src/models/builtin/spec';
import { TextTokenizer } from '../../src/models/tokenizer';
import { AnswerBranches } from '../../src/train/builtin/branches';

describe('AnswerBranches', () => {
  const ds = generateBuiltin({ ...DEFAULT_BUILTIN, personas: 4, questionsPerPersona: 2 });
  const texts = ds.questions.flatMap((q) => [neutralPoles(q), ...candidatePoles(q)].map((p) => ds.response(q.id, p).text));
  const bpe = trainBpe(texts, { vocabSize: 700, specialTokens: BUILTIN_SPECIAL_TOKENS });
  const tok = TextTokenizer.fromJson(tokenizerJson(bpe), builtinTokenizerConfig(bpe, 512));
  const branches = new AnswerBranches(ds, tok);
  const eos = tok.eosIds[0];

  it('marks exactly the offsets where candidates sharing the prefix part ways', () => {
    for (const q of ds.questions.slice(0, 12)) {
      const candidates = [neutralPoles(q), ...candidatePoles(q)].map((p) => [...tok.encode(' ' + ds.response(q.id, p).text), eos]);
      for (const answer of candidates.slice(0, 5)) {
        const marked = new Set(branches.decisions(q.id, answer));
        for (let j = 0; j < answer.length; j++) {
          const next = new Set(candidates.filter((c) => c.length > j && c.slice(0, j).every((id, i) => id === answer[i])).map((c) => c[j]));
          expect(marked.has(j), `${q.id} offset ${j}`).toBe(next.size > 1);
        }
        // Every answer has a decision (16 candidates differ), and few of its tokens are decisions.
        expect(marked.size).toBeGreaterThan(0);
        expect(marked.size).toBeLessThan(answer.length / 3);
      }
    }
  });

  it('has no decisions for an unknown question', () => {
    expect(branches.decisions('nope', [1, 2, 3])).toEqual([]);
  });
});
