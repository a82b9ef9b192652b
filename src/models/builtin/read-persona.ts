// How the built-in model answers a built-in question for a persona: a guided decode in two steps.
//   1. Reading: the style line is written axis by axis in the fixed order it was trained on. The
//      evidence of each axis (the persona line that drives it, format.ts `evidence`) is written
//      for the model, which then chooses the pole: the probability of each pole's words after the
//      evidence, sampled at the request's temperature (argmax at 0). The model's own free-running
//      copy of the evidence is unreliable at this size (it mixes up persona lines), while the
//      choice after the right evidence is what it learned (training.json: cross-persona accuracy).
//   2. Answer: after the whole style line and "Answer:", the model writes the answer (streamed).
// Questions the built-in world does not know have no axes: callers generate freely for those.
import { AXIS_IDS, poleName, type Attributes, type BuiltinQuestion, type Poles } from '../../data';
import type { InferenceLm } from '../inference';
import type { LlamaModel } from '../llama/model';
import { scoreBatches } from '../scoring';
import type { TextTokenizer } from '../tokenizer';
import { Rng } from '../../util/rng';
import { builtinChat, evidence, styleText } from './format';

export interface PersonaReading {
  /** The chosen pole per question axis (question order). */
  poles: Poles;
  /** The style line with its evidence, as the model was trained to write it. */
  style: string;
  /** Per question axis: the model's probability of the + pole after the evidence. */
  plus: number[];
}

/** Reads one persona for one question (the model scores both poles of each axis in a batch of 2). */
export async function readPersona(
  model: LlamaModel | Pick<InferenceLm, 'score'>,
  tok: TextTokenizer,
  q: BuiltinQuestion,
  attributes: Attributes,
  o: { temperature: number; seed: number },
): Promise<PersonaReading> {
  const prompt = tok.applyChatTemplate(builtinChat(attributes, q.text));
  const order = q.axes.map((axis, i) => ({ axis, i })).sort((a, b) => AXIS_IDS.indexOf(a.axis) - AXIS_IDS.indexOf(b.axis));
  const poles: number[] = q.axes.map(() => 0);
  const plus: number[] = q.axes.map(() => 0.5);
  const rng = new Rng(o.seed).fork(`read:${q.id}`);
  const written: string[] = [];
  for (const { axis, i } of order) {
    const head = `${prompt} ${[...written, `${evidence(axis, attributes)} ->`].join('; ')}`;
    const options = [1, -1].map((pole) => tok.encode(`${head} ${poleName(axis, pole)}`));
    // Score from the first token where the two continuations differ (BPE may merge across the boundary).
    let common = 0;
    while (common < options[0].length && common < options[1].length && options[0][common] === options[1][common]) common++;
    const rows = options.map((ids) => ({ prompt: ids.slice(0, common), response: ids.slice(common) }));
    // Our engine's model, or any model behind the inference interface (an ONNX export of this one judging).
    const scoreOptions = { padId: tok.padId, batchSize: 2 };
    const { sum } = 'score' in model ? await model.score(rows, scoreOptions) : await scoreBatches(model, rows, scoreOptions);
    const p = 1 / (1 + Math.exp(sum[1] - sum[0]));
    plus[i] = p;
    const chosen = o.temperature <= 0 ? (p >= 0.5 ? 1 : -1) : rng.next() < tempered(p, o.temperature) ? 1 : -1;
    poles[i] = chosen;
    written.push(`${evidence(axis, attributes)} -> ${poleName(axis, chosen)}`);
  }
  return { poles, style: styleText(q, poles, attributes), plus };
}

/** The prompt from which the model writes the answer: the persona, the question, the style line read. */
export function answerPrompt(tok: TextTokenizer, q: BuiltinQuestion, attributes: Attributes, reading: PersonaReading): string {
  return `${tok.applyChatTemplate(builtinChat(attributes, q.text))} ${reading.style}\nAnswer:`;
}

/** p^(1/t) renormalized over the two poles. */
function tempered(p: number, t: number): number {
  const a = Math.pow(p, 1 / t);
  const b = Math.pow(1 - p, 1 / t);
  return a + b > 0 ? a / (a + b) : 0.5;
}
