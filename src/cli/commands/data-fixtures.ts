// PERSONA-schema files for tests and benchmarks, written from the built-in generator: parquet
// (hyparquet-writer, streamed to disk row group by row group, so a 200,000-row file never sits
// in memory), JSON Lines and CSV. Rows are made unique (a row number in the critique) so that
// dictionary encoding cannot shrink the file to nothing. Dev tooling: hyparquet-writer is a
// devDependency, and nothing in the app imports this file.
import { ByteWriter, ParquetWriter, fileWriter, schemaFromColumnData } from 'hyparquet-writer';
import { generateBuiltin, personaRows, PERSONA_COLUMNS, type PersonaRow } from '../../data';

/** `n` PERSONA rows cycling through a built-in dataset (seeded), each made unique. */
export function* syntheticPersonaRows(n: number, seed = 1): Generator<PersonaRow> {
  const ds = generateBuiltin({ seed, personas: 200, questionsPerPersona: 24 });
  const base = [...personaRows(ds)];
  for (let i = 0; i < n; i++) {
    const r = base[i % base.length];
    yield { ...r, critique: `${r.critique} (row ${i + 1})` };
  }
}

function columnData(rows: readonly PersonaRow[]) {
  return PERSONA_COLUMNS.map((c) => ({ name: c, data: rows.map((r) => r[c]), type: 'STRING' as const }));
}

function writeRows(writer: ParquetWriter, rows: Iterable<PersonaRow>, rowGroupSize: number): number {
  let group: PersonaRow[] = [];
  let count = 0;
  for (const row of rows) {
    group.push(row);
    count++;
    if (group.length === rowGroupSize) {
      void writer.write({ columnData: columnData(group), rowGroupSize });
      group = [];
    }
  }
  if (group.length) void writer.write({ columnData: columnData(group), rowGroupSize });
  return count;
}

function schema() {
  return schemaFromColumnData({ columnData: columnData([{ persona: '', instruction: '', original: '', critique: '', data: '', 'question type': '' }]) });
}

/** A parquet file in memory (small fixtures). */
export function personaParquetBytes(rows: Iterable<PersonaRow>, rowGroupSize = 1000): Uint8Array {
  const writer = new ByteWriter();
  const pw = new ParquetWriter({ writer, schema: schema() });
  writeRows(pw, rows, rowGroupSize);
  void pw.finish();
  return new Uint8Array(writer.getBuffer());
}

/** A parquet file on disk, written row group by row group; returns the row count. */
export function writePersonaParquetFile(path: string, rows: Iterable<PersonaRow>, rowGroupSize = 5000): number {
  const pw = new ParquetWriter({ writer: fileWriter(path), schema: schema() });
  const n = writeRows(pw, rows, rowGroupSize);
  void pw.finish();
  return n;
}

export function personaJsonlText(rows: Iterable<PersonaRow>): string {
  let out = '';
  for (const r of rows) out += `${JSON.stringify(r)}\n`;
  return out;
}

function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function personaCsvText(rows: Iterable<PersonaRow>): string {
  let out = `${PERSONA_COLUMNS.map(csvField).join(',')}\r\n`;
  for (const r of rows) out += `${PERSONA_COLUMNS.map((c) => csvField(r[c])).join(',')}\r\n`;
  return out;
}
