// Skewed built-in worlds: the default world is byte-for-byte what it was, a skewed axis puts the
// share asked for on its + pole, only that axis's tastes move, the Bayes ceilings follow the
// skewed truth, and the minority of each skewed axis is the personas on its rarer pole.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AXIS_IDS, tastes } from '../../../src/data/builtin/axes';
import { ceilings, marginalBest } from '../../../src/data/builtin/bayes';
import { BuiltinOptionsError, DEFAULT_BUILTIN, generateBuiltin, type BuiltinDataset } from '../../../src/data/builtin/generator';
import { formatSkew, minorityOf, parseSkewText, skewReport, skewStatsLines, SkewTextError, SKEW_TIE_BREAK } from '../../../src/data/builtin/skew';
import { buildPairSets } from '../../../src/data/pairs';
import { splitDataset } from '../../../src/data/splits';

function worldHash(ds: BuiltinDataset): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(ds.personas));
  h.update(JSON.stringify(ds.rows));
  h.update(new Uint8Array(ds.truth.taste.buffer));
  return h.digest('hex');
}

describe('the default world is unchanged', () => {
  it('has the same personas, rows and tastes as before skews existed (sha256 taken at commit b7048fd)', () => {
    const ds = generateBuiltin();
    expect(ds.id).toBe('builtin-s1-p1000-q24-n0.8');
    expect(ds.options).toEqual(DEFAULT_BUILTIN);
    expect('skew' in ds.options).toBe(false);
    expect(worldHash(ds)).toBe('bb0b18381c35b3d002f97e1a6a7af178ea1b0b10236c848a3429373368b3a319');
  });

  it('an empty or absent skew is the default world', () => {
    const a = generateBuiltin({ seed: 4, personas: 80 });
    for (const skew of [{}, undefined]) {
      const b = generateBuiltin({ seed: 4, personas: 80, skew });
      expect(b.id).toBe(a.id);
      expect(b.name).toBe(a.name);
      expect(worldHash(b)).toBe(worldHash(a));
    }
  });
});

describe('skewed worlds', () => {
  it('put exactly the share asked for on the + pole of every skewed axis, at any size', () => {
    for (const personas of [120, 1000])
      for (const share of [0.7, 0.3, 0.9]) {
        const ds = generateBuiltin({ personas, skew: Object.fromEntries(AXIS_IDS.map((a) => [a, share])) });
        for (const axis of AXIS_IDS) {
          const plus = ds.personas.filter((_, p) => ds.truth.tasteOf(p, axis) >= 0).length;
          expect(plus, `${axis} ${share} ${personas}`).toBe(Math.round(share * personas));
        }
      }
  });

  it('move only the skewed axes, each by one constant shift (up to the tie-break); personas and questions stay', () => {
    const base = generateBuiltin({ seed: 2, personas: 400 });
    const ds = generateBuiltin({ seed: 2, personas: 400, skew: { religious: 0.75, frugality: 0.2 } });
    expect(ds.personas).toEqual(base.personas);
    expect(ds.rows.map((r) => r.questionId)).toEqual(base.rows.map((r) => r.questionId));
    const shifts = { religious: [] as number[], frugality: [] as number[] };
    ds.personas.forEach((persona, p) => {
      const t = tastes(persona.attributes);
      AXIS_IDS.forEach((axis, k) => {
        if (axis === 'religious' || axis === 'frugality') shifts[axis].push(ds.truth.tasteOf(p, axis) - t[k]);
        else expect(ds.truth.tasteOf(p, axis)).toBe(t[k]);
      });
    });
    for (const xs of Object.values(shifts)) expect(Math.max(...xs) - Math.min(...xs)).toBeLessThan((2 * SKEW_TIE_BREAK) / 0.5);
    expect(shifts.religious[0]).toBeGreaterThan(0.1); // 75% on faith-based: the threshold moves down
    expect(shifts.frugality[0]).toBeLessThan(-0.1); // 20% on budget options: the threshold moves up
    expect(ds.id).toBe('builtin-s2-p400-q24-n0.8-skew-religious0.75-frugality0.2');
    expect(ds.name).toContain('skewed religious=0.75,frugality=0.2');
  });

  it('are deterministic', () => {
    const a = generateBuiltin({ seed: 5, personas: 150, skew: { detail: 0.7 } });
    const b = generateBuiltin({ seed: 5, personas: 150, skew: { detail: 0.7 } });
    expect(worldHash(a)).toBe(worldHash(b));
  });

  it('recompute the Bayes ceilings from the skewed truth: expected and realized agree, persona-blind stays at 50% on cross pairs', () => {
    const plain = generateBuiltin({ seed: 1, personas: 600 });
    const ds = generateBuiltin({ seed: 1, personas: 600, skew: { formality: 0.7, religious: 0.7 } });
    const ceil = (d: BuiltinDataset) => {
      const sets = buildPairSets(d, splitDataset(d));
      return ceilings(d, sets.test.cross, marginalBest(d));
    };
    const c = ceil(ds);
    expect(c.blind).toBe(0.5);
    expect(Math.abs(c.bayesExpected - c.bayesRealized)).toBeLessThan(0.03);
    expect(c.bayesExpected).not.toBe(ceil(plain).bayesExpected);
  });
});

describe('minorities', () => {
  it('are the personas on the rarer pole of the axis', () => {
    const ds = generateBuiltin({ seed: 3, personas: 500, skew: { formality: 0.7, warmth: 0.25 } });
    const f = minorityOf(ds, 'formality');
    expect(f.pole).toBe(-1);
    expect(f.share).toBe(0.3);
    const w = minorityOf(ds, 'warmth');
    expect(w.pole).toBe(1);
    expect(w.share).toBe(0.25);
    ds.personas.forEach((persona, p) => {
      expect(f.isMinority(persona.id)).toBe(ds.truth.tasteOf(p, 'formality') < 0);
      expect(w.isMinority(persona.id)).toBe(ds.truth.tasteOf(p, 'warmth') >= 0);
    });
  });

  it('skewReport: the minority is less often the best answer, and the Bayes-best answer beats the blind one more often there', () => {
    const ds = generateBuiltin({ seed: 1, personas: 600, skew: { formality: 0.7, religious: 0.3 } });
    const report = skewReport(ds);
    expect(report.map((r) => r.axis)).toEqual(['formality', 'religious']);
    for (const r of report) {
      expect(r.minorityShare).toBeCloseTo(0.3, 10);
      expect(r.rowsMinorityBest).toBeLessThan(0.45);
      expect(r.minority.bayesVsBlind).toBeGreaterThan(r.majority.bayesVsBlind);
      expect(r.minority.personas + r.majority.personas).toBeLessThanOrEqual(600);
    }
    expect(report[1].minorityPoleName).toBe('faith-based framing');
    expect(skewReport(generateBuiltin({ seed: 1, personas: 50 }))).toEqual([]);
  });

  it('data stats prints one line per skewed axis (minority pole and share, the ceilings), nothing for the default world', () => {
    const lines = skewStatsLines(generateBuiltin({ seed: 1, personas: 200, skew: { religious: 0.3, formality: 0.7 } }));
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/formality\s+70\.0% \(70\.0%\)\s+a casual tone \(30\.0%; /);
    expect(lines[2]).toMatch(/religious\s+30\.0% \(30\.0%\)\s+faith-based framing \(30\.0%; /);
    expect(skewStatsLines(generateBuiltin({ seed: 1, personas: 50 }))).toEqual([]);
  });
});

describe('skew settings', () => {
  it('refuse unknown axes and shares outside [0.01, 0.99], naming the axis', () => {
    expect(() => generateBuiltin({ personas: 20, skew: { formal: 0.7 } as never })).toThrow(/skew\.formal is not a built-in axis/);
    expect(() => generateBuiltin({ personas: 20, skew: { formality: 1.2 } })).toThrow(BuiltinOptionsError);
    expect(() => generateBuiltin({ personas: 20, skew: { formality: 0 } })).toThrow(/skew\.formality must be a number in \[0\.01, 0\.99\]/);
    expect(() => generateBuiltin({ personas: 20, skew: { formality: Number.NaN } })).toThrow(BuiltinOptionsError);
  });

  it('read and write as "axis=share,..." text', () => {
    expect(parseSkewText('religious=0.7, formality=0.3')).toEqual({ formality: 0.3, religious: 0.7 });
    expect(formatSkew(parseSkewText('religious=0.7,formality=0.3'))).toBe('formality=0.3,religious=0.7');
    expect(parseSkewText('')).toEqual({});
    expect(() => parseSkewText('formality')).toThrow(SkewTextError);
    expect(() => parseSkewText('formality=0.7,formality=0.6')).toThrow(/twice/);
    expect(() => parseSkewText('formalty=0.7')).toThrow(/formalty is not a built-in axis/);
    expect(() => parseSkewText('formality=high')).toThrow(/must be a number/);
  });
});
