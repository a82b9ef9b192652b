// The groups of one `*_data.json` file, with each group value resolved within the file's own
// attributes (the ones its name gives: AGE_data.json -> AGE, POLPARTY_SEX_data.json -> POLPARTY
// then SEX, one level each). Three shapes occur in the release:
// - a one-attribute file: {question: {value: {option: count}}};
// - a two-attribute file: {question: {value1: {value2: {option: count}}, "marginals": {value of
//   either attribute: {option: count}}}}: the marginals repeat both one-attribute breakdowns in one
//   object, so a value both attributes have ("Other" in POLPARTY_RACE) is there once and cannot be
//   told apart: it is skipped and counted;
// - a NONE file, which in the release holds the groups of one attribute without saying which: the
//   attribute is the one whose metadata.csv values include every value the file has, if exactly
//   one does.
// "nan" and "Refused" groups are not groups of people who share a value, but they are respondents:
// they come back marked `pseudo`, so pooled counts include them and personas do not.
import type { Notes } from './notes';

const NOT_GROUPS: ReadonlySet<string> = new Set(['nan', 'NaN', 'Refused', '']);
const META_KEYS: ReadonlySet<string> = new Set(['MC_options', 'question_text']);
const MARGINALS = 'marginals';

export interface GroupCounts {
  /** [attribute, value] pairs, e.g. [['POLPARTY', 'Other'], ['SEX', 'Female']]. */
  parts: [string, string][];
  /** Counts by option text, as in the file (Refused included). */
  counts: Record<string, unknown>;
  /** "nan"/"Refused" at some level: respondents, not a group. */
  pseudo: boolean;
  /** From a `marginals` subtree (a copy of one-attribute groups; never a partition to pool). */
  marginal: boolean;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The attributes a file's name gives: "POLPARTY_SEX_data.json" -> ["POLPARTY", "SEX"], NONE -> []. */
export function fileAttributes(name: string): string[] {
  const attrs = name.slice(0, -'_data.json'.length).split('_').filter(Boolean);
  return attrs.length === 1 && attrs[0] === 'NONE' ? [] : attrs;
}

/** The one attribute whose values include all of `values`, or undefined (none, or several). */
export function inferAttribute(values: ReadonlySet<string>, metadata: ReadonlyMap<string, readonly string[]> | undefined): string | undefined {
  if (!metadata || !values.size) return undefined;
  const fits = [...metadata].filter(([, opts]) => [...values].every((v) => opts.includes(v))).map(([a]) => a);
  return fits.length === 1 ? fits[0] : undefined;
}

/** Every group value a file names at its top level (for a NONE file's attribute). */
export function topLevelValues(json: Record<string, unknown>): Set<string> {
  const out = new Set<string>();
  for (const entry of Object.values(json)) {
    if (!isObject(entry)) continue;
    for (const k of Object.keys(entry)) if (!META_KEYS.has(k) && !NOT_GROUPS.has(k) && k !== MARGINALS) out.add(k);
  }
  return out;
}

/** The groups of one question entry of a file whose attributes are `attrs` (one or two). */
export function groupsOf(entry: Record<string, unknown>, attrs: readonly string[], metadata: ReadonlyMap<string, readonly string[]> | undefined, notes: Notes, path: string): GroupCounts[] {
  const out: GroupCounts[] = [];
  const listed = (attr: string, value: string) => !metadata?.has(attr) || metadata.get(attr)!.includes(value);
  const check = (attr: string, value: string) => {
    if (!NOT_GROUPS.has(value) && !listed(attr, value)) notes.add(`${path}: "${value}" is not among metadata.csv's values of ${attr}; kept under ${attr}, as the file name says`);
  };
  for (const [v1, child] of Object.entries(entry)) {
    if (META_KEYS.has(v1)) continue;
    if (!isObject(child)) {
      notes.add(`${path}: skipped group "${v1}", whose value is not an object`);
      continue;
    }
    if (attrs.length === 2 && v1 === MARGINALS) {
      for (const [v, counts] of Object.entries(child)) {
        if (!isObject(counts)) continue;
        if (NOT_GROUPS.has(v)) {
          out.push({ parts: [], counts, pseudo: true, marginal: true });
          continue;
        }
        const owners = metadata ? attrs.filter((a) => metadata.get(a)?.includes(v)) : [];
        if (owners.length !== 1) {
          notes.add(
            owners.length
              ? `${path}: skipped marginals group "${v}": both ${attrs.join(' and ')} have this value and the marginals hold it once`
              : `${path}: skipped marginals group "${v}": metadata.csv lists it under neither ${attrs.join(' nor ')}`,
          );
          continue;
        }
        out.push({ parts: [[owners[0], v]], counts, pseudo: false, marginal: true });
      }
      continue;
    }
    if (attrs.length === 1) {
      check(attrs[0], v1);
      out.push({ parts: [[attrs[0], v1]], counts: child, pseudo: NOT_GROUPS.has(v1), marginal: false });
      continue;
    }
    check(attrs[0], v1);
    for (const [v2, counts] of Object.entries(child)) {
      if (!isObject(counts)) {
        notes.add(`${path}: skipped group "${v1} / ${v2}", whose value is not an object`);
        continue;
      }
      check(attrs[1], v2);
      out.push({ parts: [[attrs[0], v1], [attrs[1], v2]], counts, pseudo: NOT_GROUPS.has(v1) || NOT_GROUPS.has(v2), marginal: false });
    }
  }
  return out;
}
