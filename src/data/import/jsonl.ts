// Streaming JSON Lines: split byte chunks on newlines, decode each line as strict UTF-8, parse it
// as a JSON object. A line is bounded by the field limit times the column count, so a huge line
// fails early instead of filling memory. Errors name the row, the line and, where possible, the field.
import { DataFormatError } from '../errors';
import { decodeUtf8, firstInvalidUtf8 } from './utf8';
import { groupDigits } from './validate';

export interface JsonlRecord {
  /** 1-based record number (blank lines are not records). */
  row: number;
  line: number;
  value: Record<string, unknown>;
}

export interface JsonlOptions {
  file: string;
  maxLineBytes: number;
}

/** The top-level key whose value contains byte `offset` of a JSON object line (best effort). */
function keyAt(lineBytes: Uint8Array, offset: number): string | undefined {
  const prefix = new TextDecoder().decode(lineBytes.subarray(0, offset));
  let depth = 0;
  let inString = false;
  let escaped = false;
  let current = '';
  let lastString = '';
  let key: string | undefined;
  for (const ch of prefix) {
    if (inString) {
      if (escaped) escaped = false;
      else if (ch === '\\') escaped = true;
      else if (ch === '"') {
        inString = false;
        lastString = current;
      } else current += ch;
      continue;
    }
    if (ch === '"') {
      inString = true;
      current = '';
    } else if (ch === '{' || ch === '[') depth++;
    else if (ch === '}' || ch === ']') depth--;
    else if (ch === ':' && depth === 1) key = lastString;
  }
  return key;
}

export async function* jsonlRecords(chunks: AsyncIterable<Uint8Array>, options: JsonlOptions): AsyncGenerator<JsonlRecord> {
  let buf = new Uint8Array(1 << 16);
  let len = 0;
  let line = 0;
  let row = 0;
  let first = true;

  const finish = function* (bytes: Uint8Array): Generator<JsonlRecord> {
    line++;
    let end = bytes.length;
    if (end && bytes[end - 1] === 0x0d) end--;
    const body = bytes.subarray(0, end);
    if (body.every((b) => b === 0x20 || b === 0x09)) return;
    row++;
    const text = decodeUtf8(body);
    if (text === undefined) {
      const at = firstInvalidUtf8(body);
      throw new DataFormatError({ file: options.file, row, line, field: keyAt(body, at) }, `invalid UTF-8 at byte ${at} of the line`, 'Re-save the file as UTF-8');
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw new DataFormatError({ file: options.file, row, line }, `not valid JSON (${(e as Error).message})`, 'Each line must be one JSON object; the file may be truncated');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new DataFormatError({ file: options.file, row, line }, `expected a JSON object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, 'Each line must be one JSON object with the PERSONA columns');
    yield { row, line, value: value as Record<string, unknown> };
  };

  for await (const chunk of chunks) {
    let start = 0;
    if (first && chunk.length) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) start = 3;
    }
    for (let i = start; i < chunk.length; i++) {
      if (chunk[i] !== 0x0a) continue;
      const piece = chunk.subarray(start, i);
      if (len === 0) yield* finish(piece);
      else {
        append(piece);
        yield* finish(buf.subarray(0, len));
        len = 0;
      }
      start = i + 1;
    }
    append(chunk.subarray(start));
  }
  if (len > 0) yield* finish(buf.subarray(0, len));

  function append(piece: Uint8Array): void {
    if (!piece.length) return;
    if (len + piece.length > options.maxLineBytes) {
      const prefix = new Uint8Array(options.maxLineBytes);
      prefix.set(buf.subarray(0, len));
      prefix.set(piece.subarray(0, options.maxLineBytes - len), len);
      throw new DataFormatError(
        { file: options.file, row: row + 1, line: line + 1, field: keyAt(prefix, prefix.length) },
        `line is longer than ${groupDigits(options.maxLineBytes)} bytes`,
        'A field is far larger than PERSONA fields are; fix or drop this row',
      );
    }
    if (len + piece.length > buf.length) {
      let size = buf.length;
      while (size < len + piece.length) size *= 2;
      const next = new Uint8Array(size);
      next.set(buf.subarray(0, len));
      buf = next;
    }
    buf.set(piece, len);
    len += piece.length;
  }
}
