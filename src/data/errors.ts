// Named errors of the data layer. Every error about input data says where the problem is (file,
// row, field) and what to do about it, so the UI can show it as is and a user can fix the file.

/** Where in the input a problem sits. Rows are 1-based data rows (the header is not a row). */
export interface DataLocation {
  file: string;
  row?: number;
  field?: string;
  /** 1-based line in a text file, when it differs from the row (quoted newlines, headers). */
  line?: number;
}

function where(loc: DataLocation): string {
  const parts = [loc.file || '(unnamed input)'];
  if (loc.row !== undefined) parts.push(`row ${loc.row}${loc.line !== undefined && loc.line !== loc.row ? ` (line ${loc.line})` : ''}`);
  if (loc.field !== undefined) parts.push(`field '${loc.field}'`);
  return parts.join(', ');
}

/** Base class: something is wrong with data a user gave us. */
export class DataError extends Error {
  override name = 'DataError';
}

/** The input is malformed: wrong or missing columns, wrong types, bad encoding, bad syntax,
 * oversized fields, an empty or truncated file. */
export class DataFormatError extends DataError {
  override name = 'DataFormatError';
  readonly location: DataLocation;
  readonly problem: string;
  readonly hint: string;
  constructor(location: DataLocation, problem: string, hint = '', options?: { cause?: unknown }) {
    super(`${where(location)}: ${problem}${hint ? `. ${hint}` : ''}`, options);
    this.location = location;
    this.problem = problem;
    this.hint = hint;
  }
  get file(): string {
    return this.location.file;
  }
  get row(): number | undefined {
    return this.location.row;
  }
  get field(): string | undefined {
    return this.location.field;
  }
}

/** A Python literal (OpinionQA's dicts and lists) that does not parse; `offset` is 0-based. */
export class PythonLiteralError extends DataError {
  override name = 'PythonLiteralError';
  constructor(
    readonly text: string,
    readonly offset: number,
    problem: string,
  ) {
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    super(`${problem} at character ${offset + 1} of ${JSON.stringify(shown)}`);
  }
}

/** A download failed (HTTP status, network, CORS) or the server does not support what we need. */
export class FetchError extends DataError {
  override name = 'FetchError';
  constructor(
    readonly url: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The user (or the caller) cancelled an import. Nothing was kept. */
export class ImportCancelledError extends DataError {
  override name = 'ImportCancelledError';
  constructor(file: string) {
    super(`Import of ${file} was cancelled; nothing was stored.`);
  }
}

/** Base class for the IndexedDB dataset cache. */
export class StoreError extends DataError {
  override name = 'StoreError';
}

/** The browser refused to store more (quota). The failed import was rolled back. */
export class StoreQuotaError extends StoreError {
  override name = 'StoreQuotaError';
  constructor(what: string, options?: { cause?: unknown }) {
    super(
      `Not enough browser storage to store ${what}. The import was rolled back and earlier datasets are intact. ` +
        'Delete datasets you no longer need, or allow persistent storage, then try again.',
      options,
    );
  }
}

/** A stored shard's content no longer matches its hash (disk or browser corruption). */
export class ShardIntegrityError extends StoreError {
  override name = 'ShardIntegrityError';
  constructor(
    readonly datasetId: string,
    readonly shard: string,
    expected: string,
    actual: string,
  ) {
    super(
      `Dataset ${datasetId}: shard ${shard} is corrupted (hash ${actual}, expected ${expected}). ` +
        'Delete the dataset and import it again.',
    );
  }
}

export class DatasetNotFoundError extends StoreError {
  override name = 'DatasetNotFoundError';
  constructor(readonly datasetId: string) {
    super(`No stored dataset with id ${datasetId}. It may have been deleted; import it again.`);
  }
}
