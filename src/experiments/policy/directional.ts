// Directional control's data and judge (issue 13, item 4). Training pairs: on the training
// questions, under a random direction u each, the multi-objective reward model's best candidate
// answer in direction u (by u · r(x), never by the truth) against the same answer with one axis's
// pole flipped: the mapping sign(u_k) ↔ pole of axis k the policy must learn, every axis at once in
// the chosen answer, one axis isolated by the pair. The judge: on held-out questions, for each
// objective and several base directions, the policy answers at u_k = −m and u_k = +m (the other
// components fixed); the truth parses both answers; the objective's axis should flip from the − to
// the + pole while the question's other axes hold. The Pareto sweep turns u in the plane of two
// objectives and records the mean truth pole reached on every axis.
import { AXIS_IDS, candidatePoles, parseAnswer, QUESTIONS, responseId, responseText, type BuiltinQuestion, type PreferencePair } from '../../data';
import type { HostConditionGate } from '../../models/llama/model';
import type { LoraAdapter } from '../../models/lora/adapter';
import type { DirectionalJudgeSpec, DirectionalMethodSpec, DirectionalResult, PoleMean, PolicyEvalSpec } from '../../protocol/policy';
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { MultiObjectiveScorer } from '../analysis/kept-model';
import { meanInterval } from '../results/intervals';
import { axisPair, directionalTurns, directionText, dot, randomDirection, sweepDirections, type DirectionPlacement } from './direction';
import { contextOf, generateAnswers, rate, responseLogps, type AnswerLm } from './evaluate';
import { promptIds, responseIds, type PolicyLayout } from './prompts';
import type { Backend } from '../../tensor';
import { abortPoint } from '../../util/abort-point';

/** The questions the judge reads (a seeded sample, never trained on) and the rest, which train. */
export function splitQuestions(count: number, seed: number): { judge: BuiltinQuestion[]; train: BuiltinQuestion[] } {
  const order = new Rng(fnv1a32(`${seed}:directional:questions`)).shuffle(QUESTIONS.slice());
  return { judge: order.slice(0, count), train: order.slice(count) };
}

export interface DirectionalPairs {
  pairs: PreferencePair[];
  /** Per pair id, its direction's system message. */
  system: Map<string, string>;
  /** Per pair id, its direction u (what an embedding-placed policy reads instead of the text). */
  directions: Map<string, number[]>;
  /** Pairs dropped because |u · (r(x) − r(x'))| was under the margin (too close to call). */
  ties: number;
}

/**
 * `count` pairs (fewer only when 50·count draws do not give them) on the training questions, each
 * under its own random direction u: chosen, the question's candidate answer with the highest
 * u · r(x) (the reward model's best answer in that direction: every axis on the pole u asks for, as
 * the model reads it); rejected, the same answer with one axis's pole flipped. A pair whose margin
 * u · (r(chosen) − r(rejected)) is at or under `minMargin` is dropped (counted as a tie): there the
 * direction barely weighs the flipped axis. So the chosen side teaches every axis at once (RPO's
 * NLL term) and the pair isolates one axis (the DPO term).
 */
export function directionalPairs(scorer: MultiObjectiveScorer, questions: readonly BuiltinQuestion[], count: number, seed: number, minMargin = 0, sampling: DirectionSampling = 'sphere'): DirectionalPairs {
  const O = scorer.objectives.length;
  const out: DirectionalPairs = { pairs: [], system: new Map(), directions: new Map(), ties: 0 };
  // Every candidate answer's reward vector, once.
  const candidates = new Map(questions.map((q) => [q.id, candidatePoles(q).filter((p) => p.every((x) => x !== 0)).map((poles) => ({ poles, text: responseText(q, poles), r: scorer.rewards(responseText(q, poles)) }))]));
  for (let i = 0; out.pairs.length < count && i < 50 * count; i++) {
    const rng = new Rng(fnv1a32(`${seed}:directional:pair:${i}`));
    const q = rng.pick(questions);
    // (`sphere` draws u before the axis, as runs before `axis` sampling did, so their pairs stay the same.)
    const { u, k } = sampledDirection(rng, O, sampling, q, scorer.objectives);
    const cands = candidates.get(q.id)!;
    let best = cands[0];
    for (const c of cands) if (dot(u, c.r) > dot(u, best.r)) best = c;
    const flipped = best.poles.map((p, j) => (j === k ? -p : p));
    const other = cands.find((c) => c.poles.every((p, j) => p === flipped[j]))!;
    const margin = dot(u, best.r) - dot(u, other.r);
    if (margin <= minMargin) {
      out.ties++;
      continue;
    }
    const id = `dir:${i}:${q.id}:${q.axes[k]}`;
    out.pairs.push({ id, set: 'pole', personaId: 'direction', questionId: q.id, instruction: q.text, chosen: best.text, rejected: other.text, chosenId: responseId(q, best.poles), rejectedId: responseId(q, flipped), strength: margin });
    out.system.set(id, directionText(scorer.objectives, u));
    out.directions.set(id, u);
  }
  return out;
}

export type DirectionSampling = DirectionalMethodSpec['directions'];

/**
 * A training direction. `sphere`: uniform on the unit sphere (with 10 objectives a component is
 * mostly under 0.5, so a pole decision is asked for by a small number). `axis`: the flipped
 * axis's objective `k` at ±m, m uniform in [0.5, 0.9], the others a random direction scaled to
 * the rest of the unit length: the judge's kind of direction (axisPair), at magnitudes around its.
 */
function sampledDirection(rng: Rng, dims: number, sampling: DirectionSampling, q: BuiltinQuestion, objectives: readonly string[]): { u: number[]; k: number } {
  if (sampling === 'sphere') {
    const u = randomDirection(rng, dims);
    return { u, k: rng.int(q.axes.length) };
  }
  const k = rng.int(q.axes.length);
  const o = objectives.indexOf(q.axes[k]);
  if (o < 0) return { u: randomDirection(rng, dims), k };
  const pair = axisPair(randomDirection(rng, dims), o, rng.uniform(0.5, 0.9));
  return { u: rng.next() < 0.5 ? pair.minus : pair.plus, k };
}

/** The truth's reading of one axis in an answer: +1, −1, 0 (absent or both poles), null when the answer is unreadable or off topic. */
export function poleOf(q: BuiltinQuestion, text: string, axis: string): number | null {
  const p = parseAnswer(q, text);
  if (!p.parsed || !p.onTopic) return null;
  const s = q.axes.indexOf(axis as BuiltinQuestion['axes'][number]);
  if (s < 0) return 0;
  const r = p.readings[s];
  return r === 1 || r === -1 ? r : 0;
}

/** One judged pair of answers: the question, the moved objective, the answers at − and +. */
export interface AxisItem {
  question: BuiltinQuestion;
  objective: string;
  minus: string;
  plus: string;
}

/** The verdict on the − / + answers of every item (pure: the known-answer tests call it). */
export function judgeAxisItems(objectives: readonly string[], items: readonly AxisItem[], confidence: number): Pick<DirectionalResult, 'axes' | 'overall'> {
  const tally = () => ({ n: 0, flipped: 0, changed: 0, heldN: 0, held: 0, invalid: 0 });
  const per = new Map(objectives.map((o) => [o, tally()]));
  const all = tally();
  for (const it of items) {
    const t = per.get(it.objective);
    if (!t) continue;
    const pm = poleOf(it.question, it.minus, it.objective);
    const pp = poleOf(it.question, it.plus, it.objective);
    for (const x of [t, all]) {
      x.n++;
      x.invalid += (pm === null ? 1 : 0) + (pp === null ? 1 : 0);
      if (pm !== null && pp !== null) {
        if (pm === -1 && pp === 1) x.flipped++;
        if (pm !== pp) x.changed++;
      }
    }
    for (const other of it.question.axes) {
      if (other === it.objective) continue;
      const om = poleOf(it.question, it.minus, other);
      const op = poleOf(it.question, it.plus, other);
      for (const x of [t, all]) {
        x.heldN++;
        if (om !== null && op !== null && om === op) x.held++;
      }
    }
  }
  const axes = objectives
    .filter((o) => per.get(o)!.n > 0)
    .map((o) => {
      const t = per.get(o)!;
      return { objective: o, n: t.n, flipped: rate(t.flipped, t.n, confidence), changed: rate(t.changed, t.n, confidence), held: rate(t.held, t.heldN, confidence), invalidRate: t.invalid / (2 * t.n) };
    });
  return { axes, overall: { flipped: rate(all.flipped, all.n, confidence), changed: rate(all.changed, all.n, confidence), held: rate(all.held, all.heldN, confidence) } };
}

/** Mean truth pole per objective over answers to questions that use its axis (unreadable answers count 0), with a normal interval. */
export function poleMeans(objectives: readonly string[], answers: readonly { question: BuiltinQuestion; text: string }[], confidence: number): PoleMean[] {
  return objectives.map((o) => {
    const xs = answers.filter((a) => a.question.axes.includes(o as BuiltinQuestion['axes'][number])).map((a) => poleOf(a.question, a.text, o) ?? 0);
    return { objective: o, ...meanInterval(xs, confidence) };
  });
}

export interface DirectionalJudgeInput {
  be: Backend;
  model: AnswerLm;
  adapter: LoraAdapter | null;
  /** The base policy (no adapter): its answers without any system message are the sweep's reference point. */
  base: AnswerLm;
  layout: PolicyLayout;
  objectives: readonly string[];
  rewardModel: string;
  questions: readonly BuiltinQuestion[];
  /** Questions the policy trained on, judged the same way (DirectionalResult.fit); none: no such reading. */
  fitQuestions?: readonly BuiltinQuestion[];
  judge: DirectionalJudgeSpec;
  placement: DirectionPlacement;
  /** An embedding-placed policy's vector for a direction (its learned u · E); absent for a policy that reads the text. */
  conditionOf?: (u: readonly number[]) => Float32Array;
  /** A gated policy's gate: then conditionOf gives the K parts of the vector (LlamaModel's GatedCondition). */
  conditionGate?: HostConditionGate | null;
  /** Classifier-free guidance on that vector when the policy writes (not in the teacher-forced shift, which reads the policy itself). */
  guidance?: number;
  /** The plausibility constraint against the policy at u = 0 when it writes (generate's `plausibility`). */
  plausibility?: number;
  eval: PolicyEvalSpec;
  seed: number;
  signal?: AbortSignal;
  onProgress?(done: number, total: number, what: string): void;
}

export interface PlanItem {
  question: BuiltinQuestion;
  objective: string;
  minus: number[];
  plus: number[];
}

/** The judge's items: objective × held-out question that uses its axis × seeded base direction, each with its u− and u+. */
export function judgePlan(objectives: readonly string[], questions: readonly BuiltinQuestion[], judge: Pick<DirectionalJudgeSpec, 'baseDirections' | 'magnitude'>, seed: number): PlanItem[] {
  const O = objectives.length;
  const plan: PlanItem[] = [];
  objectives.forEach((o, k) => {
    if (!(AXIS_IDS as readonly string[]).includes(o)) return;
    for (const q of questions) {
      if (!q.axes.includes(o as BuiltinQuestion['axes'][number])) continue;
      for (let b = 0; b < judge.baseDirections; b++) {
        const base = randomDirection(new Rng(fnv1a32(`${seed}:directional:base:${q.id}:${o}:${b}`)), O);
        plan.push({ question: q, objective: o, ...axisPair(base, k, judge.magnitude) });
      }
    }
  });
  return plan;
}

/** The teacher-forced log-odds shift of axis k's pole as u_k moves from − to + (DirectionalResult.logOddsShift). */
export async function poleLogOddsShift(x: Pick<DirectionalJudgeInput, 'model' | 'adapter' | 'layout' | 'eval' | 'signal' | 'conditionOf' | 'conditionGate'>, plan: readonly PlanItem[], turns: (u: readonly number[], q: BuiltinQuestion) => { system: string; user: string }): Promise<NonNullable<DirectionalResult['logOddsShift']>> {
  const rows: { prompt: number[]; response: number[] }[] = [];
  const conditions: Float32Array[] = [];
  for (const p of plan) {
    const s = p.question.axes.indexOf(p.objective as BuiltinQuestion['axes'][number]);
    const answer = (pole: number) => responseText(p.question, p.question.axes.map((_, j) => (j === s ? pole : 1)));
    for (const u of [p.minus, p.plus]) {
      const t = turns(u, p.question);
      const ids = promptIds(x.layout, t.system, t.user);
      const c = x.conditionOf?.(u);
      for (const pole of [1, -1]) {
        rows.push({ prompt: ids, response: responseIds(x.layout, t.system, t.user, answer(pole)) });
        if (c) conditions.push(c);
      }
    }
  }
  const sums: number[] = [];
  for (let i = 0; i < rows.length; i += x.eval.batchSize) {
    await abortPoint(x.signal);
    const conds = x.conditionOf ? { conditions: conditions.slice(i, i + x.eval.batchSize), conditionGate: x.conditionGate ?? null } : {};
    sums.push(...(await responseLogps(x.model, rows.slice(i, i + x.eval.batchSize), { padId: x.layout.tokenizer.padId, maxLength: contextOf(x.model), adapter: x.adapter, ...conds })));
  }
  const shifts = plan.map((_, i) => sums[4 * i + 2] - sums[4 * i + 3] - (sums[4 * i] - sums[4 * i + 1]));
  return meanInterval(shifts, x.eval.confidence);
}

/** Writes the judge's and the sweep's answers and reads them with the truth. */
export async function judgeDirectional(x: DirectionalJudgeInput): Promise<DirectionalResult> {
  const { judge, objectives } = x;
  const O = objectives.length;
  const settings = (what: string, offset: number, total: number, conditions?: Float32Array[]) => ({
    ...(conditions ? { conditions, guidance: x.guidance ?? 0, plausibility: x.plausibility ?? 0, conditionGate: x.conditionGate ?? null } : {}),
    samples: 1,
    temperature: x.eval.temperature,
    maxNewTokens: x.eval.maxNewTokens,
    batchSize: x.eval.batchSize,
    seed: fnv1a32(`${x.seed}:directional:${what}`),
    signal: x.signal,
    onProgress: (done: number) => x.onProgress?.(offset + done, total, what),
  });
  const plan = judgePlan(objectives, x.questions, judge, x.seed);
  const fitPlan = x.fitQuestions?.length ? judgePlan(objectives, x.fitQuestions, judge, x.seed) : [];
  const xi = objectives.indexOf(judge.sweepObjectives[0]);
  const yi = objectives.indexOf(judge.sweepObjectives[1]);
  const sweep = xi >= 0 && yi >= 0 ? sweepDirections(O, xi, yi, judge.sweepAngles) : [];
  const turns = (u: readonly number[], q: BuiltinQuestion) => directionalTurns(x.placement, directionText(objectives, u), q.text);
  const prompt = (u: readonly number[], q: BuiltinQuestion) => {
    const t = turns(u, q);
    return promptIds(x.layout, t.system, t.user);
  };
  const sweepPrompts = sweep.flatMap((s) => x.questions.map((q) => prompt(s.direction, q)));
  const basePrompts = x.questions.map((q) => promptIds(x.layout, '', q.text));
  const total = 2 * plan.length + sweepPrompts.length + basePrompts.length + 2 * fitPlan.length;
  const cond = x.conditionOf;
  // The answers at u− and u+ of each item, as the truth will read them.
  const answered = async (items: readonly PlanItem[], what: string, offset: number) => {
    const texts = (await generateAnswers(x.be, x.model, x.adapter, x.layout, items.flatMap((p) => [prompt(p.minus, p.question), prompt(p.plus, p.question)]), settings(what, offset, total, cond ? items.flatMap((p) => [cond(p.minus), cond(p.plus)]) : undefined))).texts;
    return items.map((p, i): AxisItem => ({ question: p.question, objective: p.objective, minus: texts[2 * i], plus: texts[2 * i + 1] }));
  };
  const sweepConds = cond ? sweep.flatMap((s) => x.questions.map(() => cond(s.direction))) : undefined;
  const items = await answered(plan, 'axis answers', 0);
  const swept = await generateAnswers(x.be, x.model, x.adapter, x.layout, sweepPrompts, settings('sweep answers', 2 * plan.length, total, sweepConds));
  const based = await generateAnswers(x.be, x.base, null, x.layout, basePrompts, settings('base answers', 2 * plan.length + sweepPrompts.length, total));
  const logOddsShift = await poleLogOddsShift(x, plan, turns);
  const verdict = judgeAxisItems(objectives, items, x.eval.confidence);
  let fit: DirectionalResult['fit'];
  if (fitPlan.length) {
    const fitItems = await answered(fitPlan, 'answers to training questions', total - 2 * fitPlan.length);
    fit = { questions: x.fitQuestions!.map((q) => q.id), overall: judgeAxisItems(objectives, fitItems, x.eval.confidence).overall, logOddsShift: await poleLogOddsShift(x, fitPlan, turns) };
  }
  const Q = x.questions.length;
  const examples: DirectionalResult['examples'] = [];
  for (const o of objectives) {
    for (const it of items.filter((i) => i.objective === o).slice(0, 1)) {
      examples.push({ questionId: it.question.id, objective: o, minus: it.minus, plus: it.plus, minusPole: poleOf(it.question, it.minus, o), plusPole: poleOf(it.question, it.plus, o) });
    }
  }
  return {
    objectives: objectives.slice(),
    rewardModel: x.rewardModel,
    judgeQuestions: x.questions.map((q) => q.id),
    magnitude: judge.magnitude,
    baseDirections: judge.baseDirections,
    ...verdict,
    logOddsShift,
    ...(fit ? { fit } : {}),
    sweep: {
      x: judge.sweepObjectives[0],
      y: judge.sweepObjectives[1],
      points: sweep.map((s, i) => ({ angle: s.angle, direction: s.direction, values: poleMeans(objectives, x.questions.map((q, j) => ({ question: q, text: swept.texts[i * Q + j] })), x.eval.confidence) })),
      base: poleMeans(objectives, x.questions.map((q, j) => ({ question: q, text: based.texts[j] })), x.eval.confidence),
    },
    examples,
  };
}

/** Whether condition dropout at `rate` takes pair `id`: a seeded, order-free choice per pair (the same on resume). */
export function droppedPair(seed: number, id: string, rate: number): boolean {
  return fnv1a32(`${seed}|condition-dropout|${id}`) / 2 ** 32 < rate;
}
