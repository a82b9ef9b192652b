// The skew setting in experiment specs: optional (a spec without it is what it was), validated with
// field paths, carried to the generator, and kept by the URL encoding.
import { describe, expect, it } from 'vitest';
import { loadBuiltin } from '../../../src/experiments/prepare';
import { SpecError } from '../../../src/experiments/spec/schema';
import { decodeSpec, encodeSpec } from '../../../src/experiments/spec/url';
import { parseSpec } from '../../../src/experiments/spec/validate';

const arms = [{ label: 'rm', method: { kind: 'reward-model' } }];

function specError(value: unknown): SpecError {
  try {
    parseSpec(value);
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error('parseSpec accepted the spec');
}

describe('data.skew in experiment specs', () => {
  it('is absent unless given: a spec without it parses and encodes as before', () => {
    const s = parseSpec({ arms });
    expect(s.data).toEqual({ source: 'builtin', seed: 1, personas: 1000, questionsPerPersona: 24, noise: 0.8 });
    expect('skew' in s.data).toBe(false);
    expect(JSON.stringify(s.data)).toBe('{"source":"builtin","seed":1,"personas":1000,"questionsPerPersona":24,"noise":0.8}');
    expect(parseSpec({ arms, data: { source: 'builtin', skew: {} } }).data).not.toHaveProperty('skew');
  });

  it('is kept in axis order, and survives the URL', () => {
    const s = parseSpec({ arms, data: { source: 'builtin', personas: 200, skew: { religious: 0.7, formality: 0.3 } } });
    expect(s.data.source === 'builtin' && s.data.skew).toEqual({ formality: 0.3, religious: 0.7 });
    expect(Object.keys(s.data.source === 'builtin' ? s.data.skew! : {})).toEqual(['formality', 'religious']);
    const back = decodeSpec(encodeSpec(s));
    expect(back).toEqual(s);
  });

  it('names the field at fault', () => {
    const bad = (skew: unknown) => specError({ arms, data: { source: 'builtin', skew } });
    expect(bad({ formal: 0.7 }).path).toBe('data.skew.formal');
    expect(bad({ formal: 0.7 }).message).toMatch(/not a built-in axis/);
    expect(bad({ formality: 1.5 }).path).toBe('data.skew.formality');
    expect(bad({ formality: '0.7' }).path).toBe('data.skew.formality');
    expect(bad([0.7]).path).toBe('data.skew');
    expect(bad(0.7).message).toMatch(/^data\.skew: must be an object/);
  });

  it('reaches the generator', async () => {
    const s = parseSpec({ arms, data: { source: 'builtin', personas: 100, skew: { humour: 0.8 } } });
    const ds = await loadBuiltin(s.data);
    expect(ds.id).toBe('builtin-s1-p100-q24-n0.8-skew-humour0.8');
  });
});
