// When generation stops: an end-of-sequence id, a stop string in the decoded text, or the token
// budget. The text returned to the UI ends before the stop string, as users expect.

export type StopReason = 'eos' | 'stop-string' | 'length';

export interface StopOptions {
  eosIds: readonly number[];
  stopStrings?: readonly string[];
  maxNewTokens: number;
}

export class StopCriteria {
  constructor(private readonly o: StopOptions) {
    if (!(Number.isInteger(o.maxNewTokens) && o.maxNewTokens > 0)) throw new RangeError(`maxNewTokens must be a positive integer, not ${o.maxNewTokens}`);
    if (o.stopStrings?.some((s) => s.length === 0)) throw new RangeError('stop strings must not be empty');
  }

  /** Why generation of one row stops after `generated` (the new ids, `text` their decoding), or null. */
  check(generated: readonly number[], text: string): StopReason | null {
    const last = generated[generated.length - 1];
    if (last !== undefined && this.o.eosIds.includes(last)) return 'eos';
    if (this.stopIndex(text) >= 0) return 'stop-string';
    if (generated.length >= this.o.maxNewTokens) return 'length';
    return null;
  }

  /** The text shown: cut before the first stop string (the eos token is not decoded). */
  finalText(text: string): string {
    const i = this.stopIndex(text);
    return i >= 0 ? text.slice(0, i) : text;
  }

  private stopIndex(text: string): number {
    let best = -1;
    for (const s of this.o.stopStrings ?? []) {
      const i = text.indexOf(s);
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best;
  }
}
