// The one-line readings under the Models of preference view's plots (src/ui/models/readings.ts):
// their words and numbers follow the record, on the seed-1 numbers of docs/modelling.md and on
// cases where the verdict turns (an interval across 0, a miscalibrated bin, K = 1).
import { describe, expect, it } from 'vitest';
import type { ConditionalReport, Estimate, MixtureReport, MultiObjectiveReport, SetFit } from '../../src/protocol/analysis';
import { axesReading, crossTabReading, fewShotReading, fitsReading, informationReading, mixtureReading, reliabilityReading, worstTypeReading } from '../../src/ui/models/readings';

const est = (value: number, lo: number, hi: number): Estimate => ({ value, lo, hi });
const set = (s: SetFit['set'], acc: number): SetFit => ({ set: s, pairs: 19036, personas: 800, logLik: est(-0.5, -0.6, -0.4), accuracy: est(acc, acc - 0.01, acc + 0.01), ece: 0.0121, bins: [] });

function conditional(gain: Estimate): ConditionalReport {
  return {
    l2: 0.003,
    fits: [
      { label: 'marginal', attributes: [], features: 1, trainLogLik: -0.69, sets: [set('cross', 0.5)] },
      { label: 'all', attributes: [], features: 90, trainLogLik: -0.3, sets: [set('cross', 0.855)] },
    ],
    allVsMarginal: { logLik: gain, accuracy: est(0.355, 0.341, 0.367) },
    perAttribute: [
      { attribute: 'big five scores', gain: est(0.1079, 0.0971, 0.1189), accuracy: est(0.659, 0.65, 0.67), planted: true },
      { attribute: 'place of birth', gain: est(0.0095, 0.0046, 0.0148), accuracy: est(0.554, 0.54, 0.56), planted: false },
      { attribute: 'sex', gain: est(-0.0005, -0.0018, 0.0008), accuracy: est(0.51, 0.5, 0.52), planted: false },
    ],
  };
}

describe('readings', () => {
  it('says the all-attribute gain with its interval, or that the interval includes 0', () => {
    expect(fitsReading(conditional(est(0.3615, 0.3477, 0.3746)))).toBe(
      'The all-attribute fit gains +0.36 nats per comparison [0.35, 0.37] over the marginal fit on held-out cross-persona pairs (accuracy 85.5% against 50.0%).',
    );
    expect(fitsReading(conditional(est(-0.02, -0.05, 0.01)))).toMatch(/changes −0.02 nats .*the interval includes 0/);
    expect(fitsReading(conditional(est(-0.5, -0.78, -0.22)))).toMatch(/^The all-attribute fit loses −0.50/);
  });

  it('names the ECE, the goal and the worst bin with its direction', () => {
    const s: SetFit = { ...set('cross', 0.855), ece: 0.0121, bins: [
      { lo: 0.5, hi: 0.55, n: 778, confidence: 0.525, accuracy: 0.51 },
      { lo: 0.85, hi: 0.9, n: 1750, confidence: 0.876, accuracy: 0.848 },
      { lo: 0.9, hi: 0.95, n: 0, confidence: 0, accuracy: 0 },
    ] };
    expect(reliabilityReading(s)).toBe('Expected calibration error 0.012 on 19,036 pairs (under the 0.05 goal); the largest gap is in bin 0.85–0.90, overconfident (confidence 0.876, accuracy 0.848).');
    expect(reliabilityReading({ ...s, ece: 0.2, bins: [{ lo: 0.5, hi: 0.55, n: 10, confidence: 0.52, accuracy: 0.7 }] })).toMatch(/over the 0.05 goal.*underconfident/);
  });

  it('ranks attributes and says whether the planted drivers lead', () => {
    expect(informationReading(conditional(est(0.36, 0.35, 0.37)))).toBe(
      'big five scores tells most about the preference (+0.108 nats per comparison [0.097, 0.119]); 2 of 3 attributes have an interval above 0; every planted driver tells more than every attribute that drives nothing.',
    );
    const c = conditional(est(0.36, 0.35, 0.37));
    c.perAttribute[1].gain = est(0.2, 0.1, 0.3);
    c.perAttribute.sort((a, b) => b.gain.value - a.gain.value);
    expect(informationReading(c)).toMatch(/^place of birth tells most.*; 1 attribute that drives no axis directly \(proxies or noise\) tells more than the weakest planted driver\.$/);
  });

  const mixture = (chosenK: number): MixtureReport => ({
    grid: [1, 2, 3, 4, 6].map((k) => ({ k, validationLogLik: k === 4 ? -0.5921 : -0.62, testLogLik: -0.6, iterations: 20 })),
    chosenK,
    types: [0.234, 0.256, 0.251, 0.259].slice(0, chosenK).map((share, index) => ({ index, share, personas: 200, mixture: est(0.69, 0.67, 0.71), pooled: est(0.5, 0.48, 0.52), pairs: 4000 })),
    worstPooled: 0.49,
    worstMixture: 0.684,
    crossTabs: [{ attribute: 'occupation category', values: ['a', 'b'], counts: [[1, 2], [3, 4]], cramersV: 0.4251 }],
  });

  it('reads EM: the chosen K, the types, the worst-served type and the strongest attribute', () => {
    expect(mixtureReading(mixture(4))).toBe('Validation likelihood picks K = 4 (−0.592 nats per comparison): 4 types of 23%, 26%, 25%, 26% of personas.');
    expect(mixtureReading(mixture(1))).toMatch(/K = 1 .*no latent types are found/);
    expect(worstTypeReading(mixture(4))).toBe('The worst-served type gets 68.4% under the mixture against 49.0% under the pooled model (+19.4 points).');
    expect(crossTabReading(mixture(4))).toMatch(/^The types follow occupation category most \(Cramér's V 0.43;/);
    expect(crossTabReading(mixture(1))).toMatch(/nothing to cross-tabulate/);
  });

  it('reads the few-shot curve at k = 8 and the axis recovery', () => {
    const m: MultiObjectiveReport = {
      grid: [{ dims: 10, validationLogLik: -0.41 }],
      chosenDims: 10,
      trainLogLik: -0.4,
      fewShot: [0, 8, 16].map((k) => ({ k, personas: 200, pairs: 9500, accuracy: k === 8 ? est(0.753, 0.736, 0.771) : est(0.5, 0.48, 0.52), logLik: est(-0.5, -0.6, -0.4) })),
      conditional: { accuracy: est(0.847, 0.835, 0.859), logLik: est(-0.35, -0.37, -0.33) },
      bayes: 0.873,
      axes: [{ axis: 'formality', correlation: 0.996 }, { axis: 'political', correlation: 0.879 }],
    };
    expect(fewShotReading(m)).toBe("With k = 8 of its own comparisons an unseen persona's fitted weights reach 75.3% [73.6%, 77.1%]; its attributes alone give 84.7% [83.5%, 85.9%]; Bayes ceiling 87.3%.");
    expect(axesReading(m)).toBe('1 of 2 planted axes are recovered with correlation ≥ 0.9 by the d = 10 basis; the lowest is political (0.879).');
  });
});
