// The Compare view's answers as external-judge pairs: for each persona shown, "answer A against
// answer B, for this persona". Kept apart from the panel so the Compare view (whose shape another
// change is generalising) needs only to hand over its personas, instruction and answers.
import type { JudgeRequest } from '../../store/judge/store';

export interface JudgeColumn {
  /** The persona's id, and its description in words (attribute lines). */
  personaId: string;
  personaText: string;
  /** The answer shown in this column. */
  answer: string;
  /** The column's label, e.g. 'Answer A'. */
  label: string;
}

/** Every persona judged between every two columns' answers (two columns: two pairs). */
export function comparePairs(question: string, columns: readonly JudgeColumn[], seed: number | string): JudgeRequest[] {
  const out: JudgeRequest[] = [];
  const personas = [...new Map(columns.map((c) => [c.personaId, c])).values()];
  for (let i = 0; i < columns.length; i++) {
    for (let j = i + 1; j < columns.length; j++) {
      const [a, b] = [columns[i], columns[j]];
      if (!a.answer.trim() || !b.answer.trim()) continue;
      for (const p of personas) {
        out.push({
          id: `${seed}|${question}|${p.personaId}|${a.label}:${a.answer}|${b.label}:${b.answer}`,
          persona: p.personaText,
          personaLabel: `persona ${p.personaId}`,
          question,
          answers: [a.answer, b.answer],
          answerLabels: [a.label, b.label],
        });
      }
    }
  }
  return out;
}
