// The run stores' live curves (src/store/worker-runs.ts: Experiments and Policies): a resumed
// run starts from the curves its record already holds, and the points an arm logs again from its
// checkpoint replace (not duplicate) the ones drawn after that step.
import { describe, expect, it } from 'vitest';
import type { CurvePoint, RunRecord } from '../../src/protocol/record';
import { curvesOf, withPoint } from '../../src/store/worker-runs';

const pt = (step: number, loss = 1 / step): CurvePoint => ({ step, epoch: step / 10, loss });

describe('live curves of a resumed run', () => {
  it('start from the record: every arm with points, none for arms not started', () => {
    const record = { arms: [{ label: 'conditional', curve: [pt(5), pt(10)] }, { label: 'marginal', curve: [] }] } as unknown as RunRecord;
    expect(curvesOf(record)).toEqual({ conditional: [pt(5), pt(10)] });
    expect(curvesOf(undefined)).toEqual({});
  });

  it('append new steps, and replace points from a step logged again', () => {
    let c = [pt(5), pt(10), pt(15)];
    c = withPoint(c, pt(20));
    expect(c.map((p) => p.step)).toEqual([5, 10, 15, 20]);
    // Resumed from the checkpoint at step 10: step 15 comes again with new values.
    c = withPoint(c, pt(15, 0.5));
    expect(c.map((p) => p.step)).toEqual([5, 10, 15]);
    expect(c[2].loss).toBe(0.5);
    expect(withPoint([], pt(1))).toEqual([pt(1)]);
  });
});
