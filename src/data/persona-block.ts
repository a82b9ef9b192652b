// The persona block: newline-separated `key: value` lines. Parsing tolerates what real files do
// (missing keys, unknown keys, odd spacing, CRLF) and reports it; rendering is the inverse and
// can keep only a chosen subset of attributes.
import { contentHash } from './content-hash';
import { ATTRIBUTE_KEYS, isAttributeKey, type AttributeKey, type Attributes, type PersonaRecord } from './schema';

export interface ParsedPersona {
  attributes: Attributes;
  missing: AttributeKey[];
  extra: [string, string][];
  /** Lines with no `key:` (kept appended to the previous value); reported, not fatal. */
  strayLines: number;
}

const KEY_LIKE = /^[a-z][a-z0-9 ()/-]{0,39}$/;
const BIG_FIVE_TRAITS: ReadonlySet<string> = new Set(['openness', 'conscientiousness', 'extraversion', 'agreeableness', 'neuroticism']);

/** Canonical form of a key as written in files: lower case, single spaces, `_` as space. */
function canonicalKey(raw: string): string {
  return raw.trim().toLowerCase().replace(/_/g, ' ').replace(/\s+/g, ' ');
}

export function parsePersonaBlock(block: string): ParsedPersona {
  const attributes: Attributes = {};
  const extra: [string, string][] = [];
  let strayLines = 0;
  let last: { known: AttributeKey } | { extra: number } | undefined;
  for (const rawLine of block.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '') continue;
    const colon = line.indexOf(':');
    const key = colon > 0 ? canonicalKey(line.slice(0, colon)) : '';
    // A wrapped big-five value ("Openness: High, ...") continues its attribute; any other line
    // without a short key-like prefix continues the previous value.
    const continues =
      !isAttributeKey(key) && (!KEY_LIKE.test(key) || (BIG_FIVE_TRAITS.has(key) && last !== undefined && 'known' in last));
    if (continues) {
      strayLines++;
      if (last && 'known' in last) attributes[last.known] = `${attributes[last.known]} ${line}`;
      else if (last && 'extra' in last) extra[last.extra][1] = `${extra[last.extra][1]} ${line}`;
      continue;
    }
    const value = line.slice(colon + 1).trim();
    if (isAttributeKey(key)) {
      attributes[key] = value;
      last = { known: key };
    } else {
      extra.push([key, value]);
      last = { extra: extra.length - 1 };
    }
  }
  const missing = ATTRIBUTE_KEYS.filter((k) => attributes[k] === undefined);
  return { attributes, missing, extra, strayLines };
}

/** Render attributes in PERSONA's order; `keys` restricts (and orders by PERSONA, not by `keys`). */
export function renderPersonaBlock(attributes: Attributes, keys?: readonly AttributeKey[]): string {
  const keep = keys ? new Set<string>(keys) : undefined;
  const lines: string[] = [];
  for (const k of ATTRIBUTE_KEYS) {
    const v = attributes[k];
    if (v === undefined || (keep && !keep.has(k))) continue;
    lines.push(`${k}: ${v}`);
  }
  return lines.join('\n');
}

/** Stable id of a persona block: whitespace-insensitive, so re-wrapped copies dedupe. */
export function personaIdOf(block: string): string {
  return `p-${contentHash(block.replace(/\s+/g, ' ').trim())}`;
}

export function personaRecordFromBlock(block: string, label?: string): PersonaRecord & { strayLines: number } {
  const parsed = parsePersonaBlock(block);
  const id = personaIdOf(block);
  return { id, attributes: parsed.attributes, missing: parsed.missing, extra: parsed.extra, label: label ?? id, strayLines: parsed.strayLines };
}
