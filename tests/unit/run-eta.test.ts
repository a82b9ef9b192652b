// The time a run has left (src/experiments/runs/eta.ts), on cases worked by hand.
import { describe, expect, it } from 'vitest';
import { etaSeconds } from '../../src/experiments/runs/eta';

describe('etaSeconds', () => {
  it('carries this session’s rate over what remains', () => {
    // A quarter done in 10 s: three quarters more take 30 s.
    expect(etaSeconds(0.25, 0, 10)).toBeCloseTo(30, 10);
    // Resumed at half: 0.1 more in 20 s, so the last 0.4 take 80 s.
    expect(etaSeconds(0.6, 0.5, 20)).toBeCloseTo(80, 10);
    expect(etaSeconds(1, 0, 5)).toBe(0);
  });

  it('says nothing before a second has passed or half a percent is done', () => {
    expect(etaSeconds(0.5, 0, 0.9)).toBeNull();
    expect(etaSeconds(0.004, 0, 100)).toBeNull();
    expect(etaSeconds(0.503, 0.5, 100)).toBeNull();
  });
});
