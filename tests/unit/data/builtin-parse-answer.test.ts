// The truth judge's parser: every answer the built-in world can write reads back to its exact
// poles, and free-generation damage (reordering, repeats, whitespace, truncation, mixed poles,
// other questions' text, junk) is read as docs/builtin-dataset.md specifies.
import { describe, expect, it } from 'vitest';
import type { AxisId } from '../../../src/data/builtin/axes';
import { knownSentences, parseAnswer, type AxisReading } from '../../../src/data/builtin/parse-answer';
import { QUESTIONS, type BuiltinQuestion } from '../../../src/data/builtin/questions';
import { candidatePoles, neutralPoles, responseText, type Poles } from '../../../src/data/builtin/responses';
import { Rng } from '../../../src/util/rng';

/** Every response the generator can write: all questions x (16 pole combinations + the neutral one). */
const ALL = QUESTIONS.flatMap((q) => [neutralPoles(q), ...candidatePoles(q)].map((poles) => ({ q, poles, text: responseText(q, poles) })));

const expected = (poles: Poles): AxisReading[] => poles.map((p) => (p === 0 ? 'absent' : (p as 1 | -1)));
/** Response text is its sentences joined by single spaces, and no sentence ends inside. */
const sentencesOf = (text: string): string[] => text.split(/(?<=[.!?])\s/);

function shuffle<T>(rng: Rng, xs: T[]): T[] {
  const out = xs.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('parseAnswer on the built-in responses', () => {
  it('reads every response of every question back to its exact poles, on topic, with nothing unknown', () => {
    expect(ALL.length).toBe(QUESTIONS.length * 17);
    for (const { q, poles, text } of ALL) {
      const r = parseAnswer(q, text);
      expect(r.readings, `${q.id} ${poles.join(',')}`).toEqual(expected(poles));
      expect(r.poles).toEqual(poles.map((p) => p));
      expect(r.parsed && r.onTopic && r.topic === 'own').toBe(true);
      expect(r.unknown).toEqual([]);
      expect(r.truncated || r.repeats > 0 || r.offAxis.length > 0).toBe(false);
    }
  });

  it('has one meaning for every known sentence, and no sentence ends inside (so the tests can split them)', () => {
    const all = knownSentences();
    expect(new Set(all.map((s) => s.text)).size).toBe(all.length);
    for (const s of all) expect(s.text, s.text).toMatch(/^[^.!?]*[.!?]$/);
  });
});

describe('parseAnswer tolerates free generation', () => {
  it('other whitespace and case, sentences in another order, repeated sentences: the same poles', () => {
    const rng = new Rng(11);
    for (const { q, poles, text } of ALL) {
      const parts = sentencesOf(text);
      const shuffled = shuffle(rng, parts);
      const repeated = [...shuffled, parts[rng.int(parts.length)], parts[0]];
      const messy = `\n  ${repeated.map((s) => (rng.next() < 0.3 ? s.toUpperCase() : s)).join(rng.next() < 0.5 ? '\n\n' : '  \t ')}  \n`;
      const r = parseAnswer(q, messy);
      expect(r.readings, `${q.id} ${messy}`).toEqual(expected(poles));
      expect(r.onTopic && r.parsed).toBe(true);
      expect(r.repeats).toBe(2);
      expect(r.unknown).toEqual([]);
    }
  });

  it('curly apostrophes read as straight ones', () => {
    const q = QUESTIONS[1];
    const poles = candidatePoles(q)[0];
    const text = responseText(q, poles).replace(/'/g, '\u2019');
    expect(parseAnswer(q, text).readings).toEqual(expected(poles));
  });

  it('a final sentence cut before its last word still counts; cut anywhere, no axis flips', () => {
    const rng = new Rng(12);
    for (const { q, poles, text } of ALL) {
      const parts = sentencesOf(text);
      const last = parts[parts.length - 1].split(' ');
      if (last.length < 3) continue;
      const cut = [...parts.slice(0, -1), last.slice(0, -1).join(' ')].join(' ');
      const r = parseAnswer(q, cut);
      expect(r.readings, cut).toEqual(expected(poles));
      expect(r.truncated).toBe(true);
      expect(r.unknown).toEqual([]);
      // A cut at any character: each axis keeps its pole or loses it, never takes the other one.
      const at = text.length - 1 - rng.int(parts[parts.length - 1].length - 1);
      const r2 = parseAnswer(q, text.slice(0, at));
      r2.readings.forEach((reading, k) => expect([expected(poles)[k], 'absent'], text.slice(0, at)).toContain(reading));
      expect(r2.truncated).toBe(true);
    }
  });

  it('sentences of both poles of an axis read as conflicting; the other axes are unchanged', () => {
    const rng = new Rng(13);
    for (const q of QUESTIONS) {
      const poles = candidatePoles(q)[rng.int(16)];
      const parts = sentencesOf(responseText(q, poles));
      q.axes.forEach((axis, k) => {
        const flipped = poles.map((p, i) => (i === k ? -p : p));
        const extra = sentencesOf(responseText(q, flipped)).filter((s) => !parts.includes(s));
        const r = parseAnswer(q, shuffle(rng, [...parts, ...extra]).join(' '));
        const want = expected(poles);
        want[k] = 'conflicting';
        expect(r.readings, `${q.id} ${axis}`).toEqual(want);
        expect(r.poles[k]).toBe(0);
        expect(r.onTopic && r.parsed).toBe(true);
      });
    }
  });

  it('a pole sentence of an axis the question does not use is reported off-axis and changes no reading', () => {
    const q = QUESTIONS.find((x) => !x.axes.includes('religious'))!;
    const poles = candidatePoles(q)[5];
    const r = parseAnswer(q, `${responseText(q, poles)} Evidence and practical experience are a solid guide here.`);
    expect(r.readings).toEqual(expected(poles));
    expect(r.offAxis).toEqual(['religious' satisfies AxisId]);
  });
});

describe('parseAnswer on text that is not an answer to the question', () => {
  const other = (q: BuiltinQuestion) => QUESTIONS[(QUESTIONS.indexOf(q) + 1) % QUESTIONS.length];

  it("another question's answer is off topic, naming that question", () => {
    for (const q of QUESTIONS) {
      const o = other(q);
      const r = parseAnswer(q, responseText(o, candidatePoles(o)[3]));
      expect(r.topic).toBe('other');
      expect(r.onTopic).toBe(false);
      expect(r.otherQuestions).toEqual([o.id]);
      expect(r.parsed).toBe(true);
    }
  });

  it("an answer that mixes in another question's core is off topic ('both'); style sentences alone are 'none'", () => {
    const q = QUESTIONS[20];
    const text = responseText(q, candidatePoles(q)[9]);
    const both = parseAnswer(q, `${text} ${other(q).core}`);
    expect(both.topic).toBe('both');
    expect(both.onTopic).toBe(false);
    const styleOnly = parseAnswer(q, 'Thank you for your question. Take it slowly and keep a safety margin. I hope this is helpful.');
    expect(styleOnly.topic).toBe('none');
    expect(styleOnly.onTopic).toBe(false);
    expect(styleOnly.parsed).toBe(true);
  });

  it('empty and blank text is unparsed (empty)', () => {
    for (const t of ['', '   \n\t ']) {
      const r = parseAnswer(QUESTIONS[0], t);
      expect(r.parsed).toBe(false);
      expect(r.failure).toBe('empty');
      expect(r.readings).toEqual(['absent', 'absent', 'absent', 'absent']);
    }
  });

  it('random bytes are unparsed, never a throw', () => {
    const rng = new Rng(14);
    for (let t = 0; t < 200; t++) {
      const bytes = Uint8Array.from({ length: 1 + rng.int(400) }, () => rng.int(256));
      const text = t % 2 ? new TextDecoder('latin1').decode(bytes) : new TextDecoder('utf-8').decode(bytes);
      const r = parseAnswer(QUESTIONS[t % QUESTIONS.length], text);
      expect(r.parsed, JSON.stringify(text)).toBe(false);
      expect(['unrecognized', 'mostly-unknown', 'empty']).toContain(r.failure);
    }
  });

  it('HTML: markup glued to the sentences hides them (unparsed); markup between spaced sentences is unknown text', () => {
    for (const { q, poles, text } of ALL.filter((_, i) => i % 7 === 0)) {
      const parts = sentencesOf(text);
      const glued = parseAnswer(q, `<div><p>${parts.join('</p><p>')}</p></div>`);
      expect(glued.parsed, glued.unknown.join('|')).toBe(false);
      const spaced = parseAnswer(q, `<div> ${parts.map((s) => `<p> ${s} </p>`).join(' ')} </div>`);
      expect(spaced.parsed).toBe(true);
      expect(spaced.readings).toEqual(expected(poles));
      expect(spaced.unknown.join(' ')).toContain('<p>');
    }
  });

  it('text that is mostly unknown is unparsed even with a known sentence in it', () => {
    const q = QUESTIONS[3];
    const r = parseAnswer(q, `${q.core} ${'lorem ipsum dolor sit amet. '.repeat(20)}`);
    expect(r.sentences).toBe(1);
    expect(r.parsed).toBe(false);
    expect(r.failure).toBe('mostly-unknown');
  });

  it('a few unknown words beside a full answer are reported but do not stop the parse', () => {
    const q = QUESTIONS[44];
    const poles = candidatePoles(q)[12];
    const r = parseAnswer(q, `Sure, here goes: ${responseText(q, poles)} Cheers`);
    expect(r.parsed).toBe(true);
    expect(r.readings).toEqual(expected(poles));
    expect(r.unknown).toEqual(['sure, here goes:', 'cheers']);
  });
});
