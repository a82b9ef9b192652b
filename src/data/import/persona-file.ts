// Importing a PERSONA file (parquet, JSONL or CSV) from any ByteSource into normalized batches:
// rows validated, persona blocks parsed and deduplicated, instructions given stable question ids.
// Batches stream out so a caller (the IndexedDB store) can write shards as they fill and memory
// stays bounded. Any problem throws a DataFormatError naming file, row and field.
import { contentHash } from '../content-hash';
import { DataFormatError, ImportCancelledError } from '../errors';
import { personaIdOf, personaRecordFromBlock } from '../persona-block';
import { RowsFingerprint } from '../row-fingerprint';
import type { Dataset, DataRow, PersonaColumn, PersonaRecord, PersonaRow } from '../schema';
import { csvRecords } from './csv';
import { jsonlRecords } from './jsonl';
import { checkParquetTypes, parquetLayout, parquetRecords } from './parquet';
import type { ByteSource } from './sources';
import { DEFAULT_LIMITS, mapColumns, validateRecord, type ImportLimits } from './validate';

export type PersonaFormat = 'parquet' | 'jsonl' | 'csv';

export interface ImportProgress {
  file: string;
  format: PersonaFormat;
  /** Bytes consumed so far (row groups for parquet) and the file size. */
  bytesDone: number;
  bytesTotal: number;
  rows: number;
  /** Known for parquet (from the footer). */
  rowsTotal?: number;
}

export interface ImportOptions {
  format?: PersonaFormat;
  signal?: AbortSignal;
  onProgress?: (p: ImportProgress) => void;
  limits?: Partial<ImportLimits>;
  /** Rows per emitted batch (default 2,000). */
  batchRows?: number;
}

export interface ImportBatch {
  rows: DataRow[];
  /** Personas first seen in this batch. */
  personas: PersonaRecord[];
}

export interface ImportSummary {
  file: string;
  format: PersonaFormat;
  rows: number;
  personas: number;
  questions: number;
  /** How many personas lack each of the 33 attributes (only those lacking any). */
  missingAttributes: Record<string, number>;
  /** Persona-block keys that are not among the 33, with counts. */
  unknownKeys: Record<string, number>;
  /** File columns that are not PERSONA columns (ignored). */
  ignoredColumns: string[];
  /** Persona-block lines without a key, folded into the previous value. */
  strayLines: number;
  /** The rows' content fingerprint (../row-fingerprint.ts): the same rows give the same one
   * from any file format; the dataset's identity. */
  fingerprint: string;
}

export function detectFormat(name: string, head: Uint8Array): PersonaFormat {
  const lower = name.toLowerCase().replace(/[?#].*$/, '');
  if (lower.endsWith('.parquet')) return 'parquet';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson') || lower.endsWith('.json')) return 'jsonl';
  if (lower.endsWith('.csv')) return 'csv';
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31) return 'parquet';
  let i = head[0] === 0xef ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
  return head[i] === 0x7b ? 'jsonl' : 'csv';
}

/** Question id: the same instruction text gets the same id in any file. */
export function questionIdOf(instruction: string): string {
  return `q-${contentHash(instruction.replace(/\s+/g, ' ').trim())}`;
}

interface RawRecord {
  row: number;
  line?: number;
  value: Record<string, unknown>;
}

async function* recordsOf(
  source: ByteSource,
  format: PersonaFormat,
  limits: ImportLimits,
  signal: AbortSignal | undefined,
  progress: (bytes: number, rowsTotal?: number) => void,
): AsyncGenerator<RawRecord, string[]> {
  if (format === 'parquet') {
    const layout = await parquetLayout(source, signal);
    const { map, ignored } = mapColumns(layout.columns, source.name);
    checkParquetTypes(layout, [...map.values()], source.name);
    progress(0, layout.rows);
    let bytes = 0;
    yield* parquetRecords(source, layout, [...map.values()], {
      signal,
      onRowGroup: (_, b) => {
        bytes += b;
        progress(Math.min(bytes, source.size), layout.rows);
      },
    });
    return ignored;
  }
  let bytes = 0;
  const counted = (async function* () {
    for await (const chunk of source.chunks(signal)) {
      bytes += chunk.length;
      yield chunk;
    }
  })();
  if (format === 'jsonl') {
    for await (const r of jsonlRecords(counted, { file: source.name, maxLineBytes: limits.maxFieldChars * 8 + (1 << 16) })) {
      yield r;
      progress(bytes);
    }
    return [];
  }
  let header: string[] | undefined;
  const records = csvRecords(counted, { file: source.name, maxFieldBytes: limits.maxFieldChars * 4, columnName: (i) => header?.[i] ?? `column ${i + 1}` });
  for await (const rec of records) {
    if (!header) {
      header = rec.fields;
      continue;
    }
    if (rec.fields.length === 1 && rec.fields[0] === '') continue; // blank line
    if (rec.fields.length !== header.length)
      throw new DataFormatError({ file: source.name, row: rec.row, line: rec.line }, `has ${rec.fields.length} fields, the header has ${header.length}`, 'A quote or comma is probably unbalanced in this row');
    const value: Record<string, unknown> = {};
    header.forEach((h, i) => (value[h] = rec.fields[i]));
    yield { row: rec.row, line: rec.line, value };
    progress(bytes);
  }
  if (!header) throw new DataFormatError({ file: source.name }, 'the file is empty', 'Choose a PERSONA parquet, JSONL or CSV file');
  return [];
}

/** Validated, normalized batches; the generator's return value is the summary. */
export async function* readPersonaBatches(source: ByteSource, options: ImportOptions = {}): AsyncGenerator<ImportBatch, ImportSummary> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const batchRows = options.batchRows ?? 2000;
  if (source.size === 0) throw new DataFormatError({ file: source.name }, 'the file is empty', 'Choose a PERSONA parquet, JSONL or CSV file');
  const format = options.format ?? detectFormat(source.name, await source.read(0, Math.min(source.size, 64), options.signal));

  let columns: Map<PersonaColumn, string> | undefined;
  let ignoredColumns: string[] = [];
  const personasSeen = new Set<string>();
  const blockIds = new Map<string, string>();
  const questions = new Set<string>();
  const missingAttributes: Record<string, number> = {};
  const unknownKeys: Record<string, number> = {};
  let strayLines = 0;
  let rows = 0;
  const fingerprint = new RowsFingerprint();
  let batch: ImportBatch = { rows: [], personas: [] };
  let rowsTotal: number | undefined;
  let lastBytes = 0;
  const progress = (bytes: number, total?: number) => {
    lastBytes = bytes;
    if (total !== undefined) rowsTotal = total;
    options.onProgress?.({ file: source.name, format, bytesDone: bytes, bytesTotal: source.size, rows, rowsTotal });
  };

  const it = recordsOf(source, format, limits, options.signal, progress);
  while (true) {
    const next = await it.next();
    if (next.done) {
      if (format === 'parquet') ignoredColumns = next.value;
      break;
    }
    if (options.signal?.aborted) throw new ImportCancelledError(source.name);
    const rec = next.value;
    if (!columns) {
      // Parquet and CSV know their columns up front; JSONL takes them from the first object.
      const mapped = mapColumns(Object.keys(rec.value), source.name);
      columns = mapped.map;
      if (format !== 'parquet') ignoredColumns = mapped.ignored;
    }
    const row: PersonaRow = validateRecord(rec.value, columns, { file: source.name, row: rec.row, line: rec.line }, limits);
    // Most files repeat each persona block across many rows: parse a block once.
    let personaId = blockIds.get(row.persona);
    if (personaId === undefined) {
      personaId = personaIdOf(row.persona);
      if (blockIds.size >= 8192) blockIds.clear(); // bounded memory for files of unique personas
      blockIds.set(row.persona, personaId);
    }
    if (!personasSeen.has(personaId)) {
      const persona = personaRecordFromBlock(row.persona);
      personasSeen.add(persona.id);
      for (const k of persona.missing) missingAttributes[k] = (missingAttributes[k] ?? 0) + 1;
      for (const [k] of persona.extra) unknownKeys[k] = (unknownKeys[k] ?? 0) + 1;
      strayLines += persona.strayLines;
      const { strayLines: _s, ...record } = persona;
      batch.personas.push(record);
    }
    const questionId = questionIdOf(row.instruction);
    questions.add(questionId);
    const dataRow: DataRow = {
      personaId,
      questionId,
      instruction: row.instruction,
      original: row.original,
      critique: row.critique,
      data: row.data,
      questionType: row['question type'],
    };
    fingerprint.add(dataRow);
    batch.rows.push(dataRow);
    rows++;
    if (batch.rows.length >= batchRows) {
      yield batch;
      batch = { rows: [], personas: [] };
    }
  }
  if (rows === 0) throw new DataFormatError({ file: source.name }, 'the file has no data rows', 'Check that this is the right file');
  if (batch.rows.length) yield batch;
  options.onProgress?.({ file: source.name, format, bytesDone: Math.max(lastBytes, source.size), bytesTotal: source.size, rows, rowsTotal });
  return { file: source.name, format, rows, personas: personasSeen.size, questions: questions.size, missingAttributes, unknownKeys, ignoredColumns, strayLines, fingerprint: fingerprint.hex() };
}

/** The whole file as an in-memory Dataset (CLI, tests; the app streams into the store instead). */
export async function readPersonaDataset(source: ByteSource, options: ImportOptions = {}): Promise<{ dataset: Dataset; summary: ImportSummary }> {
  const personas: PersonaRecord[] = [];
  const rows: DataRow[] = [];
  const it = readPersonaBatches(source, options);
  while (true) {
    const next = await it.next();
    if (next.done) {
      // The id is the rows' content: the same rows from another file (or format) are the same dataset.
      return { dataset: { id: `file-${next.value.fingerprint.slice('rows-'.length)}`, name: source.name, source: 'persona-file', personas, rows }, summary: next.value };
    }
    personas.push(...next.value.personas);
    for (const r of next.value.rows) rows.push(r);
  }
}
