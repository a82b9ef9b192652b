// Scoring predictions against pair labels: accuracy per test set with a Wilson interval, and
// per-persona sums (the unit of the bootstrap). Every pair's label is "chosen wins", so a
// prediction p = P(chosen) scores 1 above 0.5, 0 below, and a tie scores half.
import type { PairSetName, PreferencePair } from '../../data';
import { wilson } from './intervals';
import type { PersonaScore, SetScore } from '../../protocol/record';

export function pairScore(p: number): number {
  return p > 0.5 ? 1 : p < 0.5 ? 0 : 0.5;
}

export function scoreSet(set: PairSetName, pairs: readonly PreferencePair[], probs: ArrayLike<number>, confidence: number): { score: SetScore; perPersona: PersonaScore[] } {
  if (probs.length !== pairs.length) throw new RangeError(`scoreSet: ${probs.length} predictions for ${pairs.length} pairs`);
  let correct = 0;
  const byPersona = new Map<string, PersonaScore>();
  pairs.forEach((pair, i) => {
    const s = pairScore(probs[i]);
    correct += s;
    let ps = byPersona.get(pair.personaId);
    if (!ps) byPersona.set(pair.personaId, (ps = { personaId: pair.personaId, set, n: 0, correct: 0 }));
    ps.n++;
    ps.correct += s;
  });
  const n = pairs.length;
  const [lo, hi] = wilson(correct, n, confidence);
  return { score: { set, n, correct, accuracy: n ? correct / n : 0, lo, hi }, perPersona: [...byPersona.values()] };
}

/** Accuracy on the pairs of a set flagged in `flags` (the conflicting subset), from the same
 * predictions; undefined when no pair is flagged. */
export function scoreSubset(set: PairSetName, pairs: readonly PreferencePair[], probs: ArrayLike<number>, flags: ArrayLike<number>, confidence: number): SetScore | undefined {
  const subPairs: PreferencePair[] = [];
  const subProbs: number[] = [];
  pairs.forEach((p, i) => {
    if (flags[i]) {
      subPairs.push(p);
      subProbs.push(probs[i]);
    }
  });
  return subPairs.length ? scoreSet(set, subPairs, subProbs, confidence).score : undefined;
}
