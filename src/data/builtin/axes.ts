// The planted preference axes. Every response of the built-in dataset takes a pole (-1 or +1) on
// each axis its question uses; every persona has a taste on each axis, a documented function of
// a few "driver" attributes (standardized so that the population is split roughly in half) plus
// per-question noise (model.ts). docs/builtin-dataset.md is the human-readable copy of this table.
import type { AttributeKey, Attributes } from '../schema';
import { BIG_FIVE_LEVELS, EDUCATION, EMPLOYMENT, FAMILY_PRESENCE, IDEOLOGY, INCOME, LIFESTYLE, MARITAL, OCCUPATIONS, POLITICAL_VIEWS, RELIGION, type BigFiveTrait } from './tables';

export const AXIS_IDS = ['formality', 'detail', 'religious', 'political', 'risk', 'technical', 'humour', 'family', 'frugality', 'warmth'] as const;
export type AxisId = (typeof AXIS_IDS)[number];

export interface AxisDef {
  id: AxisId;
  /** What the -1 and +1 poles mean in a response. */
  negative: string;
  positive: string;
  /** The attributes the taste depends on (and nothing else does). */
  drivers: AttributeKey[];
  /** The documented formula, for docs and the UI. */
  formula: string;
  /** Raw taste from the driver scores, before standardization. */
  raw(s: DriverScores): number;
  /** Standardization: taste = (raw - center) / scale (population mean and sd, rounded). */
  center: number;
  scale: number;
}

/** Numeric scores of the driver attributes, each in [-1, 1]. */
export interface DriverScores {
  age: number;
  education: number;
  occupationFormal: number;
  occupationTechnical: number;
  income: number;
  employmentFrugal: number;
  maritalFamily: number;
  familyPresence: number;
  lifestyleRisk: number;
  politics: number;
  ideology: number;
  religiosity: number;
  big5: Record<BigFiveTrait, number>;
}

export class UnknownAttributeValueError extends Error {
  override name = 'UnknownAttributeValueError';
  constructor(key: string, value: string | undefined) {
    super(`Built-in truth: no score for ${key} = ${JSON.stringify(value)} (only built-in personas have planted tastes)`);
  }
}

function lookup(table: Record<string, number>, key: AttributeKey, attrs: Attributes): number {
  const v = attrs[key];
  if (v === undefined || !(v in table)) throw new UnknownAttributeValueError(key, v);
  return table[v];
}

const EDUCATION_SCORE = Object.fromEntries(EDUCATION.map((e) => [e.value, e.score]));
const INCOME_SCORE = Object.fromEntries(INCOME.map((e) => [e.value, e.score]));
const VIEWS_SCORE = Object.fromEntries(POLITICAL_VIEWS.map((e) => [e.value, e.score]));
const LEVEL_SCORE = Object.fromEntries(BIG_FIVE_LEVELS.map((e) => [e.value, e.score]));

export function driverScores(attrs: Attributes): DriverScores {
  const age = Number(attrs.age);
  if (!Number.isFinite(age)) throw new UnknownAttributeValueError('age', attrs.age);
  const occ = OCCUPATIONS[attrs['occupation category'] ?? ''];
  const big5 = {} as Record<BigFiveTrait, number>;
  for (const part of (attrs['big five scores'] ?? '').split(',')) {
    const [trait, level] = part.split(':').map((s) => s.trim());
    if (trait && level !== undefined && level in LEVEL_SCORE) big5[trait as BigFiveTrait] = LEVEL_SCORE[level];
  }
  for (const t of ['Openness', 'Conscientiousness', 'Extraversion', 'Agreeableness', 'Neuroticism'] as const)
    if (big5[t] === undefined) throw new UnknownAttributeValueError('big five scores', attrs['big five scores']);
  return {
    age: Math.max(-1, Math.min(1, (age - 50) / 30)),
    education: lookup(EDUCATION_SCORE, 'education', attrs),
    occupationFormal: occ ? occ.formal : 0,
    occupationTechnical: occ ? occ.technical : 0,
    income: lookup(INCOME_SCORE, 'income', attrs),
    employmentFrugal: lookup(EMPLOYMENT, 'employment status', attrs),
    maritalFamily: lookup(MARITAL, 'marital status', attrs),
    familyPresence: lookup(FAMILY_PRESENCE, 'family presence and age', attrs),
    lifestyleRisk: lookup(LIFESTYLE, 'lifestyle', attrs),
    politics: lookup(VIEWS_SCORE, 'political views', attrs),
    ideology: lookup(IDEOLOGY, 'ideology', attrs),
    religiosity: lookup(RELIGION, 'religion', attrs),
    big5,
  };
}

// Centers and scales are the population mean and standard deviation of `raw` (measured on
// 20,000 personas, seed 0, rounded to 2 decimals; tests/unit/data-builtin.test.ts re-measures them).
export const AXES: readonly AxisDef[] = [
  {
    id: 'formality',
    negative: 'a casual tone',
    positive: 'a formal tone',
    drivers: ['age', 'occupation category', 'big five scores'],
    formula: 'age + 0.8 * occupation formality + 0.5 * conscientiousness',
    raw: (s) => s.age + 0.8 * s.occupationFormal + 0.5 * s.big5.Conscientiousness,
    center: -0.17,
    scale: 0.75,
  },
  {
    id: 'detail',
    negative: 'a concise answer',
    positive: 'a detailed answer',
    drivers: ['education', 'big five scores'],
    formula: 'education + 0.8 * openness',
    raw: (s) => s.education + 0.8 * s.big5.Openness,
    center: -0.13,
    scale: 0.66,
  },
  {
    id: 'religious',
    negative: 'secular framing',
    positive: 'faith-based framing',
    drivers: ['religion', 'ideology'],
    formula: '1.5 * religiosity + 0.5 * ideology',
    raw: (s) => 1.5 * s.religiosity + 0.5 * s.ideology,
    center: 0.23,
    scale: 1.14,
  },
  {
    id: 'political',
    negative: 'progressive framing',
    positive: 'traditional framing',
    drivers: ['political views', 'ideology'],
    formula: 'political views + 0.8 * ideology',
    raw: (s) => s.politics + 0.8 * s.ideology,
    center: 0.01,
    scale: 0.99,
  },
  {
    id: 'risk',
    negative: 'cautious advice',
    positive: 'bold advice',
    drivers: ['age', 'lifestyle', 'big five scores'],
    formula: 'lifestyle risk - 0.8 * age - 0.6 * neuroticism',
    raw: (s) => s.lifestyleRisk - 0.8 * s.age - 0.6 * s.big5.Neuroticism,
    center: 0.07,
    scale: 0.79,
  },
  {
    id: 'technical',
    negative: 'plain language',
    positive: 'technical depth',
    drivers: ['occupation category', 'education'],
    formula: '1.2 * occupation technicality + 0.6 * education',
    raw: (s) => 1.2 * s.occupationTechnical + 0.6 * s.education,
    center: -0.19,
    scale: 0.57,
  },
  {
    id: 'humour',
    negative: 'a serious tone',
    positive: 'playful humour',
    drivers: ['big five scores', 'age'],
    formula: '1.2 * extraversion - 0.5 * age',
    raw: (s) => 1.2 * s.big5.Extraversion - 0.5 * s.age,
    center: 0.05,
    scale: 0.65,
  },
  {
    id: 'family',
    negative: 'an individual focus',
    positive: 'a family focus',
    drivers: ['family presence and age', 'marital status'],
    formula: 'family presence + 0.6 * marital family score',
    raw: (s) => s.familyPresence + 0.6 * s.maritalFamily,
    center: 0.11,
    scale: 0.82,
  },
  {
    id: 'frugality',
    negative: 'premium options',
    positive: 'budget options',
    drivers: ['income', 'employment status'],
    formula: '-income + 0.6 * employment frugality',
    raw: (s) => -s.income + 0.6 * s.employmentFrugal,
    center: 0.08,
    scale: 0.65,
  },
  {
    id: 'warmth',
    negative: 'a direct, matter-of-fact style',
    positive: 'a warm, reassuring style',
    drivers: ['big five scores'],
    formula: 'agreeableness + 0.6 * neuroticism',
    raw: (s) => s.big5.Agreeableness + 0.6 * s.big5.Neuroticism,
    center: 0.0,
    scale: 0.56,
  },
];

export const AXIS_BY_ID: Readonly<Record<AxisId, AxisDef>> = Object.fromEntries(AXES.map((a) => [a.id, a])) as Record<AxisId, AxisDef>;

/** Standardized taste on every axis (before noise), in AXIS_IDS order. */
export function tastes(attrs: Attributes): Float64Array {
  const s = driverScores(attrs);
  const out = new Float64Array(AXES.length);
  for (let k = 0; k < AXES.length; k++) out[k] = (AXES[k].raw(s) - AXES[k].center) / AXES[k].scale;
  return out;
}
