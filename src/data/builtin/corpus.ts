// Text for training a tiny language model on the built-in world: every question with every one of
// its candidate responses (and the neutral one), plus persona blocks, in a plain chat-like
// layout. Deterministic; the model helper tokenizes whatever this yields.
import { renderPersonaBlock } from '../persona-block';
import type { BuiltinDataset } from './generator';
import { candidatePoles, neutralPoles } from './responses';

export interface CorpusOptions {
  /** Include persona blocks as documents (default true). */
  personas: boolean;
  /** Include every row as "persona + question + preferred answer" (default true). */
  rows: boolean;
}

/** Documents, one string each; separate them with the tokenizer's end-of-text token. */
export function* builtinCorpus(ds: BuiltinDataset, options: Partial<CorpusOptions> = {}): Generator<string> {
  const o: CorpusOptions = { personas: true, rows: true, ...options };
  for (const q of ds.questions) {
    for (const poles of [neutralPoles(q), ...candidatePoles(q)]) yield `Question: ${q.text}\nAnswer: ${ds.response(q.id, poles).text}`;
  }
  if (o.personas) for (const p of ds.personas) yield `Persona:\n${renderPersonaBlock(p.attributes)}`;
  if (o.rows) {
    const byId = new Map(ds.personas.map((p) => [p.id, p]));
    for (const r of ds.rows) {
      const p = byId.get(r.personaId);
      if (p) yield `Persona:\n${renderPersonaBlock(p.attributes)}\nQuestion: ${r.instruction}\nAnswer: ${r.data}`;
    }
  }
}
