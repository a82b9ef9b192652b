// Why a saved embedding-placed directional policy's answers do not turn: writes the judge's answers
// again (the same plan, prompts and greedy settings as judgeDirectional) and sorts every answer
// and every answer pair by what the truth's parser finds in it.
//   node scripts/node-run.mjs scripts/directional-breakdown.ts RUN_ID [--questions held-out|train] [--threads N] [--save runs/saved] [--items]
// --items also prints one line per pair: question, objective, the moved axis's reading at u− and u+,
// the base's, and the teacher-forced log-odds under u− and u+.
// Per answer: unreadable (no known text, or another question's core), writing a sentence for an
// axis the question does not have (parseAnswer's offAxis), the moved axis absent. Per pair (u−, u+):
// both readable and the moved axis the same at both (unchanged), and of those how often the two
// answers are the same text; and the base policy's own pole on the moved axis where it stayed.
// Teacher-forced, per pair: the log-odds log π(x₊) − log π(x₋) of the question's answer with the
// moved axis at + against at − (other axes +) under u− and under u+, and the base's, averaged over
// the pairs that turned and those that did not: whether the direction lost to the policy's prior.
// The other axes, per (pair, other axis of the question), in bins of that axis's |u_j| (the same
// at u− and u+): held (the same pole in both answers), how often both answers follow sign(u_j),
// and why the rest failed: an unreadable answer, the axis absent from one, or its pole flipped.
import { judgePlan, splitQuestions } from '../src/experiments/policy/directional';
import { contextOf, generateAnswers, responseLogps } from '../src/experiments/policy/evaluate';
import { promptIds, responseIds } from '../src/experiments/policy/prompts';
import { parseAnswer, responseText, type BuiltinQuestion } from '../src/data';
import { conditionRows } from '../src/train/policy/condition-embedding';
import { fnv1a32 } from '../src/util/hash';
import { loadSavedDirectional } from './saved-directional';

const args = process.argv.slice(2);
const flag = (name: string, dflt: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args.splice(i, 2)[1] : dflt;
};
const saveRoot = flag('save', 'runs/saved');
const threads = Number(flag('threads', '1'));
const judgeOn = flag('questions', 'held-out');
// `--plausibility A`: write under the plausibility constraint against the policy at u = 0, as a run with method.plausibility A does.
const plausibility = Number(flag('plausibility', '0'));
// `--unreadable`: print every unreadable answer.
const unreadableAt = args.indexOf('--unreadable');
const printUnreadable = unreadableAt >= 0;
if (printUnreadable) args.splice(unreadableAt, 1);
const itemsAt = args.indexOf('--items');
const printItems = itemsAt >= 0;
if (printItems) args.splice(itemsAt, 1);
const [runId] = args;
if (!runId) throw new Error('usage: directional-breakdown.ts RUN_ID [--questions held-out|train] [--threads N] [--save DIR]');

const { spec, method: m, be, model, base, condition, layout } = await loadSavedDirectional(runId, saveRoot, threads);
const split = splitQuestions(m.judge.questions, spec.seed);
const questions = judgeOn === 'train' ? split.train.slice(0, m.judge.questions) : split.judge;
const objectives = condition.features;
const plan = judgePlan(objectives, questions, m.judge, spec.seed);
const settings = (what: string) => ({ samples: 1, temperature: spec.eval.temperature, maxNewTokens: spec.eval.maxNewTokens, batchSize: spec.eval.batchSize, seed: fnv1a32(`${spec.seed}:directional:${what}`) });
const prompts = plan.flatMap((p) => [promptIds(layout, '', p.question.text), promptIds(layout, '', p.question.text)]);
const conditions = plan.flatMap((p) => [conditionRows(condition, [p.minus]), conditionRows(condition, [p.plus])]);
const answers = await generateAnswers(be, model, null, layout, prompts, { ...settings('axis answers'), conditions, conditionGate: condition.gate ?? null, plausibility });
const baseAnswers = await generateAnswers(be, base.model, null, layout, questions.map((q) => promptIds(layout, '', q.text)), settings('base answers'));
const baseOf = new Map(questions.map((q, i) => [q.id, baseAnswers.texts[i]]));

const axisOf = (q: BuiltinQuestion, o: string) => q.axes.indexOf(o as BuiltinQuestion['axes'][number]);
// Teacher-forced log-odds of the + pole answer over the − pole answer: policy under u−, under u+, base.
const padId = layout.tokenizer.padId;
const maxLength = contextOf(model);
const logOdds: { minus: number; plus: number; base: number }[] = [];
for (const p of plan) {
  const k = axisOf(p.question, p.objective);
  const prompt = promptIds(layout, '', p.question.text);
  const rows = [1, -1].map((pole) => ({ prompt, response: responseIds(layout, '', p.question.text, responseText(p.question, p.question.axes.map((_, j) => (j === k ? pole : 1)))) }));
  const under = async (u: readonly number[]) => {
    const [a, b] = await responseLogps(model, rows, { padId, maxLength, adapter: null, conditions: [u, u].map((x) => conditionRows(condition, [x])), conditionGate: condition.gate ?? null });
    return a - b;
  };
  const [bp, bm] = await responseLogps(base.model, rows, { padId, maxLength, adapter: null });
  logOdds.push({ minus: await under(p.minus), plus: await under(p.plus), base: bp - bm });
}
const n = { answers: 0, unreadable: 0, otherQuestion: 0, offAxis: 0, offAxisReadable: 0, absent: 0, pairs: 0, turned: 0, unchanged: 0, sameText: 0, stayedAtBase: 0, wrongWay: 0 };
const odds = { turned: [] as typeof logOdds, not: [] as typeof logOdds };
plan.forEach((p, i) => {
  const k = axisOf(p.question, p.objective);
  const parsed = [answers.texts[2 * i], answers.texts[2 * i + 1]].map((t) => parseAnswer(p.question, t));
  for (const [side, a] of parsed.entries()) {
    n.answers++;
    const readable = a.parsed && a.onTopic;
    if (!readable) n.unreadable++;
    if (!readable && printUnreadable) console.log(`unreadable ${p.question.id} (${p.objective} ${side ? '+' : '−'}): ${answers.texts[2 * i + side]}`);
    if (a.otherQuestions.length) n.otherQuestion++;
    if (a.offAxis.length) {
      n.offAxis++;
      if (readable) n.offAxisReadable++;
    }
    if (readable && a.readings[k] === 'absent') n.absent++;
  }
  const [lo, hi] = parsed;
  if (printItems) {
    const b = parseAnswer(p.question, baseOf.get(p.question.id)!);
    const r = (a: (typeof parsed)[number]) => (a.parsed && a.onTopic ? String(a.readings[k]) : 'x');
    console.log(`item ${p.question.id} ${p.objective} axis#${k} u−:${r(lo)} u+:${r(hi)} base:${r(b)} same:${answers.texts[2 * i].trim() === answers.texts[2 * i + 1].trim() ? 1 : 0} odds ${logOdds[i].minus.toFixed(2)} ${logOdds[i].plus.toFixed(2)} base ${logOdds[i].base.toFixed(2)}`);
  }
  const turnedPair = lo.readings[k] === -1 && hi.readings[k] === 1;
  (turnedPair ? odds.turned : odds.not).push(logOdds[i]);
  if (!(lo.parsed && lo.onTopic && hi.parsed && hi.onTopic)) return;
  n.pairs++;
  if (lo.readings[k] === -1 && hi.readings[k] === 1) n.turned++;
  else if (lo.readings[k] === 1 && hi.readings[k] === -1) n.wrongWay++;
  if (lo.readings[k] === hi.readings[k]) {
    n.unchanged++;
    if (answers.texts[2 * i].trim() === answers.texts[2 * i + 1].trim()) n.sameText++;
    const b = parseAnswer(p.question, baseOf.get(p.question.id)!);
    if (b.parsed && b.readings[k] === lo.readings[k]) n.stayedAtBase++;
  }
});
const pc = (a: number, b: number) => `${a}/${b} (${b ? ((100 * a) / b).toFixed(1) : '–'}%)`;
// The other axes' hold by the size of their own component.
const bins = [0.1, 0.2, 0.3, Infinity];
const hold = bins.map(() => ({ n: 0, held: 0, followed: 0, unreadable: 0, absent: 0, flipped: 0 }));
plan.forEach((p, i) => {
  const k = axisOf(p.question, p.objective);
  const [lo, hi] = [answers.texts[2 * i], answers.texts[2 * i + 1]].map((t) => parseAnswer(p.question, t));
  p.question.axes.forEach((axis, j) => {
    if (j === k) return;
    const uj = p.minus[objectives.indexOf(axis)] ?? 0;
    const t = hold[bins.findIndex((b) => Math.abs(uj) < b)];
    t.n++;
    if (!(lo.parsed && lo.onTopic && hi.parsed && hi.onTopic)) return void t.unreadable++;
    const [a, b] = [lo.readings[j], hi.readings[j]];
    if (a === b && (a === 1 || a === -1)) {
      t.held++;
      if (a === Math.sign(uj)) t.followed++;
    } else if (a === 'absent' || b === 'absent') t.absent++;
    else t.flipped++;
  });
});
hold.forEach((t, b) => {
  console.log(`other axes with |u_j| ${b ? `≥ ${bins[b - 1]}` : ''}${b && bins[b] !== Infinity ? ' and ' : ''}${bins[b] !== Infinity ? `< ${bins[b]}` : ''}: n ${t.n}; held ${pc(t.held, t.n)}, both at sign(u_j) ${t.followed}; failed: unreadable ${t.unreadable}, absent ${t.absent}, flipped or conflicting ${t.flipped}`);
});
const baseUnreadable = questions.filter((q) => {
  const b = parseAnswer(q, baseOf.get(q.id)!);
  return !(b.parsed && b.onTopic);
});
console.log(`${runId}: ${judgeOn} questions (${questions.length}), ${plan.length} pairs, ${n.answers} answers`);
console.log(`the base policy's own greedy answer (no direction) is unreadable on ${pc(baseUnreadable.length, questions.length)} of these questions${baseUnreadable.length ? ` (${baseUnreadable.map((q) => q.id).join(', ')})` : ''}`);
console.log(`answers: unreadable ${pc(n.unreadable, n.answers)}; with another question's core or elaboration ${pc(n.otherQuestion, n.answers)}; with a sentence of an axis the question lacks ${pc(n.offAxis, n.answers)} (readable ones ${n.offAxisReadable}); readable with the moved axis absent ${pc(n.absent, n.answers)}`);
console.log(`readable pairs ${pc(n.pairs, plan.length)}: turned − → + ${pc(n.turned, n.pairs)}; turned the wrong way ${pc(n.wrongWay, n.pairs)}; moved axis unchanged ${pc(n.unchanged, n.pairs)}, of which the same text ${n.sameText} and at the base policy's own pole ${n.stayedAtBase}`);
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
for (const [name, xs] of Object.entries(odds)) {
  console.log(`teacher-forced log-odds of the + pole (nats), pairs that ${name === 'turned' ? 'turned' : 'did not turn'} (${xs.length}): under u− ${mean(xs.map((x) => x.minus)).toFixed(2)}, under u+ ${mean(xs.map((x) => x.plus)).toFixed(2)}, base ${mean(xs.map((x) => x.base)).toFixed(2)}; |base| ${mean(xs.map((x) => Math.abs(x.base))).toFixed(2)}`);
}
