// The Data view's numbers are the headline preset's: its statistics use the presets' split (4
// cross-persona partners per row), so its test-pair counts and realized Bayes ceilings equal what
// a conditional-vs-marginal run records, and it says which settings it shows.
import { describe, expect, it } from 'vitest';
import { loadBuiltin, prepare } from '../../src/experiments/prepare';
import { presetSpec } from '../../src/experiments/presets';
import { parseSpec } from '../../src/experiments/spec/validate';
import { statsOf } from '../../src/worker/data';

describe('Data view statistics and the headline preset', () => {
  it('count the same test pairs and draw the same ceilings, and name the split', async () => {
    const spec = parseSpec(presetSpec('conditional-vs-marginal'));
    const run = (await prepare(spec, loadBuiltin)).summary;
    const view = await statsOf({ kind: 'builtin', seed: spec.data.source === 'builtin' ? spec.data.seed : 1, personas: 1000 });
    expect(view.settings.crossPartners).toBe(spec.split.crossPartners);
    expect(view.settings).toMatchObject({ seed: spec.seed, unseenFraction: spec.split.unseenFraction, testFraction: spec.split.testFraction });
    expect(view.pairs.test).toEqual({ generic: run.pairs.generic, cross: run.pairs.cross, unseen: run.pairs.unseen });
    for (const set of ['generic', 'cross', 'unseen'] as const) expect(view.builtin![set].bayesRealized).toBeCloseTo(run.ceilings![set]!.bayes, 10);
  });
});
