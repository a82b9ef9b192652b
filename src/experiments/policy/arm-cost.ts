// How much of a run each arm is, for the progress bar's fraction and its time left. Arms of one run
// differ tenfold (online-direction: the directional arm about 2,000 s, PPO from it about 210 s), so
// equal shares made the first estimate of a one-hour run read "~280 min left".
// Units: one generated evaluation answer (eval.maxNewTokens tokens, batched). A training sequence
// through forward and backward costs TRAIN_SEQUENCE of them, a read without gradient (reference
// log-probs, rollout reads, KL) a third of that. The constant is fitted on online-direction's arm
// times at two evaluation sizes, since with one size the training and the answers cannot be told
// apart: with 600 answers (100 + 100 personas) directional 1,900-2,145 s, iterative RPO 893 s, PPO
// 207 s, RLOO 282 s; with 1,200 (300 + 100) directional 2,535 s, iterative 1,182 s, PPO 299 s. A
// LoRA training sequence of 320 tokens costs about 1.8 answers of 160 tokens (generation runs
// batched with a KV cache), and the model gets the ratios within 15%: directional / PPO 11.6 for
// 10.2 and 8.6 for 8.5, iterative / directional 0.41 for 0.42 and 0.52 for 0.47, RLOO / PPO 1.23
// for 1.36.
import type { PolicyArmSpec, PolicySpec } from '../../protocol/policy';

const TRAIN_SEQUENCE = 1.8;
const READ_SEQUENCE = TRAIN_SEQUENCE / 3;
/** Training pairs (or prompts) when `train.maxPairs` is null (all of the world's): a stand-in, only ratios matter. */
const ALL_PAIRS = 5000;

/** Evaluation answers of one arm: every persona set's prompts × samples. */
function evalAnswers(spec: PolicySpec): number {
  const e = spec.eval;
  return (e.seenPersonas + e.unseenPersonas) * e.questionsPerPersona * e.samples;
}

/**
 * One arm's cost in answer units. `trainsAgain` false: an arm that borrows an earlier arm's
 * trained policy (a directional arm differing only in how it reads personas) only writes.
 */
export function armCost(spec: PolicySpec, a: PolicyArmSpec, trainsAgain = true): number {
  const answers = evalAnswers(spec);
  // Writing, and the KL of what it wrote to the base.
  const judged = answers * (1 + READ_SEQUENCE);
  const m = a.method;
  const pairs = a.train.maxPairs ?? ALL_PAIRS;
  switch (m.kind) {
    case 'roleplay':
      return answers;
    case 'few-shot':
      return answers * 1.5; // longer prompts (a guess: no few-shot arm was timed)
    case 'dpo':
      return a.train.epochs * pairs * 2 * TRAIN_SEQUENCE + pairs * 2 * READ_SEQUENCE + judged;
    case 'directional-dpo': {
      const j = m.judge;
      // The fit reading judges its training questions as the held-out ones, without the sweep.
      const judge = (j.questions + j.fitQuestions) * j.baseDirections * m.dims * 2 + j.questions * j.sweepAngles;
      const training = trainsAgain ? a.train.epochs * pairs * 2 * TRAIN_SEQUENCE + pairs * 2 * READ_SEQUENCE + judge : 0;
      return training + (m.personas ? judged : 0);
    }
    case 'iterative-dpo': {
      const seenEval = spec.eval.seenPersonas * spec.eval.questionsPerPersona * spec.eval.samples;
      const iteration = pairs * m.samplesPerPrompt + pairs * 2 * (a.train.epochs * TRAIN_SEQUENCE + READ_SEQUENCE);
      return m.iterations * iteration + (m.iterations + 1) * seenEval + judged;
    }
    case 'ppo':
    case 'rloo': {
      const rollouts = a.train.epochs * pairs * (m.kind === 'rloo' ? m.k : 1);
      const updates = m.kind === 'ppo' ? m.ppoEpochs : 1;
      return rollouts * (1 + 2 * READ_SEQUENCE + updates * TRAIN_SEQUENCE) + judged;
    }
  }
}

/** Each arm's share of the run (they sum to 1); `borrows(i)`: arm i only writes with an earlier arm's policy. */
export function armShares(spec: PolicySpec, borrows: (i: number) => boolean = () => false): number[] {
  const costs = spec.arms.map((a, i) => Math.max(1, armCost(spec, a, !borrows(i))));
  const total = costs.reduce((s, c) => s + c, 0);
  return costs.map((c) => c / total);
}
