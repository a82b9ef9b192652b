// A wave's two tables: info.csv (one row per question: key, question text, `references` as a
// Python list of option texts) and metadata.csv (one row per attribute: key, `options` as a Python
// list of its values). Both store lists and dicts as Python literals, not JSON.
import { DataFormatError, PythonLiteralError } from '../../errors';
import { csvRecords } from '../csv';
import { isPyDict, parsePythonLiteral, type PyValue } from '../pyliteral';
import type { OpinionQaFile } from './layout';

/** Options that are not opinions: dropped before shares are computed. */
export const NOT_OPINIONS: ReadonlySet<string> = new Set(['Refused']);

export interface Question {
  key: string;
  text: string;
  /** Option texts, "Refused" dropped, in info.csv's order. */
  options: string[];
}

type Loc = { file: string; row: number; field: string };

function pyField(text: string, loc: Loc): PyValue {
  try {
    return parsePythonLiteral(text);
  } catch (e) {
    if (e instanceof PythonLiteralError) throw new DataFormatError(loc, `not a valid Python literal: ${e.message}`, 'OpinionQA stores lists and dicts as Python literals; this one is damaged', { cause: e });
    throw e;
  }
}

function stringList(v: PyValue, loc: Loc): string[] {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new DataFormatError(loc, 'expected a list of strings', 'Check the file against the OpinionQA layout');
  return v as string[];
}

async function csvTable(file: OpinionQaFile): Promise<{ header: string[]; rows: { row: number; cells: Record<string, string> }[] }> {
  const bytes = new TextEncoder().encode(await file.text());
  let header: string[] | undefined;
  const rows: { row: number; cells: Record<string, string> }[] = [];
  const chunks = (async function* () {
    yield bytes;
  })();
  for await (const rec of csvRecords(chunks, { file: file.path, maxFieldBytes: 1 << 20, columnName: (i) => header?.[i] ?? `column ${i + 1}` })) {
    if (!header) {
      header = rec.fields;
      continue;
    }
    if (rec.fields.length === 1 && rec.fields[0] === '') continue;
    const cells: Record<string, string> = {};
    header.forEach((h, i) => (cells[h] = rec.fields[i] ?? ''));
    rows.push({ row: rec.row, cells });
  }
  if (!header) throw new DataFormatError({ file: file.path }, 'the file is empty', 'An OpinionQA wave needs info.csv with one row per question');
  return { header, rows };
}

function requireColumns(header: string[], needed: string[], file: string): void {
  for (const c of needed) if (!header.includes(c)) throw new DataFormatError({ file, field: c }, `missing column '${c}' (found: ${header.join(', ')})`, 'Check that this is an OpinionQA release');
}

export async function readQuestions(file: OpinionQaFile): Promise<Map<string, Question>> {
  const { header, rows } = await csvTable(file);
  requireColumns(header, ['key', 'question', 'references'], file.path);
  const out = new Map<string, Question>();
  for (const { row, cells } of rows) {
    const refs = stringList(pyField(cells.references, { file: file.path, row, field: 'references' }), { file: file.path, row, field: 'references' });
    if (cells.option_mapping !== undefined && cells.option_mapping !== '') {
      const mapping = pyField(cells.option_mapping, { file: file.path, row, field: 'option_mapping' });
      if (!isPyDict(mapping)) throw new DataFormatError({ file: file.path, row, field: 'option_mapping' }, 'expected a dict', 'Check the file against the OpinionQA layout');
    }
    if (!cells.key) throw new DataFormatError({ file: file.path, row, field: 'key' }, 'value is empty', 'Every question needs a key');
    out.set(cells.key, { key: cells.key, text: cells.question, options: refs.filter((o) => !NOT_OPINIONS.has(o)) });
  }
  return out;
}

/** Attribute -> its values, in metadata.csv's order. */
export async function readMetadata(file: OpinionQaFile): Promise<Map<string, string[]>> {
  const { header, rows } = await csvTable(file);
  requireColumns(header, ['key', 'options'], file.path);
  const out = new Map<string, string[]>();
  for (const { row, cells } of rows) {
    const loc = { file: file.path, row, field: 'options' };
    out.set(cells.key, stringList(pyField(cells.options, loc), loc));
  }
  return out;
}
