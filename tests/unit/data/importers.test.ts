// PERSONA importers (parquet, JSONL, CSV): round trips and every kind of bad input. Errors must
// name the file, the row and the field.
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { personaCsvText, personaJsonlText, personaParquetBytes, syntheticPersonaRows } from '../../../src/cli/commands/data-fixtures';
import { DataFormatError, bytesSource, readPersonaDataset, type ByteSource, type PersonaRow } from '../../../src/data';

const enc = new TextEncoder();
const rows: PersonaRow[] = [...syntheticPersonaRows(40, 3)];

function text(name: string, content: string | Uint8Array): ByteSource {
  return bytesSource(typeof content === 'string' ? enc.encode(content) : content, name);
}

/** A source that hands out tiny chunks, to exercise every chunk boundary. */
function dribble(name: string, bytes: Uint8Array, size: number): ByteSource {
  const base = bytesSource(bytes, name);
  return {
    ...base,
    async *chunks() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    },
  };
}

async function failure(source: ByteSource): Promise<DataFormatError> {
  try {
    await readPersonaDataset(source);
  } catch (e) {
    if (e instanceof DataFormatError) return e;
    throw new Error(`expected a DataFormatError, got ${(e as Error).name}: ${(e as Error).message}`, { cause: e });
  }
  throw new Error('expected the import to fail');
}

function withField(i: number, column: keyof PersonaRow, value: string): PersonaRow[] {
  return rows.map((r, k) => (k === i ? { ...r, [column]: value } : r));
}

describe('round trips', () => {
  it.each([
    ['rows.parquet', () => personaParquetBytes(rows, 16)],
    ['rows.jsonl', () => enc.encode(personaJsonlText(rows))],
    ['rows.csv', () => enc.encode(personaCsvText(rows))],
  ])('%s imports every row unchanged, personas deduplicated', async (name, make) => {
    const { dataset, summary } = await readPersonaDataset(text(name, make()));
    expect(dataset.rows.length).toBe(rows.length);
    expect(summary.format).toBe(name.split('.')[1]);
    dataset.rows.forEach((r, i) => {
      expect(r.instruction).toBe(rows[i].instruction);
      expect(r.data).toBe(rows[i].data);
      expect(r.original).toBe(rows[i].original);
      expect(r.critique).toBe(rows[i].critique);
      expect(r.questionType).toBe(rows[i]['question type']);
    });
    expect(dataset.personas.length).toBe(new Set(rows.map((r) => r.persona)).size);
    expect(summary.missingAttributes).toEqual({});
    // Same instruction -> same question id, across rows.
    const byText = new Map<string, string>();
    for (const r of dataset.rows) {
      expect(byText.get(r.instruction) ?? r.questionId).toBe(r.questionId);
      byText.set(r.instruction, r.questionId);
    }
  });

  it('CSV and JSONL parse the same whatever the chunk boundaries (1 and 7 bytes)', async () => {
    const tricky = withField(0, 'data', 'He said "hi",\r\nthen left, café 😀');
    const csv = enc.encode(`\ufeff${personaCsvText(tricky)}`);
    const jsonl = enc.encode(personaJsonlText(tricky));
    for (const size of [1, 7]) {
      const a = await readPersonaDataset(dribble('t.csv', csv, size));
      const b = await readPersonaDataset(dribble('t.jsonl', jsonl, size));
      expect(a.dataset.rows[0].data).toBe('He said "hi",\r\nthen left, café 😀');
      expect(b.dataset.rows.map((r) => r.data)).toEqual(a.dataset.rows.map((r) => r.data));
    }
  });

  it('detects the format from the content when the name has no extension', async () => {
    expect((await readPersonaDataset(text('download', personaParquetBytes(rows.slice(0, 3))))).summary.format).toBe('parquet');
    expect((await readPersonaDataset(text('download', personaJsonlText(rows.slice(0, 3))))).summary.format).toBe('jsonl');
    expect((await readPersonaDataset(text('download', personaCsvText(rows.slice(0, 3))))).summary.format).toBe('csv');
  });

  it('keeps HTML and script in text fields as text', async () => {
    const evil = '<img src=x onerror="alert(1)"><script>document.title="pwned"</script>';
    for (const [name, make] of [
      ['h.jsonl', personaJsonlText],
      ['h.csv', personaCsvText],
    ] as const) {
      const { dataset } = await readPersonaDataset(text(name, make(withField(2, 'data', evil))));
      expect(dataset.rows[2].data).toBe(evil);
    }
    const { dataset } = await readPersonaDataset(text('h.parquet', personaParquetBytes(withField(2, 'critique', evil))));
    expect(dataset.rows[2].critique).toBe(evil);
  });

  it('accepts question_type spelled with an underscore and ignores extra columns', async () => {
    const jsonl = rows.slice(0, 2).map((r) => JSON.stringify({ ...r, 'question type': undefined, question_type: r['question type'], score: 3 })).join('\n');
    const { dataset, summary } = await readPersonaDataset(text('x.jsonl', jsonl));
    expect(dataset.rows[0].questionType).toBe(rows[0]['question type']);
    expect(summary.ignoredColumns).toEqual(['score']);
  });

  it('tolerates and reports persona blocks that miss attributes', async () => {
    const child = withField(0, 'persona', 'age: 9\nsex: Male\nreligion: Catholic');
    const { summary } = await readPersonaDataset(text('c.jsonl', personaJsonlText(child)));
    expect(summary.missingAttributes['political views']).toBe(1);
    expect(summary.missingAttributes.age).toBeUndefined();
  });
});

describe('bad input', () => {
  it('missing columns name the file and the column', async () => {
    const header = 'persona,instruction,original,critique\r\n"a: 1",q,o,c\r\n';
    const e = await failure(text('nodata.csv', header));
    expect(e.file).toBe('nodata.csv');
    expect(e.field).toBe('data');
    expect(e.message).toMatch(/missing column 'data'/);
    const j = await failure(text('wrong.jsonl', '{"prompt": "x", "chosen": "y", "rejected": "z"}\n'));
    expect(j.field).toBe('persona');
    expect(j.message).toMatch(/found: 'prompt', 'chosen', 'rejected'/);
    const p = await failure(text('cols.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [{ name: 'persona', data: ['a: 1'], type: 'STRING' }] }))));
    expect(p.field).toBe('instruction');
  });

  it('a row missing a field names its row and field', async () => {
    const lines = rows.slice(0, 4).map((r, i) => JSON.stringify(i === 2 ? { ...r, data: undefined } : r));
    const e = await failure(text('gap.jsonl', lines.join('\n')));
    expect([e.row, e.field]).toEqual([3, 'data']);
  });

  it('wrong types name the row and field (JSONL) or the column (parquet)', async () => {
    const lines = rows.slice(0, 3).map((r, i) => JSON.stringify(i === 1 ? { ...r, instruction: 42 } : r));
    const e = await failure(text('types.jsonl', lines.join('\n')));
    expect([e.file, e.row, e.field]).toEqual(['types.jsonl', 2, 'instruction']);
    expect(e.message).toMatch(/expected text, got a number/);
    const n = await failure(text('null.jsonl', JSON.stringify({ ...rows[0], original: null })));
    expect([n.row, n.field]).toEqual([1, 'original']);
    const cols = (['persona', 'original', 'critique', 'data', 'question type'] as const).map((c) => ({ name: c, data: [rows[0][c]], type: 'STRING' as const }));
    const bytes = parquetWriteBuffer({ columnData: [...cols, { name: 'instruction', data: [7], type: 'INT32' }] });
    const p = await failure(text('types.parquet', new Uint8Array(bytes)));
    expect([p.file, p.field]).toEqual(['types.parquet', 'instruction']);
    expect(p.message).toMatch(/INT32 values, expected text/);
    const notObject = await failure(text('arr.jsonl', `${JSON.stringify(rows[0])}\n[1,2]\n`));
    expect(notObject.row).toBe(2);
  });

  it('a truncated parquet file is reported as such', async () => {
    const bytes = personaParquetBytes(rows, 8);
    for (const keep of [0.5, 0.98]) {
      const e = await failure(text('cut.parquet', bytes.subarray(0, Math.floor(bytes.length * keep))));
      expect(e.file).toBe('cut.parquet');
      expect(e.message).toMatch(/not a readable parquet file|cannot be read/);
    }
    const notParquet = await failure(text('fake.parquet', 'PAR1 this is not parquet at all'));
    expect(notParquet.message).toMatch(/not a readable parquet file/);
  });

  it('a truncated JSONL file names the broken last row', async () => {
    const full = personaJsonlText(rows.slice(0, 5));
    const e = await failure(text('cut.jsonl', full.slice(0, full.length - 40)));
    expect(e.row).toBe(5);
    expect(e.message).toMatch(/not valid JSON/);
  });

  it('a CSV ending inside a quoted field, or with a short row, is reported with its row', async () => {
    const csv = personaCsvText(withField(1, 'data', 'a "quoted", value'));
    const e = await failure(text('cut.csv', csv.slice(0, csv.indexOf('quoted') + 3)));
    expect(e.message).toMatch(/ends inside a quoted field/);
    expect(e.row).toBe(2);
    const short = await failure(text('short.csv', 'persona,instruction,original,critique,data,question type\r\n"a: 1",q,o,c,d,t\r\n"a: 1",q,o\r\n'));
    expect(short.row).toBe(2);
    expect(short.message).toMatch(/3 fields, the header has 6/);
  });

  it('invalid UTF-8 names the row and field in every format', async () => {
    const bad = new Uint8Array([0x61, 0xff, 0xfe, 0x62]);
    // CSV
    const head = enc.encode('persona,instruction,original,critique,data,question type\r\n"age: 1",q1,o,c,d,t\r\n"age: 1",q2,o,');
    const csv = new Uint8Array([...head, ...bad, ...enc.encode(',d,t\r\n')]);
    const c = await failure(text('bad.csv', csv));
    expect([c.row, c.field]).toEqual([2, 'critique']);
    expect(c.message).toMatch(/invalid UTF-8/);
    // JSONL
    const line1 = enc.encode(`${JSON.stringify(rows[0])}\n`);
    const { data: _data, ...rest } = rows[1];
    const open = JSON.stringify({ ...rest, data: 'X' }); // data is the last key
    expect(open.endsWith('"data":"X"}')).toBe(true);
    const jsonl = new Uint8Array([...line1, ...enc.encode(open.slice(0, -3)), ...bad, ...enc.encode('"}\n')]);
    const j = await failure(text('bad.jsonl', jsonl));
    expect([j.row, j.field]).toEqual([2, 'data']);
    // parquet: a BYTE_ARRAY column without a UTF8 annotation holding invalid bytes
    const cols = (['persona', 'instruction', 'original', 'critique', 'question type'] as const).map((k) => ({ name: k, data: rows.slice(0, 3).map((r) => r[k]), type: 'STRING' as const }));
    const data = [enc.encode('fine'), enc.encode('also fine'), bad];
    const p = await failure(text('bad.parquet', new Uint8Array(parquetWriteBuffer({ columnData: [...cols, { name: 'data', data, type: 'BYTE_ARRAY' }] }))));
    expect([p.row, p.field]).toEqual([3, 'data']);
    expect(p.message).toMatch(/invalid UTF-8/);
  });

  it('an empty file is reported, whatever its format', async () => {
    for (const name of ['e.parquet', 'e.jsonl', 'e.csv', 'e']) {
      const e = await failure(text(name, ''));
      expect(e.file).toBe(name);
      expect(e.message).toMatch(/empty/);
    }
    expect((await failure(text('h.csv', 'persona,instruction,original,critique,data,question type\r\n'))).message).toMatch(/no data rows/);
    expect((await failure(text('blank.jsonl', '\n\n  \n'))).message).toMatch(/no data rows/);
  });

  it('a 10 MB text field is rejected with its row and field, in every format', async () => {
    const huge = 'x'.repeat(10 * 1024 * 1024);
    const many = withField(1, 'critique', huge);
    const j = await failure(text('big.jsonl', personaJsonlText(many.slice(0, 3))));
    expect([j.row, j.field]).toEqual([2, 'critique']);
    const c = await failure(text('big.csv', personaCsvText(many.slice(0, 3))));
    expect([c.row, c.field]).toEqual([2, 'critique']);
    const p = await failure(text('big.parquet', personaParquetBytes(many.slice(0, 3))));
    expect([p.row, p.field]).toEqual([2, 'critique']);
    for (const e of [j, c, p]) expect(e.message).toMatch(/longer than|over the limit/);
  });

  it('an empty required value is reported', async () => {
    const e = await failure(text('blank.jsonl', personaJsonlText(withField(0, 'instruction', '   '))));
    expect([e.row, e.field]).toEqual([1, 'instruction']);
  });
});
