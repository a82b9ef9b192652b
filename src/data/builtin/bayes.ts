// The noise ceilings of the built-in pair sets, computed exactly from the model (model.ts).
//
// Bayes-optimal predictor: it knows persona p's attributes (hence the tastes) and the model, but
// not the per-question noise. For a cross pair {A, B} on question q, exactly one of A, B is p's
// best response and the other is the best response of a partner p' it does not know, so
//   P(A is p's | attrs) = pi_p(A) m_q(B) / (pi_p(A) m_q(B) + pi_p(B) m_q(A)),
// where pi_p(x) = prod_k P(p's best pole on axis k is x_k) (axes independent given attrs) and
// m_q(x) = the population average of pi_{p'}(x). Its expected accuracy is the mean of
// max(P, 1 - P); its realized accuracy is scored against the actual labels.
// Persona-blind oracle: it sees only q and {A, B}; the best it can do is pick the response that is
// more often someone's best (larger m_q). On symmetric cross pairs it scores 50% by construction.
import type { PreferencePair } from '../pairs';
import type { BuiltinDataset } from './generator';
import { candidatePoles, polesFromId, type Poles } from './responses';

export interface CeilingReport {
  pairs: number;
  /** Expected accuracy of the Bayes-optimal predictor (mean of max posterior). */
  bayesExpected: number;
  /** Its accuracy against the pairs' actual labels. */
  bayesRealized: number;
  /** Accuracy of the best persona-blind predictor against the actual labels. */
  blind: number;
}

/** A response's poles as the key of marginalBest's maps. */
export function poleKey(poles: Poles): string {
  return poles.map((p) => (p > 0 ? '+' : '-')).join('');
}

/** m_q(x): population average probability that x is a persona's best response, per question. */
export function marginalBest(ds: BuiltinDataset): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const n = ds.personas.length;
  for (const q of ds.questions) {
    const cands = candidatePoles(q);
    const sums = new Float64Array(cands.length);
    for (let p = 0; p < n; p++) {
      const plus = ds.truth.probPlus(p, q);
      for (let c = 0; c < cands.length; c++) sums[c] += ds.truth.probBest(p, q, cands[c], plus);
    }
    out.set(q.id, new Map(cands.map((c, i) => [poleKey(c), sums[i] / n])));
  }
  return out;
}

/** Ceilings for a set of built-in pairs. Generic pairs: the tailored response always has the
 * higher true utility (sum of w|z| > 0 = the neutral's), so both predictors score 100%. */
export function ceilings(ds: BuiltinDataset, pairs: readonly PreferencePair[], marginal = marginalBest(ds)): CeilingReport {
  let expected = 0;
  let realized = 0;
  let blind = 0;
  let counted = 0;
  for (const pair of pairs) {
    const q = ds.question(pair.questionId);
    const chosen = pair.chosenId !== undefined ? polesFromId(q, pair.chosenId) : undefined;
    const rejected = pair.rejectedId !== undefined ? polesFromId(q, pair.rejectedId) : undefined;
    if (!chosen || !rejected) continue;
    counted++;
    if (pair.set === 'generic' || rejected.every((x) => x === 0) || chosen.every((x) => x === 0)) {
      // The neutral response is recognisable and always loses: the blind rule "not the neutral one" is exact.
      const chosenIsTailored = rejected.every((x) => x === 0);
      expected += 1;
      realized += chosenIsTailored ? 1 : 0;
      blind += chosenIsTailored ? 1 : 0;
      continue;
    }
    const p = ds.truth.personaIndex(pair.personaId);
    const plus = ds.truth.probPlus(p, q);
    const m = marginal.get(q.id);
    const mc = m?.get(poleKey(chosen)) ?? 0;
    const mr = m?.get(poleKey(rejected)) ?? 0;
    const a = ds.truth.probBest(p, q, chosen, plus) * mr; // chosen is p's, rejected is the partner's
    const b = ds.truth.probBest(p, q, rejected, plus) * mc; // the other way round
    const post = a + b > 0 ? a / (a + b) : 0.5;
    expected += Math.max(post, 1 - post);
    realized += post > 0.5 ? 1 : post === 0.5 ? 0.5 : 0;
    blind += mc > mr ? 1 : mc === mr ? 0.5 : 0;
  }
  const d = Math.max(counted, 1);
  return { pairs: counted, bayesExpected: expected / d, bayesRealized: realized / d, blind: blind / d };
}
