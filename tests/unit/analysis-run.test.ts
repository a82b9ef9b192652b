// `analysis run` end to end on small data: every part of the record is there and consistent on a
// tiny built-in world, the CSV carries its numbers, and an OpinionQA release gets the
// representativeness of the marginal and the conditional model for each group.
import { describe, expect, it } from 'vitest';
import { analysisCsv } from '../../src/experiments/analysis/export';
import { runAnalysis } from '../../src/experiments/analysis/run';
import { analysisPreset, mergeSpec } from '../../src/experiments/analysis/spec';
import { loadDataNode } from '../../src/experiments/node/load-data';

describe('runAnalysis', () => {
  it('fills every part on a tiny built-in world', async () => {
    const spec = mergeSpec(analysisPreset('builtin-quick'), {
      data: { source: 'builtin', seed: 1, personas: 40, questionsPerPersona: 8, noise: 0.8 },
      bootstrap: { resamples: 50, confidence: 0.95 },
      conditional: { dims: 4, l2: [3e-3], perAttribute: false, bins: 10, maxIterations: 40 },
      mixture: { ks: [1, 2], l2: 1e-3, maxIterations: 3, restarts: 1 },
      multiObjective: { dims: [2, 4], l2: 1e-3, shots: [0, 2, 8], maxIterations: 30 },
    });
    const r = await runAnalysis(spec, loadDataNode);
    const c = r.conditional!;
    expect(c.fits.map((f) => f.label)).toEqual(['marginal', 'all']);
    const all = c.fits[1].sets.find((s) => s.set === 'cross')!;
    expect(all.bins.reduce((n, b) => n + b.n, 0)).toBe(all.pairs);
    expect(c.allVsMarginal.logLik.lo).toBeLessThanOrEqual(c.allVsMarginal.logLik.value);
    expect(r.multiObjective!.grid.map((g) => g.dims)).toEqual([2, 4]);
    expect(r.multiObjective!.fewShot.map((f) => f.k)).toEqual([0, 2, 8]);
    expect(r.multiObjective!.axes).toHaveLength(10);
    expect(r.mixture!.grid.map((g) => g.k)).toEqual([1, 2]);
    expect(r.mixture!.types.reduce((s, t) => s + t.share, 0)).toBeCloseTo(1, 9);
    expect(r.checks.map((k) => k.name).length).toBe(5);
    const csv = analysisCsv(r);
    expect(csv.split('\n')[0]).toBe('part,item,metric,value,lo,hi');
    expect(csv).toContain(`mixture,chosen,K,${r.mixture!.chosenK}`);
    expect(JSON.parse(JSON.stringify(r)).spec.seed).toBe(1);
  });

  it('scores representativeness per group on an OpinionQA release', async () => {
    const spec = mergeSpec(analysisPreset('opinionqa-sample'), {
      data: { source: 'path', path: 'tests/fixtures/data/opinionqa-release', format: 'opinionqa' },
      bootstrap: { resamples: 50, confidence: 0.95 },
    });
    const r = await runAnalysis(spec, loadDataNode);
    const rep = r.conditional!.representativeness!;
    expect(rep.groups.length).toBeGreaterThan(10);
    for (const g of rep.groups) {
      expect(g.marginal).toBeGreaterThanOrEqual(0);
      expect(g.marginal).toBeLessThanOrEqual(1);
      expect(g.conditional).toBeGreaterThanOrEqual(0);
      expect(g.conditional).toBeLessThanOrEqual(1);
    }
    expect(r.conditional!.perAttribute.length).toBeGreaterThan(0);
    for (const a of r.conditional!.perAttribute) expect(Number.isFinite(a.unseenGain!.value)).toBe(true);
    expect(r.checks).toEqual([]);
  });
});
