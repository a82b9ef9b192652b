// Converting between the normalized form (Dataset) and PERSONA's released row format, and the
// content fingerprint of a dataset (the "same seed, same bytes" check hashes this).
import { ContentHasher } from './content-hash';
import { renderPersonaBlock } from './persona-block';
import type { Dataset, PersonaRecord, PersonaRow } from './schema';

/** The persona block as PERSONA writes it: known attributes in order, then unknown keys. */
export function personaBlock(p: PersonaRecord): string {
  const known = renderPersonaBlock(p.attributes);
  const extra = p.extra.map(([k, v]) => `${k}: ${v}`).join('\n');
  return known && extra ? `${known}\n${extra}` : known || extra;
}

/** Every row of the dataset in PERSONA's schema, in order. */
export function* personaRows(ds: Dataset): Generator<PersonaRow> {
  const blocks = new Map<string, string>();
  for (const p of ds.personas) blocks.set(p.id, personaBlock(p));
  for (const r of ds.rows) {
    yield {
      persona: blocks.get(r.personaId) ?? '',
      instruction: r.instruction,
      original: r.original,
      critique: r.critique,
      data: r.data,
      'question type': r.questionType,
    };
  }
}

/** The rows as JSON Lines (PERSONA column order), chunk by chunk. */
export function* personaJsonl(ds: Dataset, rowsPerChunk = 1000): Generator<string> {
  let buf: string[] = [];
  for (const row of personaRows(ds)) {
    buf.push(JSON.stringify(row));
    if (buf.length === rowsPerChunk) {
      yield `${buf.join('\n')}\n`;
      buf = [];
    }
  }
  if (buf.length) yield `${buf.join('\n')}\n`;
}

/** Hash of the dataset's PERSONA rows as JSON Lines: equal iff the emitted rows are equal. */
export function datasetFingerprint(ds: Dataset): string {
  const h = new ContentHasher();
  for (const chunk of personaJsonl(ds)) h.update(chunk);
  return h.hex();
}
