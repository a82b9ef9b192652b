// The reward-model judge of a policy run: a Stage-1 reward model (eval.rewardModelRun) scores the
// answers an arm wrote and the base's answers to the same prompts, and per persona set (seen,
// unseen) the record gets the win rate against the base by that score (ties half, Wilson), the
// mean scores, and the reward-hacking gap: reward-model win rate − truth win rate. A policy
// trained on a reward model that wins by the model but not by the truth has learned the model's
// blind spots, not the persona's taste.
import type { PolicyEvalSet, PolicyJudges, RewardModelEvalSet } from '../../protocol/policy';
import { rate, type EvalItem } from './evaluate';
import { RewardModelUnavailableError, type PolicyRewardModel } from './reward';

/**
 * The judge eval.rewardModelRun names (`ref`), loaded through the environment, and the record's
 * judges entry for it: ok with the model's run, arm and description, or missing with why. A named
 * model that cannot be loaded stops the run (its results would lack the judge its spec asks for).
 */
export async function openRewardJudge(
  load: ((runId: string, signal?: AbortSignal) => Promise<PolicyRewardModel>) | undefined,
  ref: string | null,
  judges: PolicyJudges,
  signal?: AbortSignal,
): Promise<PolicyRewardModel | null> {
  if (ref === null) {
    judges.rewardModel = { status: 'missing', reason: 'no Stage-1 reward model run was named (eval.rewardModelRun)' };
    return null;
  }
  try {
    if (!load) throw new RewardModelUnavailableError(`eval.rewardModelRun: this environment cannot load Stage-1 reward models (run ${ref}); set it to null`);
    const rm = await load(ref, signal);
    judges.rewardModel = { status: 'ok', runId: rm.runId, arm: rm.arm, description: rm.description };
    return rm;
  } catch (e) {
    judges.rewardModel = { status: 'missing', reason: e instanceof Error ? e.message : String(e) };
    throw e;
  }
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);

/** The reward model's scores of answers to `items` (item-major, `samples` answers per item). */
export async function rewardScores(rm: PolicyRewardModel, items: readonly EvalItem[], samples: number, texts: readonly string[], signal?: AbortSignal): Promise<number[]> {
  if (texts.length !== items.length * samples) throw new RangeError(`${texts.length} answers for ${items.length} prompts × ${samples} samples`);
  return rm.score(
    texts.map((answer, j) => {
      const it = items[Math.floor(j / samples)];
      return { personaId: it.personaId, questionId: it.questionId, instruction: it.instruction, answer };
    }),
    signal,
  );
}

/** The verdict on one set from both sides' scores, beside the truth's verdict on the same answers. */
export function rewardModelVerdict(set: PolicyEvalSet, items: readonly EvalItem[], samples: number, policy: readonly number[], base: readonly number[], confidence: number): RewardModelEvalSet {
  let wins = 0;
  const mine: number[] = [];
  const theirs: number[] = [];
  items.forEach((it, i) => {
    if (it.set !== set.set) return;
    for (let k = 0; k < samples; k++) {
      const j = i * samples + k;
      wins += policy[j] > base[j] ? 1 : policy[j] === base[j] ? 0.5 : 0;
      mine.push(policy[j]);
      theirs.push(base[j]);
    }
  });
  const vsBase = rate(wins, mine.length, confidence);
  return { vsBase, meanScore: mean(mine), baseMeanScore: mean(theirs), hackingGap: vsBase.rate - set.vsBase.rate };
}

/** Adds the reward model's verdict to each of an arm's truth-judged sets. */
export async function judgeByRewardModel(
  rm: PolicyRewardModel,
  items: readonly EvalItem[],
  samples: number,
  policy: readonly string[],
  base: readonly string[],
  sets: PolicyEvalSet[],
  confidence: number,
  signal?: AbortSignal,
  /** Where the verdict goes: the run's judge (eval.rewardModelRun) or the model the arm optimized. */
  key: 'rewardModel' | 'optimizedRewardModel' = 'rewardModel',
): Promise<void> {
  const p = await rewardScores(rm, items, samples, policy, signal);
  const b = policy === base ? p : await rewardScores(rm, items, samples, base, signal);
  for (const s of sets) s[key] = rewardModelVerdict(s, items, samples, p, b, confidence);
}
