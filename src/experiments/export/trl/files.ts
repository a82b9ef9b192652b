// An arm's TRL rows as file bytes: JSONL (one JSON object a line, what `datasets` reads with
// load_dataset("json")) and Parquet (hyparquet-writer, with `prompt`, `chosen` and `rejected` as
// list<struct<role, content>> columns, the layout `datasets` writes for conversational data).
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { TrlRow } from './rows';

/** hyparquet-writer's own SchemaElement (it carries its own hyparquet version). */
type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

const encoder = new TextEncoder();

export function jsonlBytes(rows: readonly TrlRow[]): Uint8Array {
  return encoder.encode(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
}

const MESSAGE_COLUMNS = ['prompt', 'chosen', 'rejected'] as const;
const STRING_COLUMNS = ['pair_id', 'set', 'persona_id', 'question_id'] as const;

function schema(): SchemaElement[] {
  const s: SchemaElement[] = [{ name: 'root', num_children: MESSAGE_COLUMNS.length + STRING_COLUMNS.length + 1 }];
  const str = (name: string, rep: 'OPTIONAL' | 'REQUIRED'): SchemaElement => ({ name, repetition_type: rep, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } });
  for (const name of MESSAGE_COLUMNS) {
    s.push({ name, repetition_type: 'OPTIONAL', num_children: 1, converted_type: 'LIST', logical_type: { type: 'LIST' } });
    s.push({ name: 'list', repetition_type: 'REPEATED', num_children: 1 });
    s.push({ name: 'element', repetition_type: 'OPTIONAL', num_children: 2 });
    s.push(str('role', 'OPTIONAL'), str('content', 'OPTIONAL'));
  }
  for (const name of STRING_COLUMNS) s.push(str(name, 'REQUIRED'));
  s.push({ name: 'strength', repetition_type: 'REQUIRED', type: 'DOUBLE' });
  return s;
}

export function parquetBytes(rows: readonly TrlRow[]): Uint8Array {
  const columnData = [
    ...MESSAGE_COLUMNS.map((name) => ({ name, data: rows.map((r) => r[name].map((m) => ({ role: m.role, content: m.content }))) })),
    ...STRING_COLUMNS.map((name) => ({ name, data: rows.map((r) => r[name]) })),
    { name: 'strength', data: Float64Array.from(rows, (r) => r.strength) },
  ];
  return new Uint8Array(parquetWriteBuffer({ schema: schema(), columnData, createdBy: 'persona-lab export trl' }));
}
