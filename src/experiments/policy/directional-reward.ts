// The multi-objective reward model as Stage 2's reward model with a direction: a kept model
// (analysis run --keep-model, analysis/kept-model.ts) scores an answer x by u · r(x), r(x) its
// reward vector over named objectives and u a unit direction. The persona does not enter: the
// direction stands where a persona's weight vector w_p stands in r_p(x) = w_p · r(x). Anything that
// takes a PolicyRewardModel (online methods, the reward-model judge) can score with it.
import { MultiObjectiveScorer, type KeptMultiObjectiveModel } from '../analysis/kept-model';
import { DirectionError, dot, normalize } from './direction';
import type { PolicyRewardItem, PolicyRewardModel } from './reward';
import { abortPoint } from '../../util/abort-point';

export class DirectionalRewardModel implements PolicyRewardModel {
  readonly arm = 'multi-objective';
  readonly description: string;
  readonly direction: readonly number[];
  private readonly scorer: MultiObjectiveScorer;

  /** `runId`: where the model came from (a file, or "in-run"). */
  constructor(
    readonly runId: string,
    kept: KeptMultiObjectiveModel | MultiObjectiveScorer,
    direction: readonly number[],
  ) {
    this.scorer = kept instanceof MultiObjectiveScorer ? kept : new MultiObjectiveScorer(kept);
    if (direction.length !== this.scorer.objectives.length) throw new DirectionError(`the direction has ${direction.length} components; the model has ${this.scorer.objectives.length} objectives (${this.scorer.objectives.join(', ')})`);
    this.direction = normalize(direction);
    this.description = `${this.scorer.kept.description}; direction ${this.scorer.objectives.map((o, k) => `${o} ${this.direction[k].toFixed(2)}`).join(', ')}`;
  }

  /** The reward vector r(x) of an answer text. */
  objectives(answer: string): Float64Array {
    return this.scorer.rewards(answer);
  }

  /** The same model in another direction (shares the scorer). */
  withDirection(direction: readonly number[]): DirectionalRewardModel {
    return new DirectionalRewardModel(this.runId, this.scorer, direction);
  }

  async score(items: readonly PolicyRewardItem[], signal?: AbortSignal): Promise<number[]> {
    await abortPoint(signal);
    return items.map((x) => dot(this.direction, this.scorer.rewards(x.answer)));
  }

  dispose(): void {}
}
