// Reads a written answer to a built-in question back into the poles it expresses: the truth
// judge's parser (docs/builtin-dataset.md, "Reading answers back"). Built-in answers are assembled
// from known sentences (phrases.ts, responses.ts), each of which means one thing: a pole of one
// axis, or a question's core answer or one of its elaborations. The parser finds those sentences
// wherever they stand in the text, so it tolerates what free generation does to them: other
// whitespace or case, sentences reordered or repeated, a final sentence cut short, sentences of
// opposite poles (reported as conflicting), text of another question (reported as off topic).
import type { AxisId } from './axes';
import { DETAIL, FORMALITY, GENERIC, TOPICAL, WARMTH } from './phrases';
import type { BuiltinQuestion } from './questions';
import { QUESTIONS } from './questions';

/** What an answer says on one axis: a pole, nothing, or both poles. */
export type AxisReading = 1 | -1 | 'absent' | 'conflicting';

/** Whose answer the text is: this question's, another's, both, or no question's. */
export type TopicReading = 'own' | 'other' | 'both' | 'none';

export type ParseFailure = 'empty' | 'unrecognized' | 'mostly-unknown';

export interface ParsedAnswer {
  questionId: string;
  /** One reading per axis of the question, in its axis order. */
  readings: AxisReading[];
  /** The readings as poles for the utility: +1, -1, or 0 (absent or conflicting). */
  poles: number[];
  topic: TopicReading;
  /** topic === 'own': the text answers this question and no other. */
  onTopic: boolean;
  /** Questions other than this one whose core or elaborations appear. */
  otherQuestions: string[];
  /** False when the text is empty, has no known sentence, or is mostly unknown text. */
  parsed: boolean;
  failure?: ParseFailure;
  /** Known sentences found (repeats included). */
  sentences: number;
  /** Known sentences found more than once (each extra copy counts one). */
  repeats: number;
  /** Text the parser did not recognize (normalized: lower case, single spaces). */
  unknown: string[];
  /** The text ended inside a sentence: a final fragment, counted when it began one known sentence's meaning only. */
  truncated: boolean;
  /** Axes outside the question's four whose pole sentences appear (they do not enter the utility). */
  offAxis: AxisId[];
}

/** What one known sentence means. */
type Meaning =
  | { kind: 'pole'; axis: AxisId; pole: 1 | -1 }
  | { kind: 'core'; questionId: string }
  | { kind: 'elaboration'; questionId: string; which: 0 | 1 };

/** A final fragment must have at least this many words to count (one word is rarely unambiguous). */
const MIN_FRAGMENT_WORDS = 2;

/** Curly quotes to straight ones, any run of whitespace to one space, lower case. */
export function normalizeAnswerText(text: string): string {
  return text
    .normalize('NFC')
    .replace(/[\u2018\u2019\u02bc]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

function meaningKey(m: Meaning): string {
  return m.kind === 'pole' ? `${m.axis}${m.pole}` : `${m.kind}:${m.questionId}`;
}

interface SentenceIndex {
  /** Known sentences by their first word, longest first. */
  byFirstWord: Map<string, { text: string; meaning: Meaning }[]>;
  all: { text: string; meaning: Meaning }[];
}

class PhraseCollisionError extends Error {
  override name = 'PhraseCollisionError';
}

function buildIndex(): SentenceIndex {
  const seen = new Map<string, Meaning>();
  const add = (text: string, meaning: Meaning) => {
    if (!text) return; // the serious pole of a topical humour slot is empty: the generic text stands in
    const key = normalizeAnswerText(text);
    const prior = seen.get(key);
    // A sentence meaning two things would make answers unreadable; the phrase tables must not do it.
    if (prior && meaningKey(prior) !== meaningKey(meaning)) throw new PhraseCollisionError(`The built-in sentence "${text}" means both ${meaningKey(prior)} and ${meaningKey(meaning)}`);
    seen.set(key, meaning);
  };
  for (const key of ['pos', 'neg'] as const) {
    const pole = key === 'pos' ? 1 : -1;
    for (const s of [...FORMALITY.open[key], ...FORMALITY.close[key]]) add(s, { kind: 'pole', axis: 'formality', pole });
    for (const s of WARMTH[key]) add(s, { kind: 'pole', axis: 'warmth', pole });
    for (const s of DETAIL[key]) add(s, { kind: 'pole', axis: 'detail', pole });
    for (const [axis, v] of Object.entries(GENERIC)) for (const s of v[key]) add(s, { kind: 'pole', axis: axis as AxisId, pole });
    for (const byAxis of Object.values(TOPICAL)) for (const [axis, v] of Object.entries(byAxis)) add(v[key], { kind: 'pole', axis: axis as AxisId, pole });
  }
  for (const q of QUESTIONS) {
    add(q.core, { kind: 'core', questionId: q.id });
    add(q.details[0], { kind: 'elaboration', questionId: q.id, which: 0 });
    add(q.details[1], { kind: 'elaboration', questionId: q.id, which: 1 });
  }
  const all = [...seen].map(([text, meaning]) => ({ text, meaning }));
  const byFirstWord = new Map<string, { text: string; meaning: Meaning }[]>();
  for (const e of all) {
    const w = e.text.split(' ', 1)[0];
    byFirstWord.set(w, [...(byFirstWord.get(w) ?? []), e]);
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.text.length - a.text.length);
  return { byFirstWord, all };
}

let index: SentenceIndex | undefined;
function sentenceIndex(): SentenceIndex {
  index ??= buildIndex();
  return index;
}

/** Every known sentence with its meaning (for tests and docs). */
export function knownSentences(): readonly { text: string; meaning: Readonly<Meaning> }[] {
  return sentenceIndex().all;
}

const TERMINATOR = /[.!?]["')\]]*$/;

/**
 * The final fragment's meaning, when the text stops inside a sentence: the fragment (from the last
 * sentence end of the trailing unknown text) must begin known sentences that all mean one thing.
 */
function fragmentMeaning(unknownTail: string): { meaning: Meaning; fragment: string } | undefined {
  const lastEnd = Math.max(unknownTail.lastIndexOf('. '), unknownTail.lastIndexOf('! '), unknownTail.lastIndexOf('? '));
  const fragment = (lastEnd >= 0 ? unknownTail.slice(lastEnd + 2) : unknownTail).trim();
  if (!fragment || TERMINATOR.test(fragment) || fragment.split(' ').length < MIN_FRAGMENT_WORDS) return undefined;
  const first = fragment.split(' ', 1)[0];
  const matches = (sentenceIndex().byFirstWord.get(first) ?? []).filter((e) => e.text.startsWith(fragment));
  const meanings = new Set(matches.map((e) => meaningKey(e.meaning)));
  return meanings.size === 1 ? { meaning: matches[0].meaning, fragment } : undefined;
}

/** Reads `text` as an answer to `q`. Never throws on odd text: what it cannot read, it reports. */
export function parseAnswer(q: BuiltinQuestion, text: string): ParsedAnswer {
  const s = normalizeAnswerText(typeof text === 'string' ? text : '');
  const { byFirstWord } = sentenceIndex();
  const found: Meaning[] = [];
  const foundTexts = new Map<string, number>();
  const unknown: string[] = [];
  let pending: string[] = []; // unknown words since the last known sentence
  const flush = () => {
    if (pending.length) unknown.push(pending.join(' '));
    pending = [];
  };
  let i = 0;
  while (i < s.length) {
    const end = s.indexOf(' ', i);
    const word = s.slice(i, end < 0 ? s.length : end);
    const hit = byFirstWord.get(word)?.find((e) => s.startsWith(e.text, i));
    if (hit) {
      flush();
      found.push(hit.meaning);
      foundTexts.set(hit.text, (foundTexts.get(hit.text) ?? 0) + 1);
      i += hit.text.length;
    } else {
      pending.push(word);
      i = end < 0 ? s.length : end;
    }
    while (s[i] === ' ') i++;
  }
  // A text that stops inside a sentence: read the fragment if it can mean only one thing.
  let truncated = false;
  if (pending.length && !TERMINATOR.test(pending[pending.length - 1])) {
    truncated = true;
    const tail = pending.join(' ');
    const frag = fragmentMeaning(tail);
    if (frag) {
      found.push(frag.meaning);
      pending = tail.length > frag.fragment.length ? [tail.slice(0, tail.length - frag.fragment.length).trim()] : [];
    }
  }
  flush();

  const poleSets = new Map<AxisId, Set<number>>();
  let own = false;
  const others = new Set<string>();
  for (const m of found) {
    if (m.kind === 'pole') {
      const set = poleSets.get(m.axis) ?? new Set<number>();
      set.add(m.pole);
      poleSets.set(m.axis, set);
    } else if (m.questionId === q.id) {
      own = true;
      // The second elaboration is written only by detailed answers (responses.ts).
      if (m.kind === 'elaboration' && m.which === 1) {
        const set = poleSets.get('detail') ?? new Set<number>();
        set.add(1);
        poleSets.set('detail', set);
      }
    } else others.add(m.questionId);
  }
  const readings: AxisReading[] = q.axes.map((axis) => {
    const set = poleSets.get(axis);
    if (!set || set.size === 0) return 'absent';
    if (set.size > 1) return 'conflicting';
    return set.has(1) ? 1 : -1;
  });
  const topic: TopicReading = own ? (others.size ? 'both' : 'own') : others.size ? 'other' : 'none';
  const knownChars = [...foundTexts].reduce((n, [t, c]) => n + t.replace(/ /g, '').length * c, 0);
  const unknownChars = unknown.reduce((n, u) => n + u.replace(/ /g, '').length, 0);
  const failure: ParseFailure | undefined = !s ? 'empty' : found.length === 0 ? 'unrecognized' : unknownChars > knownChars ? 'mostly-unknown' : undefined;
  return {
    questionId: q.id,
    readings,
    poles: readings.map((r) => (typeof r === 'number' ? r : 0)),
    topic,
    onTopic: topic === 'own',
    otherQuestions: [...others].sort(),
    parsed: failure === undefined,
    ...(failure ? { failure } : {}),
    sentences: found.length,
    repeats: [...foundTexts.values()].reduce((n, c) => n + c - 1, 0),
    unknown,
    truncated,
    offAxis: [...poleSets.keys()].filter((a) => !q.axes.includes(a)).sort(),
  };
}
