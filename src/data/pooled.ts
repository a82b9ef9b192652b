// The pooled (persona-blind) preference between a pair's two responses, for every source, and the
// conflicting pairs it defines: pairs where the persona's preference differs from the pooled one.
// That subset is where conditioning on the persona must pay off: a model that follows the pool
// scores 0% on it, a perfect conditional model 100%.
//   OpinionQA: the pooled shares of all a wave's respondents (each counted once, options[].pooled).
//   Built-in:  how often each response is a persona's best in the population (the persona-blind
//              oracle's m_q, builtin/bayes.ts).
//   PERSONA files: how many personas chose each response as their own (`data`) on the question;
//              most tailored responses are chosen once, so most pairs have no pooled preference.
import { marginalBest, poleKey } from './builtin/bayes';
import { polesFromId } from './builtin/responses';
import { isBuiltin } from './labels';
import type { PreferencePair } from './pairs';
import type { Dataset } from './schema';

/** +1: the pool prefers the pair's chosen response, -1: its rejected one, 0: no preference. */
export type PooledPreference = (pair: PreferencePair) => 1 | -1 | 0;

function sign(a: number | undefined, b: number | undefined): 1 | -1 | 0 {
  if (a === undefined || b === undefined || a === b) return 0;
  return a > b ? 1 : -1;
}

/** `marginal`: the built-in dataset's marginalBest, when the caller has it already (it is costly). */
export function pooledPreference(ds: Dataset, marginal?: ReturnType<typeof marginalBest>): PooledPreference {
  if (isBuiltin(ds)) {
    const m = marginal ?? marginalBest(ds);
    return (pair) => {
      if (pair.chosenId === undefined || pair.rejectedId === undefined) return 0;
      const q = ds.question(pair.questionId);
      const a = polesFromId(q, pair.chosenId);
      const b = polesFromId(q, pair.rejectedId);
      if (!a || !b) return 0;
      // The neutral (generic) response is nobody's best: the pool prefers anything to it.
      const neutral = (x: readonly number[]) => x.every((v) => v === 0);
      if (neutral(a) || neutral(b)) return neutral(a) === neutral(b) ? 0 : neutral(b) ? 1 : -1;
      const mq = m.get(q.id);
      return sign(mq?.get(poleKey(a)) ?? 0, mq?.get(poleKey(b)) ?? 0);
    };
  }
  if (ds.source === 'opinionqa') {
    const byQuestion = new Map<string, Map<string, number>>();
    for (const r of ds.rows) {
      if (byQuestion.has(r.questionId) || !r.options?.every((o) => o.pooled !== undefined)) continue;
      byQuestion.set(r.questionId, new Map(r.options.map((o) => [o.text, o.pooled!])));
    }
    return (pair) => {
      const shares = byQuestion.get(pair.questionId);
      return sign(shares?.get(pair.chosen), shares?.get(pair.rejected));
    };
  }
  const chosenBy = new Map<string, Map<string, number>>();
  for (const r of ds.rows) {
    let m = chosenBy.get(r.questionId);
    if (!m) chosenBy.set(r.questionId, (m = new Map()));
    m.set(r.data, (m.get(r.data) ?? 0) + 1);
  }
  return (pair) => {
    const m = chosenBy.get(pair.questionId);
    return sign(m?.get(pair.chosen) ?? 0, m?.get(pair.rejected) ?? 0);
  };
}

/** 1 where the persona's preference (the pair's label) differs from the pooled one, else 0. */
export function conflictFlags(pairs: readonly PreferencePair[], pooled: PooledPreference): Uint8Array {
  const out = new Uint8Array(pairs.length);
  pairs.forEach((p, i) => (out[i] = pooled(p) < 0 ? 1 : 0));
  return out;
}
