// Streaming CSV (RFC 4180: quoted fields, doubled quotes, newlines inside quotes, CRLF or LF),
// parsed at the byte level so that any chunking works and each field is decoded as strict UTF-8
// on its own: an encoding error names its row and column. A field longer than the limit is an
// error as soon as it crosses the limit, before it is held in memory whole.
import { DataFormatError } from '../errors';
import { decodeUtf8, firstInvalidUtf8 } from './utf8';
import { groupDigits } from './validate';

export interface CsvRecord {
  /** 1-based record number, the header being record 0. */
  row: number;
  /** 1-based line where the record starts. */
  line: number;
  fields: string[];
}

export interface CsvOptions {
  file: string;
  /** Longest field in bytes (UTF-8 is at least 1 byte per character, so bytes bound chars). */
  maxFieldBytes: number;
  /** Column names for messages once the header is known (set by the caller after record 0). */
  columnName?: (index: number) => string;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;

/** Records from byte chunks. The first record is the header. */
export async function* csvRecords(chunks: AsyncIterable<Uint8Array>, options: CsvOptions): AsyncGenerator<CsvRecord> {
  let field = new Uint8Array(256);
  let len = 0;
  let fields: string[] = [];
  let inQuotes = false;
  let quoteSeen = false; // just saw a quote inside a quoted field (maybe an escape)
  let fieldQuoted = false;
  let row = 0;
  let line = 1;
  let recordLine = 1;
  let pendingCR = false;
  let first = true;
  let anyByte = false;

  const name = (i: number) => options.columnName?.(i) ?? `column ${i + 1}`;
  const push = (b: number) => {
    if (len >= options.maxFieldBytes)
      throw new DataFormatError({ file: options.file, row, line: recordLine, field: name(fields.length) }, `field is longer than ${groupDigits(options.maxFieldBytes)} bytes`, 'Fix or drop this row; PERSONA fields are a few thousand characters');
    if (len === field.length) {
      const next = new Uint8Array(Math.min(field.length * 2, options.maxFieldBytes));
      next.set(field);
      field = next;
    }
    field[len++] = b;
  };
  /** Appends chunk[from, to) in one copy. */
  const pushRun = (chunk: Uint8Array, from: number, to: number) => {
    const n = to - from;
    if (n <= 0) return;
    if (len + n > options.maxFieldBytes)
      throw new DataFormatError({ file: options.file, row, line: recordLine, field: name(fields.length) }, `field is longer than ${groupDigits(options.maxFieldBytes)} bytes`, 'Fix or drop this row; PERSONA fields are a few thousand characters');
    if (len + n > field.length) {
      let size = field.length;
      while (size < len + n) size *= 2;
      const next = new Uint8Array(Math.min(size, options.maxFieldBytes));
      next.set(field.subarray(0, len));
      field = next;
    }
    field.set(chunk.subarray(from, to), len);
    len += n;
  };
  const endField = () => {
    const bytes = field.subarray(0, len);
    const text = decodeUtf8(bytes);
    if (text === undefined)
      throw new DataFormatError({ file: options.file, row, line: recordLine, field: name(fields.length) }, `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)} of the value`, 'Re-save the file as UTF-8');
    fields.push(text);
    len = 0;
    fieldQuoted = false;
    if (field.length > 1 << 16) field = new Uint8Array(256); // give back a big buffer
  };
  const endRecord = (): CsvRecord => {
    endField();
    const rec = { row, line: recordLine, fields };
    fields = [];
    row++;
    return rec;
  };

  for await (const chunk of chunks) {
    let i = 0;
    if (first && chunk.length) {
      first = false;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3; // BOM
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i];
      anyByte = true;
      if (pendingCR) {
        pendingCR = false;
        if (b === LF) continue; // CRLF already ended the record
      }
      if (inQuotes) {
        if (quoteSeen) {
          quoteSeen = false;
          if (b === QUOTE) {
            push(QUOTE);
            continue;
          }
          inQuotes = false; // the quote closed the field; fall through to handle b
        } else if (b === QUOTE) {
          quoteSeen = true;
          continue;
        } else {
          // Copy the run up to the next quote in one go.
          let j = chunk.indexOf(QUOTE, i);
          if (j < 0) j = chunk.length;
          for (let k = i; k < j; k++) if (chunk[k] === LF) line++;
          pushRun(chunk, i, j);
          i = j - 1;
          continue;
        }
      }
      if (b === COMMA) endField();
      else if (b === LF || b === CR) {
        yield endRecord();
        line++;
        recordLine = line;
        if (b === CR) pendingCR = true;
      } else if (b === QUOTE && len === 0 && !fieldQuoted) {
        inQuotes = true;
        fieldQuoted = true;
      } else {
        // Copy the run of ordinary bytes in one go.
        let j = i + 1;
        while (j < chunk.length) {
          const c = chunk[j];
          if (c === COMMA || c === LF || c === CR || c === QUOTE) break;
          j++;
        }
        pushRun(chunk, i, j);
        i = j - 1;
      }
    }
  }
  if (inQuotes && !quoteSeen)
    throw new DataFormatError({ file: options.file, row, line: recordLine, field: name(fields.length) }, 'the file ends inside a quoted field', 'The file is truncated or a quote is not closed');
  // A last record without a trailing newline.
  if (anyByte && (len > 0 || fields.length > 0 || fieldQuoted || quoteSeen)) yield endRecord();
}
