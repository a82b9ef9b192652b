// Where an answer of the built-in world is decided. Every answer to a question is one of its 16
// candidates (one per combination of poles), written after its style line; candidates share most
// of their tokens, and the tokens where they part ways (the style words) are the only ones the
// persona can change. The trainer weights those targets up, so the little that depends on the
// persona is not drowned by the many tokens that follow from the question alone
// (docs/builtin-model.md).
import type { Attributes, BuiltinDataset, BuiltinQuestion, Poles } from '../../data';
import type { TextTokenizer } from '../../models/tokenizer';
import { styleText } from '../../models/builtin/format';
import { candidateAnswers } from './documents';

interface Node {
  next: Map<number, Node>;
}

/** The text of a candidate assistant turn, as it follows the generation prompt (with its leading space). */
export type TurnWriter = (q: BuiltinQuestion, poles: Poles, attributes: Attributes | null) => string;

/** The built-in model's turn: "Prefers:" then " style...": the leading space belongs to the turn's first word. */
export const styleTurn: TurnWriter = (q, poles, attributes) => ` ${styleText(q, poles, attributes)}\nAnswer:`;

/** Per question: its candidate poles; per document: where its assistant turn is decided. */
export class AnswerBranches {
  constructor(
    private readonly ds: BuiltinDataset,
    private readonly tok: TextTokenizer,
    private readonly turnText: TurnWriter = styleTurn,
  ) {}

  /**
   * Offsets j (into the assistant turn's tokens `turn`) whose token follows a prefix several
   * candidate turns share but continue differently: where the turn is decided. The candidates are
   * this question's answers written for the same persona (or none), so only the style words
   * differ; the answer after the style line follows from them. Empty for an unknown question.
   */
  decisions(questionId: string, attributes: Attributes | null, turn: readonly number[]): number[] {
    const q = this.ds.questions.find((x) => x.id === questionId);
    if (!q) return [];
    const root: Node = { next: new Map() };
    for (const poles of candidateAnswers(q)) {
      let node = root;
      for (const id of this.tok.encode(this.turnText(q, poles, attributes))) {
        let child = node.next.get(id);
        if (!child) node.next.set(id, (child = { next: new Map() }));
        node = child;
      }
    }
    const out: number[] = [];
    let node: Node | undefined = root;
    for (let j = 0; j < turn.length && node; j++) {
      if (node.next.size > 1) out.push(j);
      node = node.next.get(turn[j]);
    }
    return out;
  }
}
