// PERSONA parquet files, row group by row group: the footer is read first, then each row group's
// column chunks for the PERSONA columns only, so memory holds one row group at a time whatever
// the file size (and a URL source fetches only those byte ranges). All parquet codecs via
// hyparquet-compressors. Strings are decoded strictly; invalid UTF-8 becomes a marker that
// validation reports with its row and column.
import { parquetMetadataAsync, parquetRead, parquetSchema, type AsyncBuffer, type FileMetaData } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { DataFormatError, ImportCancelledError } from '../errors';
import type { ByteSource } from './sources';
import { decodeUtf8, firstInvalidUtf8, InvalidUtf8 } from './utf8';

export interface ParquetRecord {
  /** 1-based row number in the file. */
  row: number;
  value: Record<string, unknown>;
}

export interface ParquetLayout {
  metadata: FileMetaData;
  columns: string[];
  /** Physical type of each top-level column ('BYTE_ARRAY', 'INT32', 'group', ...). */
  types: Map<string, string>;
  rowGroups: { rowStart: number; rowEnd: number; bytes: number }[];
  rows: number;
}

function asyncBuffer(source: ByteSource, signal?: AbortSignal): AsyncBuffer {
  // A read is a fresh Uint8Array over its own buffer (ByteSource's contract): its buffer is the bytes.
  return { byteLength: source.size, slice: async (start, end) => (await source.read(start, end ?? source.size, signal)).buffer as ArrayBuffer };
}

export async function parquetLayout(source: ByteSource, signal?: AbortSignal): Promise<ParquetLayout> {
  if (source.size === 0) throw new DataFormatError({ file: source.name }, 'the file is empty', 'Choose a PERSONA parquet, JSONL or CSV file');
  let metadata: FileMetaData;
  try {
    metadata = await parquetMetadataAsync(asyncBuffer(source, signal));
  } catch (e) {
    if (e instanceof ImportCancelledError || signal?.aborted) throw new ImportCancelledError(source.name);
    throw new DataFormatError({ file: source.name }, `not a readable parquet file (${(e as Error).message})`, 'The file may be truncated or not parquet: download it again', { cause: e });
  }
  const schema = parquetSchema(metadata);
  const types = new Map<string, string>();
  for (const child of schema.children) {
    const el = child.element;
    const logical = el.logical_type?.type === 'STRING' || el.converted_type === 'UTF8' ? 'STRING' : undefined;
    types.set(el.name, child.children.length ? 'group' : (logical ?? el.type ?? 'unknown'));
  }
  const rowGroups: ParquetLayout['rowGroups'] = [];
  let at = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    rowGroups.push({ rowStart: at, rowEnd: at + n, bytes: Number(rg.total_compressed_size ?? rg.total_byte_size) });
    at += n;
  }
  return { metadata, columns: [...types.keys()], types, rowGroups, rows: at };
}

/** Checks that the chosen columns hold text (BYTE_ARRAY or STRING) and not numbers or nested data. */
export function checkParquetTypes(layout: ParquetLayout, columns: readonly string[], file: string): void {
  for (const c of columns) {
    const t = layout.types.get(c);
    if (t !== 'BYTE_ARRAY' && t !== 'STRING')
      throw new DataFormatError({ file, field: c }, `column holds ${t === 'group' ? 'nested (list or struct) values' : `${t} values`}, expected text`, `'${c}' must be a string column`);
  }
}

const parsers = {
  stringFromBytes(bytes: Uint8Array | undefined): string | InvalidUtf8 | undefined {
    if (bytes === undefined) return undefined;
    const text = decodeUtf8(bytes);
    return text === undefined ? new InvalidUtf8(firstInvalidUtf8(bytes)) : text;
  },
};

/** Records of one row group after another. */
export async function* parquetRecords(
  source: ByteSource,
  layout: ParquetLayout,
  columns: string[],
  options: { signal?: AbortSignal; onRowGroup?: (index: number, bytes: number) => void } = {},
): AsyncGenerator<ParquetRecord> {
  const file = asyncBuffer(source, options.signal);
  for (let g = 0; g < layout.rowGroups.length; g++) {
    const { rowStart, rowEnd, bytes } = layout.rowGroups[g];
    if (options.signal?.aborted) throw new ImportCancelledError(source.name);
    let rows: Record<string, unknown>[] = [];
    try {
      await parquetRead({
        file,
        metadata: layout.metadata,
        columns,
        rowStart,
        rowEnd,
        compressors,
        parsers,
        rowFormat: 'object',
        onComplete: (r) => {
          rows = r;
        },
      });
    } catch (e) {
      if (e instanceof ImportCancelledError || options.signal?.aborted) throw new ImportCancelledError(source.name);
      throw new DataFormatError(
        { file: source.name, row: rowStart + 1 },
        `row group ${g + 1} (rows ${rowStart + 1}-${rowEnd}) cannot be read (${(e as Error).message})`,
        'The file is truncated or corrupted: download it again',
        { cause: e },
      );
    }
    for (let i = 0; i < rows.length; i++) yield { row: rowStart + i + 1, value: rows[i] };
    options.onRowGroup?.(g, bytes);
  }
}
