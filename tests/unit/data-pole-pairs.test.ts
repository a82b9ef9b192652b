// Pole pairs (data/builtin/pole-pairs.ts): one axis flipped from the persona's preferred answer,
// labelled by the world's labeler, seeded.
import { describe, expect, it } from 'vitest';
import { generateBuiltin, polePairs, splitDataset, trueUtility } from '../../src/data';

describe('pole pairs', () => {
  const ds = generateBuiltin({ seed: 3, personas: 40 });
  const rows = splitDataset(ds, { seed: 3, unseenFraction: 0.2, testFraction: 0.25 }).train;

  it('pits the preferred answer against it with exactly one axis flipped, and the labeler agrees', () => {
    const pairs = polePairs(ds, rows, 7);
    expect(pairs.length).toBeGreaterThan(rows.length * 0.9);
    for (const p of pairs) {
      const c = ds.responseById(p.chosenId!)!;
      const r = ds.responseById(p.rejectedId!)!;
      expect(c.questionId).toBe(p.questionId);
      expect(r.questionId).toBe(p.questionId);
      const differ = c.poles.filter((x, k) => x !== r.poles[k]).length;
      expect(differ).toBe(1);
      expect(p.set).toBe('pole');
      const pi = ds.truth.personaIndex(p.personaId);
      const q = ds.question(p.questionId);
      expect(trueUtility(ds, pi, q, c.poles)).toBeGreaterThan(trueUtility(ds, pi, q, r.poles));
      // The row's own preferred answer is the one kept (it maximises the realised utility).
      const row = rows.find((x) => x.personaId === p.personaId && x.questionId === p.questionId)!;
      expect(p.chosen).toBe(row.data);
    }
  });

  it('is a function of the seed: same seed same pairs, another seed other axes', () => {
    const a = polePairs(ds, rows, 7).map((p) => p.id);
    expect(polePairs(ds, rows, 7).map((p) => p.id)).toEqual(a);
    const b = polePairs(ds, rows, 8).map((p) => p.id);
    expect(b).not.toEqual(a);
  });
});
