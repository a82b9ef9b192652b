// How roleplay and few-shot score an answer with the built-in model (src/experiments/lm/builtin-turns.ts):
// the whole turn the model was trained to write for it (style line with the persona's evidence,
// then the answer), the same text the trainer writes; a bare answer where the poles are unknown.
import { describe, expect, it } from 'vitest';
import { DEFAULT_BUILTIN, generateBuiltin, polesFromId, type Dataset } from '../../src/data';
import { builtinAnswerTurns } from '../../src/experiments/lm/builtin-turns';
import { assistantText, styleText } from '../../src/models/builtin/format';

describe('builtinAnswerTurns', () => {
  const ds = generateBuiltin({ ...DEFAULT_BUILTIN, personas: 6, questionsPerPersona: 3 });
  const turns = builtinAnswerTurns(ds);
  const row = ds.rows[0];
  const q = ds.question(row.questionId);
  const persona = ds.personas.find((p) => p.id === row.personaId)!.attributes;

  it('writes the style line the trainer writes, with evidence only when a persona is read', () => {
    const poles = polesFromId(q, row.dataId)!;
    expect(turns(row.data, row.questionId, row.dataId, persona)).toBe(` ${assistantText(styleText(q, poles, persona), row.data)}`);
    const blind = turns(row.data, row.questionId, row.dataId, null);
    expect(blind).toBe(` ${assistantText(styleText(q, poles), row.data)}`);
    expect(blind).not.toContain('->');
    // The generic answer (neutral poles) says so.
    expect(turns(row.original, row.questionId, row.originalId, persona)).toBe(` nothing in particular\nAnswer: ${row.original}`);
  });

  it('falls back to the bare answer for an unknown response id or another dataset', () => {
    expect(turns('text', row.questionId, undefined, persona)).toBe(' text');
    expect(turns('text', row.questionId, 'nope/++', persona)).toBe(' text');
    const other: Dataset = { ...ds, source: 'persona-file' } as Dataset;
    expect(builtinAnswerTurns(other)(row.data, row.questionId, row.dataId, persona)).toBe(` ${row.data}`);
  });
});
