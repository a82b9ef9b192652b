// What a policy for the built-in world writes when left alone: free generations (no guided
// decode, no style line written for it) for held-out (persona, question) rows, read back by the
// truth judge (data/builtin truth-judge.ts). Reported: how many answers parse, how many are on
// topic, the truth judge's win rate against an answer with random poles (≈ 50% for a persona-blind
// writer), and how often the poles written agree with the persona's Bayes pole (≈ 50%, chance, for
// a persona-blind writer; the random answers' own agreement on the same rows is reported beside).
import { bayesBestAnswer, judgePair, tallyPairs, type BuiltinDataset, type DataRow, type PairJudgement } from '../../data';
import { generate } from '../../models/generate/generate';
import type { LlamaModel } from '../../models/llama/model';
import type { TextTokenizer } from '../../models/tokenizer';
import { Rng } from '../../util/rng';
import { builtinChat } from '../../models/builtin/format';
import { randomPoles } from './policy-documents';

export interface FreeAnswerOptions {
  /** Held-out rows answered (picked at random from `rows`, seeded). */
  answers: number;
  temperature: number;
  seed: number;
  maxNewTokens: number;
  /** Prompts generated together. */
  batch: number;
  /** Ask without the persona (the marginal policy's prompt). */
  withoutPersona?: boolean;
}

export interface FreeAnswerReport {
  temperature: number;
  answers: number;
  /** Parsed by the truth judge's parser (some known sentence, mostly known text). */
  parsed: number;
  /** Parsed and answering this question only (the judge's `valid`). */
  onTopic: number;
  parsedRate: number;
  onTopicRate: number;
  /** Truth-judge win rate (ties half) against an answer to the same question with random poles. */
  winVsRandom: { pairs: number; wins: number; ties: number; losses: number; winRate: number };
  /** Over the axes the answers state a pole on: share equal to the persona's Bayes pole. */
  bayesAgreement: { axes: number; agree: number; rate: number };
  /** The same for the random-pole answers on the same rows: what chance gives here. */
  randomBayesAgreement: { axes: number; agree: number; rate: number };
  /** Distinct answers per question among these rows (1 = the same text for every persona). */
  distinctPerQuestion: number;
}

export interface FreeAnswer {
  personaId: string;
  questionId: string;
  text: string;
}

/** Free answers of the model to `o.answers` of `rows`, in its own chat template (no scaffold). */
export async function freeAnswers(model: LlamaModel, tok: TextTokenizer, ds: BuiltinDataset, rows: readonly DataRow[], o: FreeAnswerOptions): Promise<FreeAnswer[]> {
  const picked = new Rng(o.seed).fork('free-answers').shuffle([...rows]).slice(0, o.answers);
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const out: FreeAnswer[] = [];
  for (let i = 0; i < picked.length; i += o.batch) {
    const chunk = picked.slice(i, i + o.batch);
    const prompts = chunk.map((r) => {
      const p = byId.get(r.personaId);
      if (!p) throw new Error(`held-out row ${r.personaId}/${r.questionId} names no persona`);
      return tok.encode(tok.applyChatTemplate(builtinChat(o.withoutPersona ? null : p.attributes, r.instruction)));
    });
    const gens = await generate(model, tok, prompts, { maxNewTokens: o.maxNewTokens, temperature: o.temperature, seed: o.seed + i });
    gens.forEach((g, j) => out.push({ personaId: chunk[j].personaId, questionId: chunk[j].questionId, text: g.text.trim() }));
  }
  return out;
}

/** The truth judge's reading of free answers (see the file's header). */
export function judgeFreeAnswers(ds: BuiltinDataset, answers: readonly FreeAnswer[], temperature: number, seed: number): FreeAnswerReport {
  const rng = new Rng(seed).fork('random-opponents');
  const judgements: PairJudgement[] = [];
  const agreement = { axes: 0, agree: 0, rate: NaN };
  const randomAgreement = { axes: 0, agree: 0, rate: NaN };
  const texts = new Map<string, Set<string>>();
  for (const a of answers) {
    const q = ds.question(a.questionId);
    const random = randomPoles(q, rng);
    const j = judgePair(ds, a.personaId, a.questionId, a.text, ds.response(q.id, random).text);
    judgements.push(j);
    const bayes = bayesBestAnswer(ds, a.personaId, a.questionId).poles;
    j.a.parse.poles.forEach((pole, k) => {
      if (pole === 0 || !j.a.valid) return;
      agreement.axes++;
      if (pole === bayes[k]) agreement.agree++;
    });
    random.forEach((pole, k) => {
      randomAgreement.axes++;
      if (pole === bayes[k]) randomAgreement.agree++;
    });
    const set = texts.get(a.questionId) ?? new Set<string>();
    set.add(a.text);
    texts.set(a.questionId, set);
  }
  agreement.rate = agreement.agree / agreement.axes;
  randomAgreement.rate = randomAgreement.agree / randomAgreement.axes;
  const t = tallyPairs(judgements);
  const n = answers.length;
  const parsed = n - t.invalidA.unparsed;
  const onTopic = parsed - t.invalidA.offTopic;
  return {
    temperature,
    answers: n,
    parsed,
    onTopic,
    parsedRate: parsed / n,
    onTopicRate: onTopic / n,
    winVsRandom: { pairs: t.pairs, wins: t.wins, ties: t.ties, losses: t.losses, winRate: t.winRate },
    bayesAgreement: agreement,
    randomBayesAgreement: randomAgreement,
    distinctPerQuestion: [...texts.values()].reduce((s, x) => s + x.size, 0) / Math.max(1, texts.size),
  };
}
