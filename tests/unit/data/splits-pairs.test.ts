// Splits (persona-level, within-persona) and the three pair sets, on built-in and file data.
import { describe, expect, it } from 'vitest';
import { personaJsonlText, syntheticPersonaRows } from '../../../src/cli/commands/data-fixtures';
import { buildPairSets, bytesSource, crossPairs, datasetStats, formatStats, generateBuiltin, ownChoiceLabeler, readPersonaDataset, splitDataset, splitPersonas } from '../../../src/data';

const ds = generateBuiltin({ seed: 9, personas: 300 });

describe('splits', () => {
  it('unseen personas are held out entirely, deterministically, independent of input order', () => {
    const s = splitDataset(ds, { seed: 4, unseenFraction: 0.2, testFraction: 0.25 });
    expect(s.unseenPersonas.length).toBe(60);
    const unseen = new Set(s.unseenPersonas);
    expect(s.train.some((r) => unseen.has(r.personaId))).toBe(false);
    expect(s.test.some((r) => unseen.has(r.personaId))).toBe(false);
    expect(s.unseen.every((r) => unseen.has(r.personaId))).toBe(true);
    expect(s.train.length + s.test.length + s.unseen.length).toBe(ds.rows.length);
    const ids = ds.personas.map((p) => p.id);
    const reversed = splitPersonas([...ids].reverse(), 4, 0.2);
    expect(new Set(reversed.unseen)).toEqual(unseen);
    expect(splitDataset(ds, { seed: 5 }).unseenPersonas).not.toEqual(s.unseenPersonas);
  });

  it('each seen persona has train and test questions, never the same question in both', () => {
    const s = splitDataset(ds, { seed: 4, testFraction: 0.25 });
    const train = new Set(s.train.map((r) => `${r.personaId}|${r.questionId}`));
    for (const r of s.test) expect(train.has(`${r.personaId}|${r.questionId}`)).toBe(false);
    const perPersona = new Map<string, number>();
    for (const r of s.test) perPersona.set(r.personaId, (perPersona.get(r.personaId) ?? 0) + 1);
    expect(perPersona.size).toBe(s.seenPersonas.length);
    for (const n of perPersona.values()) expect(n).toBe(6); // 24 questions x 0.25
  });

  it('rejects impossible fractions', () => {
    expect(() => splitDataset(ds, { unseenFraction: 1 })).toThrow(/unseenFraction/);
    expect(() => splitDataset(ds, { testFraction: -0.1 })).toThrow(/testFraction/);
  });
});

describe('pair sets', () => {
  const split = splitDataset(ds, { seed: 2 });
  const sets = buildPairSets(ds, split);

  it('generic pairs: tailored beats generic, one per row', () => {
    expect(sets.test.generic.length).toBe(split.test.length);
    for (const p of sets.test.generic) {
      expect(p.rejectedId).toMatch(/\/0000$/);
      expect(p.chosen).not.toBe(p.rejected);
    }
  });

  it('cross pairs are symmetric: (p: A vs B) comes with (p2: B vs A), same question', () => {
    const byKey = new Map(sets.test.cross.map((p) => [`${p.personaId}|${p.otherPersonaId}|${p.questionId}`, p]));
    for (const p of sets.test.cross) {
      const mirror = byKey.get(`${p.otherPersonaId}|${p.personaId}|${p.questionId}`);
      expect(mirror, p.id).toBeDefined();
      expect(mirror!.chosen).toBe(p.rejected);
      expect(mirror!.rejected).toBe(p.chosen);
    }
    // Every cross pair's partner is in the same part of the split.
    const unseen = new Set(split.unseenPersonas);
    for (const p of sets.test.cross) expect(unseen.has(p.otherPersonaId!)).toBe(false);
    for (const p of sets.test.unseen) {
      expect(unseen.has(p.personaId)).toBe(true);
      expect(unseen.has(p.otherPersonaId!)).toBe(true);
    }
  });

  it('more partners per row give more distinct pairs', () => {
    const one = crossPairs(split.train, ownChoiceLabeler(), { seed: 1, crossPartners: 1 });
    const three = crossPairs(split.train, ownChoiceLabeler(), { seed: 1, crossPartners: 3 });
    expect(three.length).toBeGreaterThan(2 * one.length);
    expect(new Set(three.map((p) => p.id)).size).toBe(three.length);
  });

  it('imported PERSONA rows: cross pairs labelled by each row\'s own chosen response', async () => {
    const rows = [...syntheticPersonaRows(960, 6)];
    const { dataset } = await readPersonaDataset(bytesSource(new TextEncoder().encode(personaJsonlText(rows)), 'p.jsonl'));
    const s = splitDataset(dataset);
    const p = buildPairSets(dataset, s);
    expect(p.test.cross.length).toBeGreaterThan(0);
    const own = new Map(dataset.rows.map((r) => [`${r.personaId}|${r.questionId}`, r.data]));
    for (const pair of [...p.test.cross, ...p.test.unseen]) expect(pair.chosen).toBe(own.get(`${pair.personaId}|${pair.questionId}`));
    const st = datasetStats(dataset);
    expect(st.conflict.rate).toBeGreaterThan(0);
    expect(st.builtin).toBeUndefined();
    expect(formatStats(st).join('\n')).toMatch(/conflict rate/);
  });
});
