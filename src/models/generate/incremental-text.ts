// One generated row's text, kept up to date token by token without decoding the whole row again
// each time (which made generation quadratic in its length). As vLLM's incremental detokenizer
// does: decode a short window that starts a few tokens before the unread ones, and append what
// the window's text adds beyond the text of its already-read part. The window keeps earlier
// tokens so decoders that treat the first token specially (a stripped leading space) see the same
// context as a whole decode; a window ending inside a multi-byte character (U+FFFD at its end) is
// not consumed until the character completes. generate() still decodes each row whole once at the
// end, so the text it returns is exact; this serves streaming and stop strings.
import type { TextTokenizer } from '../tokenizer';

/** Tokens before the unread ones that every window decodes again, for context. */
const CONTEXT_TOKENS = 4;

export class IncrementalText {
  private readonly ids: number[] = [];
  private text = '';
  /** Window start (ids before it are only in `text`) and first unread id. */
  private prefix = 0;
  private read = 0;
  /** Decoding of ids[prefix, read). */
  private readText = '';

  constructor(private readonly tokenizer: TextTokenizer) {}

  /** Appends one id; returns the row's text so far. */
  push(id: number): string {
    this.ids.push(id);
    const decode = (ids: number[]) => this.tokenizer.decode(ids, { skipSpecialTokens: true });
    const window = decode(this.ids.slice(this.prefix));
    if (!window.startsWith(this.readText)) {
      // A decoder whose output is not a prefix-extension here: fall back to a whole decode.
      const whole = decode(this.ids);
      this.restart(whole);
      return whole;
    }
    const added = window.slice(this.readText.length);
    if (added.endsWith('\uFFFD')) return this.text + added;
    this.text += added;
    this.read = this.ids.length;
    this.prefix = Math.max(0, this.read - CONTEXT_TOKENS);
    this.readText = decode(this.ids.slice(this.prefix, this.read));
    return this.text;
  }

  private restart(whole: string): void {
    this.text = whole;
    this.read = this.ids.length;
    this.prefix = Math.max(0, this.read - CONTEXT_TOKENS);
    this.readText = this.tokenizer.decode(this.ids.slice(this.prefix, this.read), { skipSpecialTokens: true });
  }
}
