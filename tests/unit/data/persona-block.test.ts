// Persona blocks (parse, tolerate, report, render) and attribute subsets.
import { describe, expect, it } from 'vitest';
import {
  ATTRIBUTE_KEYS,
  DEMOGRAPHICS,
  PSYCHOGRAPHICS,
  customSubset,
  leaveOneOut,
  leaveOneOutSubsets,
  parsePersonaBlock,
  personaIdOf,
  presetSubset,
  renderPersona,
  renderPersonaBlock,
  type PersonaRecord,
} from '../../../src/data';

const CHILD = ['age: 9', 'sex: Female', 'Race: White', 'household_language: English only', 'big five scores: Openness: High, Conscientiousness: Low,', 'Extraversion: High, Agreeableness: Average, Neuroticism: Low', 'favourite colour: green'].join('\r\n');

describe('persona block', () => {
  it('tolerates missing keys and reports them', () => {
    const p = parsePersonaBlock(CHILD);
    expect(p.attributes.age).toBe('9');
    expect(p.attributes.race).toBe('White');
    expect(p.attributes['household language']).toBe('English only');
    expect(p.missing).toContain('political views');
    expect(p.missing).toContain('religion');
    expect(p.missing).not.toContain('age');
    expect(p.missing.length).toBe(33 - 5);
  });

  it('keeps unknown keys as extra, and folds wrapped lines into the previous value', () => {
    const p = parsePersonaBlock(CHILD);
    expect(p.extra).toEqual([['favourite colour', 'green']]);
    expect(p.attributes['big five scores']).toBe('Openness: High, Conscientiousness: Low, Extraversion: High, Agreeableness: Average, Neuroticism: Low');
    expect(p.strayLines).toBe(1);
  });

  it('renders in PERSONA order and round-trips', () => {
    const attrs = parsePersonaBlock(CHILD).attributes;
    const text = renderPersonaBlock(attrs);
    expect(text.split('\n')[0]).toBe('age: 9');
    expect(parsePersonaBlock(text).attributes).toEqual(attrs);
  });

  it('ids ignore whitespace differences', () => {
    expect(personaIdOf('age: 30\nsex: Male')).toBe(personaIdOf('age: 30 \r\n  sex: Male\n'));
    expect(personaIdOf('age: 30\nsex: Male')).not.toBe(personaIdOf('age: 31\nsex: Male'));
  });

  it('keeps HTML and script as plain text', () => {
    const p = parsePersonaBlock('defining quirks: <script>alert(1)</script><b>bold</b>');
    expect(p.attributes['defining quirks']).toBe('<script>alert(1)</script><b>bold</b>');
  });
});

describe('attribute subsets', () => {
  const persona: PersonaRecord = {
    id: 'x',
    label: 'x',
    missing: [],
    extra: [],
    attributes: Object.fromEntries(ATTRIBUTE_KEYS.map((k) => [k, `v-${k}`])),
  };

  it('presets partition the 33 attributes', () => {
    expect(presetSubset('none').keys).toEqual([]);
    expect(presetSubset('all').keys).toEqual(ATTRIBUTE_KEYS);
    expect(new Set([...DEMOGRAPHICS, ...PSYCHOGRAPHICS])).toEqual(new Set(ATTRIBUTE_KEYS));
    expect(DEMOGRAPHICS.filter((k) => PSYCHOGRAPHICS.includes(k))).toEqual([]);
    expect(PSYCHOGRAPHICS).toEqual(expect.arrayContaining(['religion', 'political views', 'big five scores']));
    expect(DEMOGRAPHICS).toEqual(expect.arrayContaining(['age', 'income', 'education']));
  });

  it('renders only the chosen attributes', () => {
    expect(renderPersona(persona, presetSubset('none'))).toBe('');
    const demo = renderPersona(persona, presetSubset('demographics'));
    expect(demo).toContain('age: v-age');
    expect(demo).not.toContain('religion');
    expect(renderPersona(persona, customSubset(['religion', 'age'])).split('\n')).toEqual(['age: v-age', 'religion: v-religion']);
  });

  it('leave-one-out drops exactly one attribute, for each of the 33', () => {
    const subsets = leaveOneOutSubsets();
    expect(subsets.length).toBe(33);
    const s = leaveOneOut('religion');
    expect(s.name).toBe('all - religion');
    expect(s.keys.length).toBe(32);
    expect(renderPersona(persona, s)).not.toContain('religion:');
  });

  it('rejects unknown attribute names', () => {
    expect(() => customSubset(['age', 'shoe size'])).toThrow(/shoe size/);
  });
});
