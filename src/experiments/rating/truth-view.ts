// The truth judge's reading of one generated answer, for the Compare view: each axis of the
// question with the pole the answer expresses against the persona's preferred pole (the
// Bayes-best answer's: what its attributes imply), the answer's true utility, and the best and
// worst utilities that frame it (the oracle's, which knows this question's noise too).
import { AXIS_BY_ID, bayesBestAnswer, judgeAnswer, oracleBestAnswer, trueUtility, type BuiltinDataset } from '../../data';
import type { TruthView } from '../../protocol/rating';

export function truthView(ds: BuiltinDataset, personaId: string, questionId: string, text: string): TruthView {
  const judged = judgeAnswer(ds, personaId, questionId, text);
  const best = bayesBestAnswer(ds, personaId, questionId);
  const q = ds.question(questionId);
  const oracle = oracleBestAnswer(ds, personaId, questionId);
  const worst = trueUtility(ds, ds.truth.personaIndex(personaId), q, oracle.poles.map((p) => -p));
  const axes = q.axes.map((axis, k) => {
    const def = AXIS_BY_ID[axis];
    const r = judged.parse.readings[k];
    const preferred = best.poles[k] > 0 ? def.positive : def.negative;
    if (r === 'absent' || r === 'conflicting') return { axis, expressed: r, preferred, match: null };
    return { axis, expressed: r > 0 ? def.positive : def.negative, preferred, match: r === best.poles[k] };
  });
  const p = judged.parse;
  const invalidWhy = judged.valid
    ? undefined
    : !p.parsed
      ? `not readable as an answer (${p.failure ?? 'unrecognized'})`
      : p.topic === 'other'
        ? 'answers another question'
        : p.topic === 'both'
          ? 'mixes two questions'
          : 'answers no question';
  return { valid: judged.valid, invalidWhy, utility: judged.utility, bestUtility: oracle.utility, worstUtility: worst, axes };
}
