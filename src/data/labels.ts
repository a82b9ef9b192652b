// Who prefers what. A labeler answers "between responses a and b to this row's question, which
// does this row's persona prefer, and how strongly?" from the best information the data has:
// the true utility (built-in), the group's answer shares (OpinionQA), or the row's own chosen
// response (PERSONA files: the persona prefers its `data` over anything else, and we know
// nothing about other pairs).
import type { BuiltinDataset, BuiltinRow } from './builtin/generator';
import type { Dataset, DataRow } from './schema';

export interface ResponseRef {
  text: string;
  /** Built-in response id, when known. */
  id?: string;
}

export interface Label {
  /** +1: a preferred, -1: b preferred, 0: tie or unknown. */
  winner: 1 | -1 | 0;
  /** Utility gap (built-in), share gap (OpinionQA) or 1 (a file's own choice). */
  strength: number;
}

export interface Labeler {
  kind: 'true-utility' | 'group-shares' | 'own-choice';
  label(row: DataRow, a: ResponseRef, b: ResponseRef): Label;
}

const UNKNOWN: Label = { winner: 0, strength: 0 };

export function isBuiltin(ds: Dataset): ds is BuiltinDataset {
  return ds.source === 'builtin' && 'truth' in ds;
}

export function ownChoiceLabeler(): Labeler {
  return {
    kind: 'own-choice',
    label(row, a, b) {
      if (a.text === b.text) return UNKNOWN;
      if (a.text === row.data) return { winner: 1, strength: 1 };
      if (b.text === row.data) return { winner: -1, strength: 1 };
      return UNKNOWN;
    },
  };
}

export function groupSharesLabeler(): Labeler {
  return {
    kind: 'group-shares',
    label(row, a, b) {
      const options = row.options;
      if (!options) return UNKNOWN;
      const sa = options.find((o) => o.text === a.text)?.share;
      const sb = options.find((o) => o.text === b.text)?.share;
      if (sa === undefined || sb === undefined || sa === sb) return UNKNOWN;
      return { winner: sa > sb ? 1 : -1, strength: Math.abs(sa - sb) };
    },
  };
}

export function trueUtilityLabeler(ds: BuiltinDataset): Labeler {
  return {
    kind: 'true-utility',
    label(row, a, b) {
      const q = ds.question(row.questionId);
      const ra = a.id !== undefined ? ds.responseById(a.id) : undefined;
      const rb = b.id !== undefined ? ds.responseById(b.id) : undefined;
      if (!ra || !rb || ra.questionId !== q.id || rb.questionId !== q.id) return UNKNOWN;
      const p = ds.truth.personaIndex(row.personaId);
      const d = ds.truth.utility(p, q, ra.poles) - ds.truth.utility(p, q, rb.poles);
      return d === 0 ? UNKNOWN : { winner: d > 0 ? 1 : -1, strength: Math.abs(d) };
    },
  };
}

export function labelerFor(ds: Dataset): Labeler {
  if (isBuiltin(ds)) return trueUtilityLabeler(ds);
  if (ds.source === 'opinionqa') return groupSharesLabeler();
  return ownChoiceLabeler();
}

/** The row's responses as references (with built-in ids when the row has them). */
export function dataRef(row: DataRow): ResponseRef {
  const id = (row as Partial<BuiltinRow>).dataId;
  return id === undefined ? { text: row.data } : { text: row.data, id };
}
export function originalRef(row: DataRow): ResponseRef {
  const id = (row as Partial<BuiltinRow>).originalId;
  return id === undefined ? { text: row.original } : { text: row.original, id };
}
