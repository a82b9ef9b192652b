// Where an answer of the built-in world is decided. Every answer to a question is one of its 16
// candidates (one per combination of poles), which share most of their words: the tokens where
// candidates part ways are the only ones the persona can change. The trainer weights those
// targets up, so the little that depends on the persona is not drowned by the many tokens that
// follow from the question alone (docs/builtin-model.md).
import type { BuiltinDataset } from '../../data';
import { candidatePoles, neutralPoles } from '../../data';
import type { TextTokenizer } from '../../models/tokenizer';

interface Node {
  next: Map<number, Node>;
}

/** Per question id: a trie of its candidate answers' tokens (as the chat template writes them). */
export class AnswerBranches {
  private readonly tries = new Map<string, Node>();

  constructor(ds: BuiltinDataset, tok: TextTokenizer) {
    const eos = tok.eosIds[0];
    for (const q of ds.questions) {
      const root: Node = { next: new Map() };
      for (const poles of [neutralPoles(q), ...candidatePoles(q)]) {
        let node = root;
        // "Answer:" then " text": the leading space belongs to the answer's first word.
        for (const id of [...tok.encode(' ' + ds.response(q.id, poles).text), eos]) {
          let child = node.next.get(id);
          if (!child) node.next.set(id, (child = { next: new Map() }));
          node = child;
        }
      }
      this.tries.set(q.id, root);
    }
  }

  /**
   * Offsets j (into `answer`) whose token follows a prefix several candidates share but continue
   * differently: where the answer is decided. Empty when the question is unknown.
   */
  decisions(questionId: string, answer: readonly number[]): number[] {
    let node = this.tries.get(questionId);
    const out: number[] = [];
    for (let j = 0; j < answer.length && node; j++) {
      if (node.next.size > 1) out.push(j);
      node = node.next.get(answer[j]);
    }
    return out;
  }
}
