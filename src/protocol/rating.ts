// Messages between the app and the runner worker about the generalised Compare view and blind
// rating: a comparison's columns (a model or policy, by id, and a persona), the answers generated
// for them with the truth judge's reading, rating items (two answers shown in a seeded order with
// their identities hidden), votes, the votes file a rater exports and a teacher imports, and the
// pooled aggregation. Plain, structured-cloneable data only; src/experiments/rating computes it.

/** A model or policy a column can use. `id` is what the worker resolves: 'builtin',
 * 'builtin:blind', 'builtin-policy', 'loaded' (the Models panel's checkpoint) and, when policy runs
 * exist, 'policy:<runId>'. */
export interface ModelOption {
  id: string;
  label: string;
  /** One line: what it is and how it sees the persona. */
  about: string;
  available: boolean;
  /** Why it cannot be picked now (absent when available). */
  why?: string;
  /** A directional policy (issue 13, item 4): the objectives its direction runs over, in prompt order. */
  objectives?: string[];
  /** A directional policy that reads each component as tanh(squash · u_k) (method.squash); absent: as given. */
  squash?: number;
}

export interface ColumnSpec {
  modelId: string;
  personaId: string;
  /** For a directional policy: the direction over its objectives (normalized by the worker; all zeros asks for none). */
  direction?: number[];
}

export interface ColumnsRequest {
  instructionId: string;
  columns: ColumnSpec[];
  /** Answers per column, each from its own seeded stream. */
  samples: number;
  seed: number;
  /** 0 = greedy (then every sample of a column is the same). */
  temperature: number;
  topP: number;
  maxNewTokens: number;
  /** A Stage-1 run (RUN_ID or RUN_ID#ARM) whose reward model scores every answer; absent: none. */
  rewardModelRun?: string;
}

/** A Stage-1 run the Compare view can score answers with. */
export interface RewardModelOption {
  ref: string;
  label: string;
  available: boolean;
  why?: string;
}

/** One axis of the question: the pole an answer expresses against the persona's preferred pole. */
export interface AxisVerdict {
  axis: string;
  /** The pole's name, 'absent' or 'conflicting'. */
  expressed: string;
  preferred: string;
  /** true = matches the preferred pole, false = the opposite pole, null = absent or conflicting. */
  match: boolean | null;
}

/** The truth judge's reading of an answer for a persona (built-in world only). */
export interface TruthView {
  valid: boolean;
  /** Why an invalid answer is invalid, in words. */
  invalidWhy?: string;
  utility: number;
  /** The best answer's utility for this persona and question (the oracle's, knowing its noise). */
  bestUtility: number;
  /** The worst answer's utility (the neutral answer's is 0). */
  worstUtility: number;
  axes: AxisVerdict[];
}

export interface ColumnAnswer {
  column: number;
  sample: number;
  text: string;
  /** The built-in model's style line, when it wrote one. */
  style?: string;
  tokens: number;
  stopReason: string;
  /** For the column's own persona. */
  truth?: TruthView;
  /** The chosen reward model's score for the column's own persona. */
  reward?: number;
}

export interface ColumnsOutcome {
  datasetId: string;
  instructionId: string;
  instruction: string;
  /** Resolved labels, by column. */
  modelLabels: string[];
  answers: ColumnAnswer[];
  seconds: number;
  /** The reward model that scored the answers, or why none did (when one was chosen). */
  rewardModel?: { ref: string; description: string } | { ref: string; error: string };
}

/** A column's answer text as it streams. */
export interface ColumnTokenEvent {
  column: number;
  sample: number;
  text: string;
  style?: string;
  tokens: number;
}

export type VoteChoice = 'A' | 'B' | 'tie' | 'both-bad';

/** One answer of a rating item, with what stays hidden until the vote. */
export interface RatedAnswer {
  text: string;
  /** Who wrote it, as aggregated: the model label, plus "· for another persona" when it was
   * written for a persona other than the one judged. */
  system: string;
  modelId: string;
  writtenFor: string;
  /** The truth judge's true utility for the judged persona (built-in world). */
  truth?: { valid: boolean; utility: number };
  /** A Stage-1 reward model's score for the judged persona, when one was chosen. */
  reward?: number;
}

/** Two answers to one instruction, judged for one persona, shown as [A, B] in a seeded order. */
export interface RatingItem {
  /** A hash of the dataset, instruction, persona and both answers (order-free). */
  id: string;
  datasetId: string;
  instructionId: string;
  instruction: string;
  personaId: string;
  /** The persona as shown to the rater (one line). */
  personaLabel: string;
  answers: [RatedAnswer, RatedAnswer];
}

export interface Vote {
  /** A random id per browser, so two raters with one name stay apart. */
  raterId: string;
  /** Optional name the rater typed. */
  rater: string;
  itemId: string;
  choice: VoteChoice;
  at: string;
}

export const VOTES_FORMAT = 'persona-lab-votes';
export const VOTES_VERSION = 1;

/** The file a rater exports: its items carry the answers' texts and their hidden identities. */
export interface VotesFile {
  format: typeof VOTES_FORMAT;
  version: typeof VOTES_VERSION;
  datasetId: string;
  exportedAt: string;
  items: RatingItem[];
  votes: Vote[];
}

export interface ImportFileReport {
  name: string;
  ok: boolean;
  /** What went wrong, in words (absent when ok). */
  message?: string;
  raters: string[];
  votes: number;
  added: number;
  /** Same rater, item and vote as one already kept. */
  duplicates: number;
  /** Same rater and item with a different vote: the later one is kept. */
  replaced: number;
  /** Same rater and item with a different, earlier vote than the one kept: not taken. */
  stale: number;
}

export interface ImportReport {
  files: ImportFileReport[];
  added: number;
  duplicates: number;
  replaced: number;
  failed: number;
}

export interface PairRateView {
  a: string;
  b: string;
  n: number;
  winsA: number;
  ties: number;
  winsB: number;
  /** A's win rate, ties counted half, with its 95% Wilson interval. */
  rate: number;
  lo: number;
  hi: number;
}

export interface StrengthView {
  system: string;
  /** Bradley–Terry log-strength (mean 0 over systems) with a bootstrap 95% interval. */
  theta: number;
  lo: number;
  hi: number;
  comparisons: number;
}

export interface AgreementView {
  judge: 'truth' | 'reward';
  /** Votes where the judge has a verdict. */
  n: number;
  agree: number;
  percent: number;
  /** Cohen's κ over the labels A / B / tie (both bad counts as tie); NaN when undefined. */
  kappa: number;
}

export interface AggregateView {
  datasetId: string;
  votes: number;
  items: number;
  raters: Array<{ raterId: string; rater: string; votes: number }>;
  pairs: PairRateView[];
  strengths: StrengthView[];
  bootstrap: { resamples: number; seed: number };
  agreement: AgreementView[];
  /** Why reward-model agreement is absent. */
  rewardNote?: string;
}
