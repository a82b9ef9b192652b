// A parser for the Python literals OpinionQA's CSV files hold (`{1.0: 'Spend more', ...}`,
// `['a', "b's"]`, `[1.0, 2.0]`): dicts, lists, tuples, strings (single/double quotes, escapes,
// adjacent-literal concatenation), numbers (incl. nan/inf), True/False/None. Nothing is evaluated.
import { PythonLiteralError } from '../errors';

export type PyValue = string | number | boolean | null | PyValue[] | PyDict;
/** Dict keys are stringified the way Python prints them (1.0 -> "1.0"), in source order. */
export interface PyDict {
  kind: 'dict';
  entries: [PyValue, PyValue][];
}

export function parsePythonLiteral(text: string): PyValue {
  let i = 0;
  const fail = (problem: string, at = i): never => {
    throw new PythonLiteralError(text, Math.min(at, text.length), problem);
  };
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const str = (): string => {
    const quote = text[i];
    const start = i;
    i++;
    let out = '';
    while (true) {
      if (i >= text.length) fail('unterminated string', start);
      const c = text[i];
      if (c === quote) {
        i++;
        return out;
      }
      if (c === '\n') fail('newline inside a string', i);
      if (c === '\\') {
        const e = text[i + 1];
        i += 2;
        const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', '0': '\0', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
        if (e === undefined) fail('unterminated escape', i - 2);
        if (e in simple) out += simple[e];
        else if (e === 'x' || e === 'u' || e === 'U') {
          const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
          const hex = text.slice(i, i + n);
          if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) fail(`bad \\${e} escape`, i - 2);
          out += String.fromCodePoint(parseInt(hex, 16));
          i += n;
        } else out += `\\${e}`; // Python keeps unknown escapes verbatim
        continue;
      }
      out += c;
      i++;
    }
  };
  const value = (): PyValue => {
    ws();
    if (i >= text.length) fail('unexpected end of input');
    const c = text[i];
    if (c === "'" || c === '"') {
      let s = str();
      // Adjacent string literals concatenate, as in Python.
      for (ws(); text[i] === "'" || text[i] === '"'; ws()) s += str();
      return s;
    }
    if (c === '[' || c === '(') {
      const close = c === '[' ? ']' : ')';
      i++;
      const items: PyValue[] = [];
      ws();
      while (text[i] !== close) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          ws();
        } else if (text[i] !== close) fail(`expected ',' or '${close}'`);
      }
      i++;
      return items;
    }
    if (c === '{') {
      i++;
      const entries: [PyValue, PyValue][] = [];
      ws();
      while (text[i] !== '}') {
        const k = value();
        ws();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        entries.push([k, value()]);
        ws();
        if (text[i] === ',') {
          i++;
          ws();
        } else if (text[i] !== '}') fail("expected ',' or '}'");
      }
      i++;
      return { kind: 'dict', entries };
    }
    const word = /^(?:[-+]?(?:nan|inf)|True|False|None|[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)/.exec(text.slice(i));
    if (!word) fail(`unexpected character ${JSON.stringify(c)}`);
    const w = word![0];
    i += w.length;
    if (w === 'True') return true;
    if (w === 'False') return false;
    if (w === 'None') return null;
    if (/nan$/.test(w)) return NaN;
    if (/inf$/.test(w)) return w.startsWith('-') ? -Infinity : Infinity;
    return Number(w);
  };
  const v = value();
  ws();
  if (i < text.length) fail('unexpected text after the literal');
  return v;
}

export function isPyDict(v: PyValue): v is PyDict {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && v.kind === 'dict';
}
