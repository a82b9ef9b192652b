// The reward model an online arm trains for itself when its spec names no Stage-1 run
// (method.rewardModelRun null): Stage 1's conditional bag-of-features reward model (every persona
// attribute, Bradley-Terry, 16 dims, as the Stage-1 `conditional` features arm) trained through
// Stage 1's loop on this run's own training pairs (the seen personas' generic and cross pairs of
// their training questions, and with `pairs` 'generic+cross+pole' their pole pairs too; never the
// evaluation's questions or the unseen personas). Seeded,
// so a resumed run trains the same model again. The record says it was trained here. Answers are
// scored as Stage-1 runs' kept models score them (BagScorer.rewards: r(p, x) = <u_p, v_x> + c_x).
import { polePairs, type AttributeSubset, type BuiltinDataset, type DataSplit, type PairSets } from '../../data';
import type { ReaderPairs } from '../../protocol/policy';
import type { Backend } from '../../tensor';
import { trainLoop } from '../../train/loop';
import { PersonaBagEncoder, ResponseBagEncoder } from '../encoders/bags';
import { samplePairs } from '../prepare';
import { resolveSubset } from '../spec/expand';
import { BagScorer } from '../scorers/bag-scorer';
import type { PolicyRewardItem, PolicyRewardModel } from './reward';

/** Stage 1's features preset (experiments/presets: `features`, RM_TRAIN with the small model's lr). */
const OWN_RM = { dims: 16, maxPairs: 20_000, train: { epochs: 4, batchSize: 128, lr: 0.01, weightDecay: 0.01, clipNorm: 1, logEvery: 50 } };

export interface OwnRewardModelOptions {
  signal?: AbortSignal;
  onProgress?(step: number, total: number): void;
  /** The attributes it reads (default all); with none it is the marginal model: one reward for every persona. */
  subset?: AttributeSubset;
  /** Which of the seen personas' training pairs (default 'generic+cross'). */
  pairs?: ReaderPairs;
  /**
   * How many such models to train and average (default 1). Member j trains with seed + j (member
   * 0 is the single model), and the ensemble's score is the mean of the members' scores. One
   * model's reading of a persona moves with its seed: trained on the same pairs to the same loss,
   * two seeds put the threshold between an axis's poles at different attribute values, and the
   * personas near it flip (on the skewed world, seeds 1-5 read the religious minority's sign
   * right for 34-55 of 64 evaluation personas). The mean of five is steadier than any one of
   * them (55 of 64, and 131 of 136 of the majority).
   */
  members?: number;
}

export type OwnRewardModel = PolicyRewardModel & { accuracy: number; pairs: number };

/** One trained model and the two parts of its description an ensemble repeats: what it reads, and how it was trained. */
type Member = OwnRewardModel & { reads: string; recipe: string };

export async function trainOwnRewardModel(be: Backend, ds: BuiltinDataset, split: DataSplit, sets: PairSets, seed: number, o: OwnRewardModelOptions = {}): Promise<OwnRewardModel> {
  const n = o.members ?? 1;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`members must be a whole number >= 1, got ${n}`);
  if (n === 1) return trainOne(be, ds, split, sets, seed, o);
  const members: Member[] = [];
  try {
    for (let j = 0; j < n; j++) {
      members.push(await trainOne(be, ds, split, sets, seed + j, { ...o, onProgress: o.onProgress && ((step, total) => o.onProgress!(j * total + step, n * total)) }));
    }
  } catch (e) {
    for (const m of members) m.dispose();
    throw e;
  }
  const accuracy = members.reduce((s, m) => s + m.accuracy, 0) / n;
  const { reads, recipe } = members[0];
  return {
    runId: 'this run',
    arm: 'own',
    description: `mean of ${n} ${reads} bag-of-features reward models trained in this run (${recipe}; seeds ${seed} to ${seed + n - 1}; mean last batch accuracy ${(accuracy * 100).toFixed(0)}%)`,
    accuracy,
    pairs: members[0].pairs,
    async score(items: readonly PolicyRewardItem[], signal?: AbortSignal): Promise<number[]> {
      const sum = new Array<number>(items.length).fill(0);
      for (const m of members) (await m.score(items, signal)).forEach((x, i) => (sum[i] += x / n));
      return sum;
    },
    dispose: () => members.forEach((m) => m.dispose()),
  };
}

async function trainOne(be: Backend, ds: BuiltinDataset, split: DataSplit, sets: PairSets, seed: number, o: OwnRewardModelOptions): Promise<Member> {
  const pole = o.pairs === 'generic+cross+pole' ? polePairs(ds, split.train, seed) : [];
  const pairs = samplePairs([...sets.train.generic, ...sets.train.cross, ...pole], OWN_RM.maxPairs, seed, 'policy-reward-model');
  if (pairs.length === 0) throw new RangeError('No training pairs to train a reward model on');
  const seen = new Set(split.seenPersonas);
  const personas = new Map(ds.personas.map((p) => [p.id, p]));
  const subset = o.subset ?? resolveSubset({ kind: 'preset', name: 'all' });
  // Lines outside the 33 attributes count only for the full subset (as in Stage 1).
  const personaEncoder = new PersonaBagEncoder(subset.keys, ds.personas.filter((p) => seen.has(p.id)), o.subset === undefined);
  const responseEncoder = new ResponseBagEncoder(pairs.flatMap((p) => [p.chosen, p.rejected]));
  const scorer = new BagScorer(be, personas, personaEncoder, responseEncoder, { dims: OWN_RM.dims, loss: 'bradley-terry', seed });
  try {
    const loop = await trainLoop(be, scorer, pairs, OWN_RM.train, seed, { signal: o.signal, onStep: o.onProgress });
    const accuracy = loop.final['rewards/accuracies'] ?? NaN;
    // (The online arms' model, on every attribute, keeps its name: "conditional".)
    const reads = o.subset === undefined ? 'conditional' : subset.keys.length ? `conditional (${subset.name})` : 'marginal (no attributes)';
    const recipe = `${scorer.description}; Bradley-Terry on ${pairs.length} of the seen personas' training pairs${pole.length ? ' (generic, cross and pole)' : ''}, ${OWN_RM.train.epochs} epochs`;
    return {
      runId: 'this run',
      arm: 'own',
      description: `${reads} bag-of-features reward model trained in this run (${recipe}; last batch accuracy ${(accuracy * 100).toFixed(0)}%)`,
      reads,
      recipe,
      accuracy,
      pairs: pairs.length,
      async score(items: readonly PolicyRewardItem[], signal?: AbortSignal): Promise<number[]> {
        return Array.from(await scorer.rewards(items.map((it) => ({ personaId: it.personaId, text: it.answer })), signal));
      },
      dispose: () => scorer.dispose(),
    };
  } catch (e) {
    scorer.dispose();
    throw e;
  }
}
