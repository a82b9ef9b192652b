// A tiny declarative validator for experiment specs: each field has a schema that checks a value,
// fills a default when the field is absent, and reports the first problem with its field path
// (e.g. `arms[1].train.lr`). Objects refuse fields they do not declare, so a typo never passes
// silently as "use the default".

/** A spec that does not validate. `path` names the field, e.g. `arms[0].train.lr`. */
export class SpecError extends Error {
  override name = 'SpecError';
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(`${path || 'spec'}: ${problem}`);
  }
}

export interface Schema<T> {
  /** Validates `value` found at `path`; `undefined` means absent (the default applies). */
  parse(value: unknown, path: string): T;
  /** For error messages and docs: what the schema accepts. */
  describe: string;
}

const show = (v: unknown): string => {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (v === null || typeof v !== 'object') return String(v);
  return Array.isArray(v) ? 'a list' : 'an object';
};

const join = (path: string, key: string | number): string => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key);

function missing(path: string, describe: string): never {
  throw new SpecError(path, `is required (${describe})`);
}

export interface NumberOptions {
  min?: number;
  max?: number;
  /** Exclusive bounds. */
  gt?: number;
  lt?: number;
  integer?: boolean;
  default?: number;
}

export function num(o: NumberOptions = {}): Schema<number> {
  const range = [
    o.gt !== undefined ? `> ${o.gt}` : o.min !== undefined ? `>= ${o.min}` : '',
    o.lt !== undefined ? `< ${o.lt}` : o.max !== undefined ? `<= ${o.max}` : '',
  ].filter(Boolean);
  const describe = `${o.integer ? 'an integer' : 'a number'}${range.length ? ` ${range.join(' and ')}` : ''}`;
  return {
    describe,
    parse(v, path) {
      if (v === undefined) return o.default ?? missing(path, describe);
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new SpecError(path, `must be ${describe}, got ${show(v)}`);
      const bad =
        (o.integer && !Number.isInteger(v)) ||
        (o.min !== undefined && v < o.min) ||
        (o.max !== undefined && v > o.max) ||
        (o.gt !== undefined && v <= o.gt) ||
        (o.lt !== undefined && v >= o.lt);
      if (bad) throw new SpecError(path, `must be ${describe}, got ${v}`);
      return v;
    },
  };
}

export function str(o: { default?: string; maxLength?: number; minLength?: number } = {}): Schema<string> {
  const max = o.maxLength ?? 200;
  const describe = `a string of at most ${max} characters`;
  return {
    describe,
    parse(v, path) {
      if (v === undefined) return o.default ?? missing(path, describe);
      if (typeof v !== 'string') throw new SpecError(path, `must be ${describe}, got ${show(v)}`);
      if (v.length > max) throw new SpecError(path, `must be at most ${max} characters, got ${v.length}`);
      if (o.minLength !== undefined && v.length < o.minLength) throw new SpecError(path, `must be at least ${o.minLength} characters`);
      return v;
    },
  };
}

export function bool(o: { default?: boolean } = {}): Schema<boolean> {
  return {
    describe: 'true or false',
    parse(v, path) {
      if (v === undefined) return o.default ?? missing(path, 'true or false');
      if (typeof v !== 'boolean') throw new SpecError(path, `must be true or false, got ${show(v)}`);
      return v;
    },
  };
}

export function literal<const T extends string | number>(values: readonly T[], o: { default?: T } = {}): Schema<T> {
  const describe = `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
  return {
    describe,
    parse(v, path) {
      if (v === undefined) return o.default ?? missing(path, describe);
      if (!values.includes(v as T)) throw new SpecError(path, `must be ${describe}, got ${show(v)}`);
      return v as T;
    },
  };
}

export function nullable<T>(inner: Schema<T>, o: { default?: T | null } = {}): Schema<T | null> {
  return {
    describe: `${inner.describe}, or null`,
    parse(v, path) {
      if (v === undefined) return o.default !== undefined ? o.default : missing(path, `${inner.describe}, or null`);
      if (v === null) return null;
      return inner.parse(v, path);
    },
  };
}

export function arr<T>(item: Schema<T>, o: { min?: number; max?: number; default?: T[]; unique?: boolean } = {}): Schema<T[]> {
  const describe = `a list of ${item.describe}`;
  return {
    describe,
    parse(v, path) {
      if (v === undefined) {
        if (o.default) return o.default.slice();
        missing(path, describe);
      }
      if (!Array.isArray(v)) throw new SpecError(path, `must be ${describe}, got ${show(v)}`);
      if (o.min !== undefined && v.length < o.min) throw new SpecError(path, `needs at least ${o.min} item${o.min === 1 ? '' : 's'}, got ${v.length}`);
      if (o.max !== undefined && v.length > o.max) throw new SpecError(path, `allows at most ${o.max} items, got ${v.length}`);
      const out = v.map((x, i) => item.parse(x, join(path, i)));
      if (o.unique) {
        const seen = new Set<string>();
        out.forEach((x, i) => {
          const k = JSON.stringify(x);
          if (seen.has(k)) throw new SpecError(join(path, i), `repeats ${show(x)}`);
          seen.add(k);
        });
      }
      return out;
    },
  };
}

type Shape = Record<string, Schema<unknown>>;
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends Schema<infer T> ? T : never };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** An object with exactly these fields (absent ones take their defaults; unknown ones are refused). */
export function obj<S extends Shape>(shape: S, o: { optional?: boolean } = {}): Schema<Parsed<S>> {
  const describe = `an object with ${Object.keys(shape).join(', ')}`;
  return {
    describe,
    parse(v, path) {
      if (v === undefined && o.optional) v = {};
      if (v === undefined) missing(path, describe);
      if (!isPlainObject(v)) throw new SpecError(path, `must be ${describe}, got ${show(v)}`);
      for (const key of Object.keys(v)) {
        if (!(key in shape)) throw new SpecError(join(path, key), `is not a known field here (known: ${Object.keys(shape).join(', ')})`);
      }
      const out: Record<string, unknown> = {};
      for (const [key, schema] of Object.entries(shape)) {
        // A schema that returns undefined declares an optional field without a default: it stays absent.
        const parsed = schema.parse(v[key], join(path, key));
        if (parsed !== undefined) out[key] = parsed;
      }
      return out as Parsed<S>;
    },
  };
}

/** Objects told apart by a `kind` (or other) field; each variant is a strict `obj`. */
export function variants<T>(tag: string, cases: Record<string, Schema<T>>, o: { default?: unknown } = {}): Schema<T> {
  const names = Object.keys(cases);
  const describe = `an object whose ${tag} is one of ${names.map((n) => JSON.stringify(n)).join(', ')}`;
  return {
    describe,
    parse(v, path) {
      if (v === undefined && o.default !== undefined) v = o.default;
      if (v === undefined) missing(path, describe);
      if (!isPlainObject(v)) throw new SpecError(path, `must be ${describe}, got ${show(v)}`);
      const t = v[tag];
      if (typeof t !== 'string' || !(t in cases)) throw new SpecError(join(path, tag), `must be one of ${names.map((n) => JSON.stringify(n)).join(', ')}, got ${show(t)}`);
      return cases[t].parse(v, path);
    },
  };
}

/** A schema with an extra check on the parsed value (throw SpecError from `check`). */
export function refine<T>(inner: Schema<T>, check: (value: T, path: string) => void): Schema<T> {
  return {
    describe: inner.describe,
    parse(v, path) {
      const out = inner.parse(v, path);
      check(out, path);
      return out;
    },
  };
}

export { join as fieldPath };
