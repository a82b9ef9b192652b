// The Compare view's reward-model scores: the Stage-1 runs of this browser (Results view) whose kept
// conditional reward model can score answers, as options; the one a user picks loaded once by the
// policy runner's loader (experiments/policy/stage1-reward.ts, the same as eval.rewardModelRun) on
// the cpu backend, and each answer scored for a persona of the Compare view's world.
import { IdbRunStore } from '../experiments/runs/idb-store';
import { loadStage1RewardModel, pickRewardArm } from '../experiments/policy/stage1-reward';
import { RewardModelUnavailableError, type PolicyRewardItem, type PolicyRewardModel } from '../experiments/policy/reward';
import type { RewardModelOption } from '../protocol/rating';
import { backendFor } from './backend';
import { compareDataset } from './models';

const WHERE = "this browser's Stage-1 runs (the Results view)";

/** Finished Stage-1 runs, newest first; those without a kept conditional reward model say why. */
export async function rewardModelOptions(): Promise<RewardModelOption[]> {
  const store = await IdbRunStore.open();
  try {
    const runs = (await store.listRecords()).filter((r) => (r as { kind?: string }).kind !== 'policy' && r.status === 'done').reverse();
    return runs.map((r) => {
      const label = `${r.name} (${r.createdAt.slice(0, 16).replace('T', ' ')})`;
      try {
        const { index } = pickRewardArm(r, null);
        return { ref: r.id, label: `${label}: ${r.arms[index].label}`, available: true };
      } catch (e) {
        if (!(e instanceof RewardModelUnavailableError)) throw e;
        return { ref: r.id, label, available: false, why: e.message };
      }
    });
  } finally {
    store.close();
  }
}

let cached: { ref: string; model: Promise<PolicyRewardModel> } | null = null;

/** The reward model `ref` (RUN_ID or RUN_ID#ARM) names, loaded once while it stays the chosen one. */
export function compareRewardModel(ref: string): Promise<PolicyRewardModel> {
  if (cached?.ref === ref) return cached.model;
  void cached?.model.then((m) => m.dispose()).catch(() => undefined);
  const model = (async () => {
    const store = await IdbRunStore.open();
    try {
      const { backend } = await backendFor('cpu');
      return await loadStage1RewardModel({ store, where: WHERE, backend, world: async () => compareDataset() }, ref);
    } finally {
      store.close();
    }
  })();
  cached = { ref, model };
  model.catch(() => {
    if (cached?.model === model) cached = null;
  });
  return model;
}

/** Scores answers with the chosen reward model: the scores, or why there are none (never throws for a missing model). */
export async function scoreWithRewardModel(ref: string, items: readonly PolicyRewardItem[]): Promise<{ scores: number[]; description: string } | { error: string }> {
  let m: PolicyRewardModel;
  try {
    m = await compareRewardModel(ref);
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
  return { scores: await m.score(items), description: m.description };
}
