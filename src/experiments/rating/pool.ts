// The pooled votes of many raters as the Compare view's aggregation: each vote becomes a
// comparison between the two answers' hidden systems, then win rates, Bradley–Terry strengths and
// the humans' agreement with the truth judge and, when answers carry scores, the reward model.
import type { AggregateView, AgreementView, RatedAnswer, RatingItem, Vote, VoteChoice } from '../../protocol/rating';
import { agreement, pairRates, strengths, type Comparison, type Verdict } from './aggregate';

export const BOOTSTRAP_RESAMPLES = 200;

/** A vote as a verdict on the shown order: "both bad" counts as a tie. */
export function verdictOf(choice: VoteChoice): Verdict {
  return choice === 'A' ? 'A' : choice === 'B' ? 'B' : 'tie';
}

/** The truth judge's verdict on an item (an invalid answer loses to a valid one; two invalid tie). */
export function truthVerdict(item: RatingItem): Verdict | undefined {
  const [a, b] = item.answers.map((x) => x.truth);
  if (!a || !b) return undefined;
  if (a.valid !== b.valid) return a.valid ? 'A' : 'B';
  if (!a.valid || a.utility === b.utility) return 'tie';
  return a.utility > b.utility ? 'A' : 'B';
}

/** The reward model's verdict, when both answers were scored. */
export function rewardVerdict(item: RatingItem): Verdict | undefined {
  const [a, b] = item.answers.map((x: RatedAnswer) => x.reward);
  if (a === undefined || b === undefined) return undefined;
  return a === b ? 'tie' : a > b ? 'A' : 'B';
}

function comparison(item: RatingItem, choice: VoteChoice): Comparison {
  const v = verdictOf(choice);
  return { a: item.answers[0].system, b: item.answers[1].system, score: v === 'A' ? 1 : v === 'B' ? 0 : 0.5 };
}

export function aggregatePool(datasetId: string, items: readonly RatingItem[], votes: readonly Vote[], o: { seed?: number; resamples?: number } = {}): AggregateView {
  const byId = new Map(items.map((i) => [i.id, i]));
  const voted = votes.filter((v) => byId.has(v.itemId));
  const cs = voted.map((v) => comparison(byId.get(v.itemId)!, v.choice));
  const seed = o.seed ?? 1;
  const resamples = o.resamples ?? BOOTSTRAP_RESAMPLES;
  const raters = new Map<string, { raterId: string; rater: string; votes: number }>();
  for (const v of voted) {
    const r = raters.get(v.raterId) ?? { raterId: v.raterId, rater: v.rater, votes: 0 };
    r.votes++;
    if (v.rater) r.rater = v.rater;
    raters.set(v.raterId, r);
  }
  const judged = (judge: AgreementView['judge'], verdict: (i: RatingItem) => Verdict | undefined): AgreementView | undefined => {
    const pairs: Array<[Verdict, Verdict]> = [];
    for (const v of voted) {
      const j = verdict(byId.get(v.itemId)!);
      if (j) pairs.push([verdictOf(v.choice), j]);
    }
    if (pairs.length === 0) return undefined;
    return { judge, ...agreement(pairs) };
  };
  const agreementViews = [judged('truth', truthVerdict), judged('reward', rewardVerdict)].filter((a): a is AgreementView => a !== undefined);
  return {
    datasetId,
    votes: voted.length,
    items: new Set(voted.map((v) => v.itemId)).size,
    raters: [...raters.values()].sort((a, b) => (a.rater || a.raterId).localeCompare(b.rater || b.raterId)),
    pairs: pairRates(cs),
    strengths: strengths(cs, { seed, resamples }),
    bootstrap: { resamples, seed },
    agreement: agreementViews,
    rewardNote: agreementViews.some((a) => a.judge === 'reward') ? undefined : 'No reward model chosen: the answers carry no reward-model scores.',
  };
}
