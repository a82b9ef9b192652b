// PERSONA's schema (Castricato et al. 2024): the row columns, the 33 persona attributes, and the
// normalized in-memory form every importer and the built-in generator produce.

/** The 33 attributes of a PERSONA persona block, in PERSONA's order. */
export const ATTRIBUTE_KEYS = [
  'age',
  'sex',
  'race',
  'ancestry',
  'household language',
  'education',
  'employment status',
  'class of worker',
  'industry category',
  'occupation category',
  'detailed job description',
  'income',
  'marital status',
  'household type',
  'family presence and age',
  'place of birth',
  'citizenship',
  'veteran status',
  'disability',
  'health insurance',
  'big five scores',
  'defining quirks',
  'mannerisms',
  'personal time',
  'lifestyle',
  'ideology',
  'political views',
  'religion',
  'cognitive difficulty',
  'ability to speak english',
  'vision difficulty',
  'fertility',
  'hearing difficulty',
] as const;

export type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];

const KEY_SET: ReadonlySet<string> = new Set(ATTRIBUTE_KEYS);
export function isAttributeKey(key: string): key is AttributeKey {
  return KEY_SET.has(key);
}

/** Attribute values by key. Real personas miss keys (a child has no political views). */
export type Attributes = Partial<Record<AttributeKey, string>>;

/** The columns of a PERSONA row. `question type` has a space, as in the released files. */
export const PERSONA_COLUMNS = ['persona', 'instruction', 'original', 'critique', 'data', 'question type'] as const;
export type PersonaColumn = (typeof PERSONA_COLUMNS)[number];
/** Columns an import cannot do without; the others default to ''. */
export const REQUIRED_COLUMNS: readonly PersonaColumn[] = ['persona', 'instruction', 'original', 'data'];

/** One PERSONA row exactly as the released files have it. */
export type PersonaRow = Record<PersonaColumn, string>;

/** A persona, deduplicated across rows. `id` is a hash of its block (or the generator's id). */
export interface PersonaRecord {
  id: string;
  attributes: Attributes;
  /** Keys of the 33 that the block lacks. */
  missing: AttributeKey[];
  /** `key: value` lines whose key is not one of the 33, kept in order. */
  extra: [string, string][];
  /** A short name for tables: the generator's or OpinionQA's group label, else the id. */
  label: string;
}

/** A row in normalized form: the persona by id, the question by id. */
export interface DataRow {
  personaId: string;
  /** Same id for the same instruction text across personas (cross-persona pairs need it). */
  questionId: string;
  instruction: string;
  /** The generic response. */
  original: string;
  critique: string;
  /** The persona-tailored response: the one this persona prefers. */
  data: string;
  questionType: string;
  /** OpinionQA: every option with this group's share of it (Refused dropped, shares sum to 1) and
   * the share of all the wave's respondents who answered (`pooled`, each respondent counted once). */
  options?: { text: string; share: number; pooled?: number }[];
  /** OpinionQA: how many of the group answered (Refused dropped): the sample behind `share`. */
  groupSize?: number;
}

export type DatasetSource = 'builtin' | 'persona-file' | 'opinionqa';

/** A whole dataset in memory: what splits, pair builders and stats work on. */
export interface Dataset {
  id: string;
  name: string;
  source: DatasetSource;
  personas: PersonaRecord[];
  rows: DataRow[];
}
