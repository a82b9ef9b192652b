// What Stage 2 asks of a reward model: a score for an answer actually written for a persona, so
// online methods (iterative DPO, PPO, RLOO) can label and reward their own samples and every run
// can be judged by the reward model beside the truth. A Stage-1 conditional reward model picked
// by run id implements it (loaded by the runner's environment: a folder in Node, IndexedDB in
// the browser); the runner only sees this interface.

/** One answer to score: the persona it was written for, the question, and the answer's text. */
export interface PolicyRewardItem {
  personaId: string;
  questionId: string;
  instruction: string;
  answer: string;
}

export interface PolicyRewardModel {
  /** The Stage-1 run the model comes from, and which of its arms. */
  readonly runId: string;
  readonly arm: string;
  /** Model and mode in words, for records. */
  readonly description: string;
  /** A scalar reward per item, in order (higher: the persona likes the answer more). */
  score(items: readonly PolicyRewardItem[], signal?: AbortSignal): Promise<number[]>;
  dispose(): void;
}

/** No such run, or the run kept no reward model (its arms were not trained, or it failed). */
export class RewardModelUnavailableError extends Error {
  override name = 'RewardModelUnavailableError';
}
