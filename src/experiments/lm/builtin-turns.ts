// The built-in model does not answer bare: its assistant turn is a style line (each pole of the
// answer after the persona line that drives it, "age: 66 -> a formal tone; ...") and then the
// answer (docs/builtin-model.md). Scoring a given answer with that model therefore scores the
// whole turn it would write for that answer, the way it was trained; on the built-in dataset the
// answer's poles are known from its response id. Anything else (another dataset, an unknown id)
// is scored as the bare answer. The turn starts with a space: the generation prompt ends at
// "Prefers:" and the template writes "Prefers: " + turn, so the first word carries the space.
import { isBuiltin, polesFromId, type Attributes, type Dataset } from '../../data';
import { assistantText, styleText } from '../../models/builtin/format';

/** The assistant turn for `text` (the response `responseId` of `questionId`), for a persona or none. */
export type AnswerTurn = (text: string, questionId: string, responseId: string | undefined, persona: Attributes | null) => string;

/** How the built-in model writes an answer to a question of `ds`. */
export function builtinAnswerTurns(ds: Dataset): AnswerTurn {
  if (!isBuiltin(ds)) return (text) => ` ${text}`;
  return (text, questionId, responseId, persona) => {
    const q = ds.questions.find((x) => x.id === questionId);
    const poles = q && responseId !== undefined ? polesFromId(q, responseId) : undefined;
    return ` ${q && poles ? assistantText(styleText(q, poles, persona), text) : text}`;
  };
}

/**
 * The style line alone (with `flip`, of the mirror answer: every pole reversed): each pole of the answer after the persona line that drives it, without
 * the answer's words (the joint reward model's answer "style": the part of the turn the persona
 * decides; the answer that follows it is written from it). Unknown answers: the answer itself.
 */
export function builtinStyleTurns(ds: Dataset, o: { flip?: boolean } = {}): AnswerTurn {
  if (!isBuiltin(ds)) return (text) => ` ${text}`;
  return (text, questionId, responseId, persona) => {
    const q = ds.questions.find((x) => x.id === questionId);
    const poles = q && responseId !== undefined ? polesFromId(q, responseId) : undefined;
    // flip: every pole the answer takes turned to the other one (the "mirror" answer).
    return ` ${q && poles ? styleText(q, o.flip ? poles.map((x) => -x) : poles, persona) : text}`;
  };
}
