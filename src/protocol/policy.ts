// Stage 2 as plain data: a policy spec (which base policy, which built-in world and split, one or
// more arms — each an attribute subset to condition on, a method with its hyper-parameters, full
// or LoRA training — the evaluation, one seed) and the record a policy run writes (per arm its
// training curve with TRL's metric names and the judges' verdicts on the answers it generated).
// Types only: the app and the worker both read them; `parsePolicySpec`
// (src/experiments/policy/spec.ts) is the only way in and checks every value.
import type { RunEvent } from './events';
import type { CurvePoint, RunBackend, RunStatus, ArmStatus } from './record';
import type { DataSpec, SplitSpec, SubsetSpec } from './spec';


/** The projections a policy's LoRA adapter can adapt (models/lora/config.ts's LORA_TARGETS). */
export type PolicyLoraTarget = 'q_proj' | 'k_proj' | 'v_proj' | 'o_proj' | 'gate_proj' | 'up_proj' | 'down_proj';
export const POLICY_SPEC_VERSION = 1;
export const POLICY_RECORD_VERSION = 1;

/** Where the policy starts. */
export type PolicyBaseSpec =
  /** The persona-blind SFT policy shipped in public/models/builtin-policy (answers in random styles). */
  | { kind: 'builtin-policy' }
  /** The built-in persona-reading model (public/models/builtin): "SFT on tailored answers". */
  | { kind: 'builtin' }
  /** A Llama/Qwen2 checkpoint folder on disk (CLI only). */
  | { kind: 'path'; path: string }
  /**
   * An ONNX decoder run by onnxruntime-web, named as an experiment arm's model.onnx (a folder, an
   * http(s) base URL, hf:owner/name[@revision], or a model-cache entry onnx:NAME in the app). It
   * trains nothing: only a spec whose arms are all untrained (roleplay, few-shot) may name it.
   */
  | { kind: 'onnx'; onnx: string };

export const DPO_LOSSES = ['sigmoid', 'ipo', 'hinge', 'robust', 'simpo', 'rpo'] as const;
export type DpoLossName = (typeof DPO_LOSSES)[number];

/** Which preference pairs offline DPO trains on (Stage 1's pair sets, src/data/pairs.ts). */
/** Stage 1's pair sets (generic, cross, both), or `pole`: the persona's preferred answer against it with one axis flipped (data/builtin/pole-pairs.ts). */
export type DpoPairKind = 'generic' | 'cross' | 'both' | 'pole';

export interface DpoMethodSpec {
  kind: 'dpo';
  loss: DpoLossName;
  /** β: strength of the KL regularisation (TRL's beta). */
  beta: number;
  /** ε: label smoothing (sigmoid, robust, simpo, rpo). */
  labelSmoothing: number;
  /** γ: SimPO's target reward margin. */
  simpoGamma: number;
  /** α: RPO's weight on the chosen answers' NLL. */
  rpoAlpha: number;
  pairs: DpoPairKind;
}

// The online methods' `start`: null starts from the base policy; otherwise the label of an earlier
// directional arm that writes for personas (method.personas): the online arm starts from that
// arm's trained policy, reads each persona as a direction with its own reward model (the one that
// labels its samples), writes every answer at it under the marginal prompt, and keeps the start
// policy as its KL reference (docs/policies.md, "Online methods from a directional policy").
export type PolicyMethodSpec =
  | DpoMethodSpec
  /** Online DPO: sample K answers per prompt, label best vs worst with a Stage-1 reward model, retrain. */
  | (Omit<DpoMethodSpec, 'kind' | 'pairs'> & { kind: 'iterative-dpo'; iterations: number; samplesPerPrompt: number; temperature: number; rewardModelRun: string | null; start: string | null })
  /** PPO with a Stage-1 reward model (per-token KL penalty, value head, GAE). */
  | { kind: 'ppo'; rewardModelRun: string | null; start: string | null; temperature: number; klCoef: number; gamma: number; lam: number; cliprange: number; cliprangeValue: number; vfCoef: number; valueHead: 'shared' | 'detached'; valueLr: number | null; valueInit: 'zero' | 'mean-score'; ppoEpochs: number; rolloutsPerStep: number }
  /** RLOO: K samples per prompt, leave-one-out baseline, no critic. */
  | { kind: 'rloo'; rewardModelRun: string | null; start: string | null; temperature: number; klCoef: number; k: number; cliprange: number; rolloutsPerStep: number }
  /** Directional control (issue 13, item 4): the system message is a preference direction over a multi-objective reward model's objectives; DPO on pairs labelled by direction · r(x). */
  | DirectionalMethodSpec
  /** No training: the base policy with the persona in its system message. */
  | { kind: 'roleplay' }
  /** No training: roleplay plus k of the persona's preferred answers to other questions. */
  | { kind: 'few-shot'; k: number };

export type PolicyMethodKind = PolicyMethodSpec['kind'];

/**
 * A policy conditioned on a preference direction u (a unit vector over the objectives of a kept
 * multi-objective reward model) instead of a persona: its system message is one line per objective
 * ("formality +0.42"). Trained by DPO on pole pairs (a built-in answer against the same answer with
 * one axis's pole flipped, on the training questions) under a random direction each, the pair
 * labelled by u · r(x), the reward model's score in that direction; judged by the truth on held-out
 * questions with directions moved from − to + along each objective (policy/directional.ts).
 */
export interface DirectionalMethodSpec extends Omit<DpoMethodSpec, 'kind' | 'pairs'> {
  kind: 'directional-dpo';
  /** A kept multi-objective reward model (`analysis run --keep-model FILE`: a file in the CLI); null: the arm fits one on the run's training pairs first. */
  rewardModel: string | null;
  /** The basis size when the arm fits its own model. */
  dims: number;
  /** Pairs with |u · (r(x) − r(x'))| at or under this are dropped (too close to call). */
  minMargin: number;
  /**
   * Where the direction stands: the system message, after the question in the user's turn, or not
   * in the text at all: `embedding` adds a learned vector, u · E (E one trainable row per objective),
   * to every block's normalized input, under the marginal prompt (train/policy/condition-embedding.ts).
   */
  placement: 'system' | 'question' | 'embedding';
  /** The learning rate of the `embedding` placement's table; null: the policy's train.lr. */
  conditionLr: number | null;
  /**
   * How the `embedding` placement's blocks read the direction: `everywhere`, the sum u · E added at
   * every position; `gated`, each objective's part u_k E_k weighted at each position by a learned
   * gate on that position's input (LlamaModel's GatedCondition), so the opener can read formality
   * and the closing sentence humour; `gated-head`, the same gated parts read once, at the final
   * hidden state just before the LM head (GateSite `head`): the blocks stay the base's, and each part
   * tilts the next token's logits where its gate opens. The gate trains at conditionLr.
   */
  conditionRead: 'everywhere' | 'gated' | 'gated-head';
  /**
   * Gated parts per objective (a gated read only; 1: one row, key and bias each): each part has its
   * own row of E, key and bias and reads the objective's component u_k, so one objective can tilt
   * different words in different contexts (the word that opens a pole on one question opens the
   * other pole on another).
   */
  gateParts: number;
  /**
   * How the `embedding` placement's policy reads the direction's components: 0, as given (u_k);
   * s > 0, as tanh(s · u_k), so a small component asks for its pole almost as firmly as a large
   * one, as the reward u · r(x) does (its best answer follows the sign of every component). Saved
   * with the table, so the judge and Compare read directions the same way.
   */
  squash: number;
  /** Where a gated read's gate biases start (0: every gate half open; negative: mostly closed, so a gate opens only where training asks). */
  gateBias: number;
  /**
   * Classifier-free guidance γ when the `embedding` placement's policy writes (judge and Compare):
   * each token from l(u·E) + γ·(l(u·E) − l(0)), l(0) the policy without its vector; 0 = none.
   */
  guidance: number;
  /**
   * The plausibility constraint α when the `embedding` placement's policy writes (judge, Compare,
   * and the online arms that continue it): a token is a candidate only where the policy without
   * its vector gives it at least α times the probability of its own most likely token (contrastive
   * decoding's constraint, Li et al. 2023), so the direction chooses among what the policy would
   * write anyway and garbles nothing that is sure (a question's core sentence); 0 = none.
   */
  plausibility: number;
  /**
   * Condition dropout (the training side of classifier-free guidance, Ho & Salimans 2022): this
   * share of the pairs, a seeded choice per pair, trains with a zero direction and only the NLL of
   * its chosen answer, so the policy at u = 0 is the answer over directions that guidance
   * contrasts with. Needs placement `embedding`; 0 = none.
   */
  conditionDropout: number;
  /**
   * How training directions are drawn: `sphere`, uniform on the unit sphere; `axis`, the pair's
   * flipped axis at ±m (m uniform in [0.5, 0.9]) and the rest random (policy/directional.ts).
   */
  directions: 'sphere' | 'axis';
  judge: DirectionalJudgeSpec;
  /**
   * Also write for the evaluation's personas (issue 11 through the direction, placement
   * `embedding` only): a bag-of-features reward model trained in the run on the arm's
   * `conditioning` attributes reads each persona as a direction (./experiments/policy/persona-direction.ts;
   * with no attributes, one pooled direction for everyone: the marginal policy), the policy writes
   * at it under the marginal prompt, and the truth judges those answers as any arm's `eval`.
   */
  personas: boolean;
  /** With `personas`: the length of the vector each answer is written at (the persona's direction on its question's objectives, renormalized; policy/persona-direction.ts questionDirection). */
  personaStrength: number;
  /**
   * With `personas`: the pairs the persona-reading reward model trains on. 'generic+cross' (the
   * run's Stage-1 pair sets) carries no majority between an axis's poles: every pole beats the
   * neutral answer, and cross pairs are balanced by construction, so a marginal model learns
   * which pole is more distinctive, not which more personas want. 'generic+cross+pole' adds the
   * pole pairs (the persona's answer against it with one pole flipped), where the majority shows.
   */
  readerPairs: ReaderPairs;
  /**
   * With `personas`: how many persona-reading reward models (seeds seed, seed + 1, ...) are
   * trained and averaged (own-reward.ts `members`). One model's reading moves with its seed; the
   * mean of several is steadier. 1 = one model, what specs before this field ran.
   */
  readers: number;
}

export type ReaderPairs = 'generic+cross' | 'generic+cross+pole';

export interface DirectionalJudgeSpec {
  /** Questions held out of training and judged (a seeded sample of the world's questions). */
  questions: number;
  /** Directions per question and objective: each a seeded random unit vector, its component on the objective set to −magnitude, then +magnitude. */
  baseDirections: number;
  /** |u_k| of the moved component (the others share the rest of the unit length). */
  magnitude: number;
  /** The Pareto sweep: directions at this many angles in the plane of two objectives. */
  sweepAngles: number;
  sweepObjectives: [string, string];
  /**
   * Also judge this many of the questions the policy trained on (the first of their seeded order),
   * with the judge's own kind of new directions (DirectionalResult.fit): how well the direction is
   * fitted, beside how far it carries to the held-out questions. 0 = none.
   */
  fitQuestions: number;
}

export interface DirectionalAxisResult {
  objective: string;
  /** (question, base direction) items: two answers each, at −magnitude and +magnitude. */
  n: number;
  /** Answers at − on the − pole and at + on the + pole (the truth's parse of the objective's axis). */
  flipped: RateWithInterval;
  /** The axis's pole differs between the two answers (either way). */
  changed: RateWithInterval;
  /** The question's other axes keep their pole between the two answers (over items × other axes). */
  held: RateWithInterval;
  /** Share of the answers the truth cannot read (unparsed or off topic). */
  invalidRate: number;
}

/** Mean truth-read pole (+1, −1, 0 absent/unread) of an objective's axis over answers to questions that use it. */
export interface PoleMean {
  objective: string;
  n: number;
  mean: number;
  lo: number;
  hi: number;
}

export interface DirectionalResult {
  objectives: string[];
  /** The reward model the pairs were labelled by, in words. */
  rewardModel: string;
  judgeQuestions: string[];
  magnitude: number;
  baseDirections: number;
  axes: DirectionalAxisResult[];
  /** Pooled over objectives. */
  overall: { flipped: RateWithInterval; changed: RateWithInterval; held: RateWithInterval };
  /**
   * Teacher-forced, on the judge's items: how far moving u_k from − to + moves the policy's log-odds
   * of axis k's + pole over its − pole (log π(x₊|u) − log π(x₋|u), x± the question's answer with
   * axis k at ± and the other axes +), in nats, mean over items with a normal interval. A policy
   * that ignores the direction sits at 0, even where no greedy answer flips. Absent in older records.
   */
  logOddsShift?: { n: number; mean: number; lo: number; hi: number };
  /** judge.fitQuestions > 0: the same judge on questions the policy trained on (new directions). */
  fit?: { questions: string[]; overall: DirectionalResult['overall']; logOddsShift: { n: number; mean: number; lo: number; hi: number } };
  /** The Pareto sweep: per angle θ the direction (cos θ, sin θ) on the two objectives and the poles reached on every objective. */
  sweep: { x: string; y: string; points: { angle: number; direction: number[]; values: PoleMean[] }[]; base: PoleMean[] };
  /** A few answer pairs at − and + for reading. */
  examples: { questionId: string; objective: string; minus: string; plus: string; minusPole: number | null; plusPole: number | null }[];
}

export interface PolicyTrainSpec {
  mode: 'full' | 'lora';
  /** `targets`: the projections adapted (default q_proj, v_proj, as PEFT's default for Llama). */
  lora: { rank: number; alpha: number; dropout: number; targets: PolicyLoraTarget[] };
  epochs: number;
  batchSize: number;
  lr: number;
  weightDecay: number;
  clipNorm: number | null;
  /** Cap on training pairs (a seeded sample), null for all. */
  maxPairs: number | null;
  /** Prompt + response tokens kept (longer rows lose prompt tokens first). */
  maxLength: number;
  logEvery: number;
}

export interface PolicyArmSpec {
  /** Shown in tables; unique within the run. */
  label: string;
  /** The persona's attributes in the prompt; subset none is the marginal (persona-blind) policy. */
  conditioning: SubsetSpec;
  method: PolicyMethodSpec;
  train: PolicyTrainSpec;
}

export interface PolicyEvalSpec {
  /** Seen personas evaluated (on their held-out questions) and unseen personas; seeded samples. */
  seenPersonas: number;
  unseenPersonas: number;
  /** Questions per evaluated persona (at most). */
  questionsPerPersona: number;
  /** Answers sampled per (persona, question), for the policy and for the base alike. */
  samples: number;
  /** Sampling temperature (0 = greedy). */
  temperature: number;
  maxNewTokens: number;
  /** Prompts per generation batch. */
  batchSize: number;
  /** Confidence level of every interval. */
  confidence: number;
  /** A Stage-1 conditional reward model to judge with, by run id; null for none. */
  rewardModelRun: string | null;
}

export interface PolicySpec {
  version: typeof POLICY_SPEC_VERSION;
  name: string;
  /** The one seed: split, pair sampling, LoRA init, batch order, evaluation samples. */
  seed: number;
  base: PolicyBaseSpec;
  /** The built-in world (the truth judge needs its planted utilities). */
  data: Extract<DataSpec, { source: 'builtin' }>;
  split: SplitSpec;
  arms: PolicyArmSpec[];
  eval: PolicyEvalSpec;
}

/** A named policy preset as the CLI and the app list it (the spec complete, defaults filled). */
export interface PolicyPresetInfo {
  name: string;
  title: string;
  description: string;
  spec: PolicySpec;
}

export type PolicySpecCheck = { ok: true; spec: PolicySpec; hash: string } | { ok: false; path: string; message: string };

/** A rate with its Wilson interval; `n` items, ties counted half in `wins`. */
export interface RateWithInterval {
  n: number;
  wins: number;
  rate: number;
  lo: number;
  hi: number;
}

export interface PersonaPolicyScore {
  personaId: string;
  answers: number;
  /** Truth win rate against the base policy's answer to the same prompt (ties half). */
  vsBase: number;
  /** Truth win rate against the Bayes-best answer. */
  vsBayes: number;
  /** Mean true utility of the policy's, the base's and the Bayes-best answers. */
  utility: number;
  baseUtility: number;
  bestUtility: number;
}

export interface SpreadStats {
  median: number;
  q1: number;
  q3: number;
  min: number;
  max: number;
}

/** The truth judge's verdict on one arm's answers for one persona set (seen or unseen). */
export interface PolicyEvalSet {
  set: 'seen' | 'unseen';
  personas: number;
  answers: number;
  vsBase: RateWithInterval;
  vsBayes: RateWithInterval;
  /** Per-persona win rates against the base: the spread the median of the issue reads. */
  perPersonaVsBase: SpreadStats;
  perPersona: PersonaPolicyScore[];
  meanUtility: number;
  baseUtility: number;
  bestUtility: number;
  /** (U_policy − U_base) / (U_best − U_base); NaN when the base is already best. */
  gapClosed: number;
  /** Mean over the policy's samples of Σ_t (log π − log π_base): KL(π ‖ base) estimated on its own samples. */
  kl: number;
  /** Share of the policy's (and the base's) answers that cannot be parsed or are off topic. */
  invalidRate: number;
  baseInvalidRate: number;
  /** The reward-model judge's verdict on the same answers (when eval.rewardModelRun names one; absent in older records). */
  rewardModel?: RewardModelEvalSet;
  /**
   * Online arms (iterative DPO, PPO, RLOO): the verdict of the reward model the arm itself
   * optimized (its labels or rewards) on the same answers. Its gap is the reward hacking of this
   * very training: how much more the model it climbed likes the answers than the truth does.
   * Absent for other arms and in older records.
   */
  optimizedRewardModel?: RewardModelEvalSet;
}

/** A Stage-1 reward model's reading of one arm's answers for one persona set, beside the truth's. */
export interface RewardModelEvalSet {
  /** Win rate against the base's answer to the same prompt by reward-model score (ties half). */
  vsBase: RateWithInterval;
  /** Mean reward-model score of the policy's answers and of the base's. */
  meanScore: number;
  baseMeanScore: number;
  /** Reward-hacking gap: reward-model win rate − truth win rate against the base (> 0: the reward model likes the answers more than the truth does). */
  hackingGap: number;
}

/** On a skewed world, per skewed axis: a conditional arm against a marginal one (same method), per group. */
export interface SkewComparison {
  axis: string;
  conditional: string;
  marginal: string;
  minorityPole: string;
  minorityShare: number;
  /** Truth win rate of the conditional arm's answer over the marginal arm's, on questions that use the axis. */
  minority: RateWithInterval;
  majority: RateWithInterval;
  /**
   * Each arm against the base policy on the same answers' prompts (questions that use the axis),
   * minority and majority apart: does the conditional arm serve the minority, where the marginal
   * one follows the majority? Absent for records written before arms kept `vsBase`.
   */
  vsBase?: { conditional: { minority: RateWithInterval; majority: RateWithInterval }; marginal: { minority: RateWithInterval; majority: RateWithInterval } };
}

export interface PolicyArmResult {
  label: string;
  /** Method in words, e.g. "DPO (sigmoid, β 0.1)". */
  method: string;
  /** Attribute subset name, e.g. "none" (marginal), "custom (10)". */
  conditioning: string;
  /** Training in words, e.g. "LoRA r8 on q,v". */
  training: string;
  status: ArmStatus;
  error?: string;
  curve: CurvePoint[];
  /** Final training metrics (TRL names) and sizes. */
  final: Record<string, number>;
  eval: PolicyEvalSet[];
  /** Answers the policy wrote (a few per set, for reading). */
  examples: { set: 'seen' | 'unseen'; personaId: string; questionId: string; policy: string; base: string }[];
  /** Every answer the policy wrote, in the evaluation's item order (samples item-major): what the
   * skew comparison and a resumed run read back. */
  answers?: string[];
  /** The truth's verdict on each of those answers against the base's to the same prompt: 1 win, 0.5 tie, 0 loss (what per-group win rates are computed from). */
  vsBase?: number[];
  /** Where the trained policy was saved (a folder the app or `model generate` can load), when it was. */
  saved?: string;
  /** Online methods (iterative DPO, PPO, RLOO): the reward model that labelled or rewarded the samples, in words. */
  rewardModel?: string;
  /** Online methods with method.start: the directional arm whose trained policy they started from (personaDirections: their own reading). */
  start?: string;
  /** Iterative DPO: iteration 0 (the starting policy), then each iteration's pairs and the truth's verdict on the policy it made. */
  iterations?: PolicyIterationResult[];
  /** Directional policies: the truth's reading of answers as the direction moves (eval is empty: it has no persona prompts). */
  directional?: DirectionalResult;
  /** Directional policies with method.personas (and online arms started from one): how the evaluation's personas were read as directions (eval holds the truth's verdict). */
  personaDirections?: PersonaDirections;
  seconds: number;
}

/** A directional arm writing for personas: the reward model that read them, and what it read. */
export interface PersonaDirections {
  /** The reward model, in words (conditional on the arm's attributes, or marginal). */
  rewardModel: string;
  objectives: string[];
  /** Per evaluation persona, the unit direction the policy wrote at (0s: the model rated the persona flat). */
  directions: { personaId: string; direction: number[] }[];
  /** The length each answer's direction was scaled to, on its question's objectives (method.personaStrength). */
  strength: number;
  /** Share of persona × objective whose direction has the sign of the persona's planted taste (the truth's view of the reading). */
  tasteSignAgreement: number;
  /** The label of the earlier arm whose trained policy this arm wrote with (same method and training; only the conditioning differs). */
  sharedWith?: string;
}

/** One iteration of iterative DPO, and the truth judge's reading of the policy after it (greedy or `eval.temperature` answers on the seen personas' evaluation prompts). */
export interface PolicyIterationResult {
  /** 0: the starting policy, before any iteration. */
  iteration: number;
  /** Prompts sampled, answers per prompt, pairs kept (best against worst) and prompts dropped because every answer tied. */
  prompts: number;
  samplesPerPrompt: number;
  pairs: number;
  ties: number;
  /** Mean reward-model score of the iteration's samples (null for iteration 0). */
  meanScore: number | null;
  /** Mean true utility of the policy's answers with its interval (normal approximation, eval.confidence), and the win rate against the base. */
  utility: { n: number; mean: number; lo: number; hi: number };
  vsBase: RateWithInterval;
  invalidRate: number;
  /**
   * The paired change of true utility on the same prompts and samples (iteration 1 on; absent in
   * records before it): against the previous iteration's answers and against the start's. Most
   * answers do not change from one iteration to the next, so the spread of the answers' utilities
   * (the `utility` interval) hides a change the paired differences show.
   */
  change?: { vsPrevious: UtilityChange; vsStart: UtilityChange };
  /**
   * The reward model the arm optimizes, reading the same evaluation answers the truth reads (absent
   * in records before it): its mean score with the interval and, from iteration 1, the paired change
   * against the start's answers. `meanScore` reads each iteration's own training prompts, a new
   * sample every iteration, so only this says whether the policy rose by the reward model's lights.
   */
  evalScore?: { n: number; mean: number; lo: number; hi: number; vsStart?: UtilityChange };
}

/** Mean of per-answer differences of utility (or of reward-model score): this policy's answer − the earlier one's, same prompt and sample, with its interval (normal approximation, eval.confidence), and how many answers rose and fell. */
export interface UtilityChange {
  n: number;
  mean: number;
  lo: number;
  hi: number;
  rose: number;
  fell: number;
}

export interface PolicyJudges {
  truth: 'planted utility (built-in world)';
  /** A Stage-1 conditional reward model's verdicts (in each arm's eval sets), or why there are none. */
  rewardModel: { status: 'missing'; reason: string } | { status: 'ok'; runId: string; arm: string; description: string };
}

export interface PolicyRecord {
  recordVersion: typeof POLICY_RECORD_VERSION;
  kind: 'policy';
  id: string;
  name: string;
  spec: PolicySpec;
  seed: number;
  appVersion: string;
  backend: RunBackend;
  /** The base policy's name and weights hash. */
  base: string | null;
  createdAt: string;
  updatedAt: string;
  status: RunStatus;
  error?: { name: string; message: string };
  data: {
    id: string;
    personas: number;
    seenPersonas: number;
    unseenPersonas: number;
    trainPairs: Record<'generic' | 'cross', number>;
    evalPrompts: { seen: number; unseen: number };
    /** Skewed axes: minority pole and share. */
    skew: { axis: string; minorityPole: string; minorityShare: number }[];
  } | null;
  judges: PolicyJudges;
  arms: PolicyArmResult[];
  skew: SkewComparison[];
}

/** What a policy run tells whoever started it: Stage 1's events, with the policy record as result. */
export type PolicyRunEvent = Exclude<RunEvent, { kind: 'result' }> | { kind: 'result'; runId: string; final: boolean; record: PolicyRecord };
