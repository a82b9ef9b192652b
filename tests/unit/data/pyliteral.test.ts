// The Python-literal parser for OpinionQA's CSV fields.
import { describe, expect, it } from 'vitest';
import { PythonLiteralError, parsePythonLiteral } from '../../../src/data';

describe('parsePythonLiteral', () => {
  it('parses the OpinionQA shapes', () => {
    expect(parsePythonLiteral("['Spend more', 'Spend about the same', \"Don't know\"]")).toEqual(['Spend more', 'Spend about the same', "Don't know"]);
    expect(parsePythonLiteral('[1.0, 2.0, 3.0]')).toEqual([1, 2, 3]);
    expect(parsePythonLiteral("{1.0: 'Spend more', 99.0: 'Refused'}")).toEqual({ kind: 'dict', entries: [[1, 'Spend more'], [99, 'Refused']] });
    expect(parsePythonLiteral("('a', True, None, nan, -inf, 1e3)")).toEqual(['a', true, null, NaN, -Infinity, 1000]);
    expect(parsePythonLiteral("'it\\'s' ' ok'")).toBe("it's ok");
    expect(parsePythonLiteral("'caf\\xe9 \\u00e9'")).toBe('café é');
    expect(parsePythonLiteral('[]')).toEqual([]);
    expect(parsePythonLiteral('[1, 2,]')).toEqual([1, 2]);
  });

  it('reports where a damaged literal fails', () => {
    const cases: [string, RegExp][] = [
      ["['Spend more', 'Spend less'", /unexpected end|expected ','/],
      ["['Spend more' 'x', ]x", /after the literal/],
      ["{1.0 'a'}", /expected ':'/],
      ["['unterminated]", /unterminated string/],
      ['[os.system("rm")]', /unexpected character/],
      ['', /unexpected end/],
    ];
    for (const [text, re] of cases) {
      let err: unknown;
      try {
        parsePythonLiteral(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(PythonLiteralError);
      expect((err as Error).message, text).toMatch(re);
    }
  });
});
