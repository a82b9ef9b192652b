// Compare columns to external-judge pairs: every persona shown judged between every two columns,
// empty answers skipped, ids stable for the same answers and different for new ones.
import { describe, expect, it } from 'vitest';
import { comparePairs } from '../../../src/ui/judge/compare-pairs';

const col = (personaId: string, answer: string, label: string) => ({ personaId, personaText: `id: ${personaId}`, answer, label });

describe('comparePairs', () => {
  it('two personas in two columns: one pair per persona, answers in column order', () => {
    const pairs = comparePairs('Q?', [col('p1', 'first', 'Column 1'), col('p2', 'second', 'Column 2')], 3);
    expect(pairs.map((p) => [p.personaLabel, p.persona, p.answers, p.answerLabels])).toEqual([
      ['persona p1', 'id: p1', ['first', 'second'], ['Column 1', 'Column 2']],
      ['persona p2', 'id: p2', ['first', 'second'], ['Column 1', 'Column 2']],
    ]);
    expect(new Set(pairs.map((p) => p.id)).size).toBe(2);
  });

  it('same persona, base against trained: one pair; three columns: every two of them', () => {
    expect(comparePairs('Q?', [col('p1', 'a', 'base'), col('p1', 'b', 'trained')], 1)).toHaveLength(1);
    const three = comparePairs('Q?', [col('p1', 'a', 'c1'), col('p1', 'b', 'c2'), col('p1', 'c', 'c3')], 1);
    expect(three.map((p) => p.answerLabels.join('-'))).toEqual(['c1-c2', 'c1-c3', 'c2-c3']);
  });

  it('skips empty answers; the same answers give the same ids, new ones new ids', () => {
    expect(comparePairs('Q?', [col('p1', ' ', 'c1'), col('p2', 'b', 'c2')], 1)).toEqual([]);
    const a = comparePairs('Q?', [col('p1', 'a', 'c1'), col('p2', 'b', 'c2')], 1);
    expect(comparePairs('Q?', [col('p1', 'a', 'c1'), col('p2', 'b', 'c2')], 1).map((p) => p.id)).toEqual(a.map((p) => p.id));
    expect(comparePairs('Q?', [col('p1', 'a2', 'c1'), col('p2', 'b', 'c2')], 1)[0].id).not.toBe(a[0].id);
  });
});
