// Validating PERSONA records from any format: which columns are present, and each cell's type,
// encoding and size. Errors name the file, row and field. HTML or script in a cell is just text:
// it is kept verbatim and the UI renders it as text (never as HTML).
import { DataFormatError, type DataLocation } from '../errors';
import { PERSONA_COLUMNS, REQUIRED_COLUMNS, type PersonaColumn, type PersonaRow } from '../schema';
import { InvalidUtf8 } from './utf8';

export interface ImportLimits {
  /** Longest accepted cell, in characters (default 1,000,000; PERSONA's cells are a few KB). */
  maxFieldChars: number;
}
export const DEFAULT_LIMITS: ImportLimits = { maxFieldChars: 1_000_000 };

/** Canonical column name: lower case, `_` and runs of spaces as one space. */
export function canonicalColumn(name: string): string {
  return name.trim().toLowerCase().replace(/[_\s]+/g, ' ');
}

/** Maps a file's column names to PERSONA columns; throws when a required one is missing. */
export function mapColumns(names: readonly string[], file: string): { map: Map<PersonaColumn, string>; ignored: string[] } {
  const map = new Map<PersonaColumn, string>();
  const ignored: string[] = [];
  for (const name of names) {
    const c = canonicalColumn(name) as PersonaColumn;
    if ((PERSONA_COLUMNS as readonly string[]).includes(c) && !map.has(c)) map.set(c, name);
    else ignored.push(name);
  }
  const missing = REQUIRED_COLUMNS.filter((c) => !map.has(c));
  if (missing.length) {
    throw new DataFormatError(
      { file, field: missing[0] },
      `missing column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} (found: ${names.length ? names.map((n) => `'${n}'`).join(', ') : 'none'})`,
      `A PERSONA file needs the columns ${PERSONA_COLUMNS.map((c) => `'${c}'`).join(', ')}; 'critique' and 'question type' may be absent`,
    );
  }
  return { map, ignored };
}

/** 1234567 -> "1,234,567" without locale machinery. */
export function groupDigits(n: number): string {
  return String(Math.trunc(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'binary bytes';
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v}`;
}

/** One record (object of column -> value) to a PersonaRow, or a DataFormatError. */
export function validateRecord(
  record: Readonly<Record<string, unknown>>,
  columns: Map<PersonaColumn, string>,
  at: Omit<DataLocation, 'field'>,
  limits: ImportLimits = DEFAULT_LIMITS,
): PersonaRow {
  const row = {} as PersonaRow;
  for (const col of PERSONA_COLUMNS) {
    const source = columns.get(col);
    const field = source ?? col;
    const v = source === undefined ? undefined : record[source];
    const loc = { ...at, field };
    if (v instanceof InvalidUtf8) throw new DataFormatError(loc, `invalid UTF-8 at byte ${v.byteOffset} of the value`, 'Re-save the file as UTF-8');
    if (v === undefined || v === null) {
      if (REQUIRED_COLUMNS.includes(col)) throw new DataFormatError(loc, v === null ? 'value is null' : 'value is missing', `Every row needs '${col}'`);
      row[col] = '';
      continue;
    }
    if (typeof v !== 'string') throw new DataFormatError(loc, `expected text, got ${typeName(v)}`, `'${col}' must be a string column`);
    if (v.length > limits.maxFieldChars)
      throw new DataFormatError(loc, `value is ${groupDigits(v.length)} characters, over the limit of ${groupDigits(limits.maxFieldChars)}`, 'Fix or drop this row; PERSONA fields are a few thousand characters');
    if (REQUIRED_COLUMNS.includes(col) && v.trim() === '') throw new DataFormatError(loc, 'value is empty', `Every row needs a non-empty '${col}'`);
    row[col] = v;
  }
  return row;
}
