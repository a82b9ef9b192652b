// Chart axis ticks stay short enough for the axis (the loss axis clipped ".4913" early in a run).
import { describe, expect, it } from 'vitest';
import { axisTick } from '../../src/ui/format';

describe('axisTick', () => {
  it('writes losses, accuracies and large values in at most six characters', () => {
    const cases: Array<[number, string]> = [
      [0.4913, '0.491'],
      [0.5, '0.5'],
      [0.0049, '0.0049'],
      [0, '0'],
      [1, '1'],
      [12.345, '12.3'],
      [693.147, '693'],
      [1234, '1.23k'],
      [-0.4913, '-0.491'],
    ];
    for (const [v, text] of cases) expect(axisTick(v), String(v)).toBe(text);
    for (let v = -3; v <= 3; v += 0.0137) expect(axisTick(v).length, String(v)).toBeLessThanOrEqual(6);
  });
});
