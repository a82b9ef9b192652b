// Attribute subsets: which of the 33 attributes a method sees. Named presets (none,
// demographics, psychographics, all), leave-one-out per attribute, and rendering a persona
// with only the chosen attributes.
import { renderPersonaBlock } from './persona-block';
import { ATTRIBUTE_KEYS, type AttributeKey, type PersonaRecord } from './schema';

/** Census-style facts about a person. */
export const DEMOGRAPHICS: readonly AttributeKey[] = ATTRIBUTE_KEYS.filter(
  (k) => !(['big five scores', 'defining quirks', 'mannerisms', 'personal time', 'lifestyle', 'ideology', 'political views', 'religion'] as string[]).includes(k),
);
/** Personality, values, beliefs and habits. */
export const PSYCHOGRAPHICS: readonly AttributeKey[] = ATTRIBUTE_KEYS.filter((k) => !DEMOGRAPHICS.includes(k));

export type SubsetPreset = 'none' | 'demographics' | 'psychographics' | 'all';
export const SUBSET_PRESETS: readonly SubsetPreset[] = ['none', 'demographics', 'psychographics', 'all'];

export interface AttributeSubset {
  /** Shown in charts and result tables, e.g. `all`, `demographics`, `all - religion`. */
  name: string;
  keys: readonly AttributeKey[];
}

export function presetSubset(preset: SubsetPreset): AttributeSubset {
  switch (preset) {
    case 'none':
      return { name: 'none', keys: [] };
    case 'demographics':
      return { name: 'demographics', keys: DEMOGRAPHICS };
    case 'psychographics':
      return { name: 'psychographics', keys: PSYCHOGRAPHICS };
    case 'all':
      return { name: 'all', keys: ATTRIBUTE_KEYS };
  }
}

/** All attributes but one: `all - <key>`. */
export function leaveOneOut(key: AttributeKey): AttributeSubset {
  return { name: `all - ${key}`, keys: ATTRIBUTE_KEYS.filter((k) => k !== key) };
}

/** Every leave-one-out subset, in PERSONA's attribute order. */
export function leaveOneOutSubsets(): AttributeSubset[] {
  return ATTRIBUTE_KEYS.map(leaveOneOut);
}

/** A custom subset; unknown keys are a programming error, so they throw. */
export function customSubset(keys: readonly string[], name?: string): AttributeSubset {
  const bad = keys.filter((k) => !(ATTRIBUTE_KEYS as readonly string[]).includes(k));
  if (bad.length) throw new RangeError(`Unknown persona attribute(s): ${bad.join(', ')}. Known: ${ATTRIBUTE_KEYS.join(', ')}`);
  const ordered = ATTRIBUTE_KEYS.filter((k) => keys.includes(k));
  return { name: name ?? ordered.join('+'), keys: ordered };
}

/** The persona block as a method sees it under `subset` ('' for none). */
export function renderPersona(persona: PersonaRecord, subset: AttributeSubset): string {
  return renderPersonaBlock(persona.attributes, subset.keys);
}
