// Decision points of built-in assistant turns (src/train/builtin/branches.ts), checked by brute
// force: an offset is a decision exactly when candidates that share the turn's tokens so far
// continue with different tokens there; all of them fall in the style line.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, candidatePoles, generateBuiltin, neutralPoles } from '../../src/data';
import { tokenizerJson, trainBpe } from '../../src/models/builtin/bpe';
import { BUILTIN_SPECIAL_TOKENS, builtinTokenizerConfig } from '../../src/models/builtin/spec';
import { TextTokenizer } from '../../src/models/tokenizer';
import { AnswerBranches } from '../../src/train/builtin/branches';
import { assistantText, styleText } from '../../src/models/builtin/format';

describe('AnswerBranches', () => {
  const ds = generateBuiltin({ ...DEFAULT_BUILTIN, personas: 4, questionsPerPersona: 2 });
  const texts = ds.questions.flatMap((q) => [neutralPoles(q), ...candidatePoles(q)].map((p) => assistantText(styleText(q, p, ds.personas[0].attributes), ds.response(q.id, p).text)));
  const bpe = trainBpe(texts, { vocabSize: 700, specialTokens: BUILTIN_SPECIAL_TOKENS });
  const tok = TextTokenizer.fromJson(tokenizerJson(bpe), builtinTokenizerConfig(bpe, 512));
  const branches = new AnswerBranches(ds, tok);
  const eos = tok.eosIds[0];
  const attrs = ds.personas[0].attributes;

  it('marks exactly the offsets where candidates sharing the prefix part ways', () => {
    for (const q of ds.questions.slice(0, 12)) {
      const candidates = [neutralPoles(q), ...candidatePoles(q)].map((p) => [...tok.encode(' ' + assistantText(styleText(q, p, attrs), ds.response(q.id, p).text)), eos]);
      for (const answer of candidates.slice(0, 5)) {
        const marked = new Set(branches.decisions(q.id, attrs, answer));
        for (let j = 0; j < answer.length; j++) {
          const next = new Set(candidates.filter((c) => c.length > j && c.slice(0, j).every((id, i) => id === answer[i])).map((c) => c[j]));
          expect(marked.has(j), `${q.id} offset ${j}`).toBe(next.size > 1);
        }
        // Every turn has decisions (16 candidates differ), all in its style line and none in the
        // copied evidence: once the style words are written, the answer follows.
        expect(marked.size).toBeGreaterThan(0);
        const answerStart = answer.findIndex((_, i) => tok.decode(answer.slice(0, i + 1)).includes('\nAnswer:'));
        expect(Math.max(...marked)).toBeLessThan(answerStart);
        for (const j of marked) expect(tok.decode(answer.slice(0, j)).endsWith('->') || tok.decode(answer.slice(0, j)).trim().endsWith('->') || /-> (a|an)$/.test(tok.decode(answer.slice(0, j))) || j === 0, tok.decode(answer.slice(0, j + 1))).toBe(true);
      }
    }
  });

  it('has no decisions for an unknown question', () => {
    expect(branches.decisions('nope', null, [1, 2, 3])).toEqual([]);
  });
});
