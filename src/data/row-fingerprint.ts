// A PERSONA dataset's identity: a hash of its rows' content — who (the persona id, itself a hash
// of the persona block), the instruction, both responses, the critique and the question type —
// in order. The same rows give the same fingerprint whatever file carried them (JSONL, CSV,
// Parquet) and whatever the file's name; a changed row changes it. Line endings inside a field
// (CSV writers use CRLF) do not count.
import { ContentHasher } from './content-hash';
import type { DataRow } from './schema';

export type FingerprintRow = Pick<DataRow, 'personaId' | 'instruction' | 'original' | 'critique' | 'data' | 'questionType'>;

const lf = (s: string) => s.replace(/\r\n?/g, '\n');

export class RowsFingerprint {
  private readonly h = new ContentHasher();
  private n = 0;

  add(r: FingerprintRow): this {
    this.h.update(JSON.stringify([r.personaId, lf(r.instruction), lf(r.original), lf(r.critique), lf(r.data), lf(r.questionType ?? '')]));
    this.h.update('\n');
    this.n++;
    return this;
  }

  get rows(): number {
    return this.n;
  }

  /** "rows-" and 16 hex digits. */
  hex(): string {
    return `rows-${this.h.hex()}`;
  }
}

export function rowsFingerprint(rows: Iterable<FingerprintRow>): string {
  const f = new RowsFingerprint();
  for (const r of rows) f.add(r);
  return f.hex();
}
