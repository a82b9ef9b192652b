// Draws the built-in personas: all 33 PERSONA attributes from plausible (US census-like)
// distributions. Each persona has its own random stream (seed, index), so persona i is the same
// whatever the dataset size. Irrelevant attributes are drawn without looking at any driver
// attribute, so they carry no preference information even by proxy (docs/builtin-dataset.md).
import { fnv1a32 } from '../../util/hash';
import { Rng } from '../../util/rng';
import type { Attributes } from '../schema';
import {
  AGE_BANDS,
  BIG_FIVE_LEVELS,
  BIG_FIVE_TRAITS,
  DEFINING_QUIRKS,
  EDUCATION,
  FAMILY_PRESENCE,
  INCOME,
  LIFESTYLE,
  MANNERISMS,
  NOT_APPLICABLE_OCCUPATION,
  OCCUPATIONS,
  ORIGINS,
  PERSONAL_TIME,
  POLITICAL_VIEWS,
  RELIGION,
  US_STATES,
  type Weighted,
} from './tables';

/** A sub-stream for one purpose of one item: same (seed, label, index) -> same draws everywhere. */
export function streamFor(seed: number, label: string, index: number): Rng {
  return new Rng(fnv1a32(`${seed >>> 0}:${label}:${index}`));
}

function pickWeighted<T>(rng: Rng, items: readonly Weighted<T>[]): T {
  return items[rng.weighted(items.map((i) => i.weight))].value;
}

function pickFrom(rng: Rng, table: Record<string, number>): string {
  const entries = Object.entries(table);
  return entries[rng.weighted(entries.map(([, w]) => w))][0];
}

const PROFESSIONAL = new Set([
  'Management, business, and financial occupations',
  'Computer, engineering, and science occupations',
  'Education, legal, community service, arts, and media occupations',
  'Healthcare practitioners and technical occupations',
]);
const OCCUPATION_BASE: Record<string, number> = {
  'Management, business, and financial occupations': 17,
  'Computer, engineering, and science occupations': 7,
  'Education, legal, community service, arts, and media occupations': 10,
  'Healthcare practitioners and technical occupations': 7,
  'Service occupations': 17,
  'Sales and office occupations': 20,
  'Natural resources, construction, and maintenance occupations': 9,
  'Production, transportation, and material moving occupations': 13,
};

function employmentWeights(age: number): Record<string, number> {
  if (age < 23) return { Student: 45, 'Employed part-time': 25, 'Employed full-time': 20, Unemployed: 7, 'Not in labor force': 3 };
  if (age < 65) {
    return {
      'Employed full-time': 62,
      'Employed part-time': 11,
      'Self-employed': 9,
      Unemployed: 5,
      Student: age < 30 ? 6 : 0,
      'Not in labor force': 10,
      Retired: age >= 55 ? 10 : 0,
    };
  }
  if (age < 75) return { Retired: 65, 'Employed part-time': 12, 'Employed full-time': 10, 'Self-employed': 7, 'Not in labor force': 6 };
  return { Retired: 88, 'Employed part-time': 4, 'Not in labor force': 6, 'Self-employed': 2 };
}

function maritalWeights(age: number): Record<string, number> {
  if (age < 25) return { 'Never married': 88, Married: 10, Divorced: 1, Separated: 1 };
  if (age < 35) return { 'Never married': 50, Married: 42, Divorced: 5, Separated: 3 };
  if (age < 55) return { 'Never married': 20, Married: 58, Divorced: 15, Separated: 4, Widowed: 3 };
  if (age < 75) return { 'Never married': 9, Married: 60, Divorced: 18, Separated: 2, Widowed: 11 };
  return { 'Never married': 5, Married: 45, Divorced: 10, Widowed: 40 };
}

function familyWeights(age: number, marital: string): Record<string, number> {
  const keys = Object.keys(FAMILY_PRESENCE);
  const [none, under6, school, both, adult] = keys;
  let w: Record<string, number>;
  if (age < 25) w = { [none]: 85, [under6]: 10, [school]: 5 };
  else if (age < 35) w = { [none]: 45, [under6]: 30, [school]: 12, [both]: 13 };
  else if (age < 45) w = { [none]: 30, [under6]: 12, [school]: 38, [both]: 15, [adult]: 5 };
  else if (age < 55) w = { [none]: 30, [school]: 35, [adult]: 35 };
  else w = { [none]: 25, [adult]: 70, [school]: 5 };
  if (marital === 'Never married') for (const k of [under6, school, both, adult]) if (w[k]) w[k] *= 0.5;
  return w;
}

const IDEOLOGY_GIVEN_VIEWS: Record<string, Record<string, number>> = {
  'Very liberal': { Progressive: 50, Socialist: 20, Liberal: 30 },
  Liberal: { Progressive: 25, Liberal: 60, Centrist: 10, Socialist: 5 },
  Moderate: { Centrist: 50, Apolitical: 25, Liberal: 10, Conservative: 10, Libertarian: 5 },
  Conservative: { Conservative: 60, Libertarian: 20, Traditionalist: 15, Centrist: 5 },
  'Very conservative': { Traditionalist: 45, Conservative: 45, Libertarian: 10 },
};

const RELIGION_BASE: Record<string, number> = {
  'Evangelical Protestant': 14,
  'Mainline Protestant': 11,
  Catholic: 20,
  'Latter-day Saint': 2,
  'Orthodox Christian': 1,
  Jewish: 2,
  Muslim: 1,
  Hindu: 1,
  Buddhist: 1,
  'Spiritual but not religious': 6,
  'Nothing in particular': 20,
  Agnostic: 5,
  Atheist: 4,
};

/** "Carpenter on ..." -> "carpenter on ..." after "formerly"; an acronym ("HVAC mechanic") keeps its case. */
function lowerFirst(s: string): string {
  const first = s.split(/[\s-]/, 1)[0];
  if (first.length > 1 && first === first.toUpperCase()) return s;
  return s.charAt(0).toLowerCase() + s.slice(1);
}

/** All 33 attributes of built-in persona `index` under `seed`. */
export function samplePersonaAttributes(seed: number, index: number): Attributes {
  const rng = streamFor(seed, 'persona', index);
  // Irrelevant attributes get their own stream so that they are independent of every driver.
  const irr = streamFor(seed, 'persona-irrelevant', index);

  const band = AGE_BANDS[rng.weighted(AGE_BANDS.map((b) => b.weight))];
  const age = band.lo + rng.int(band.hi - band.lo + 1);

  const maxEdu = age < 22 ? 2 : age < 24 ? 4 : EDUCATION.length - 1;
  const eduChoices = EDUCATION.slice(0, maxEdu + 1);
  const eduIndex = rng.weighted(eduChoices.map((e) => e.weight));
  const education = EDUCATION[eduIndex];

  const employment = pickFrom(rng, employmentWeights(age));
  const working = employment.startsWith('Employed') || employment === 'Self-employed';

  const occWeights: Record<string, number> = {};
  for (const [name, occ] of Object.entries(OCCUPATIONS)) {
    if (occ.minEducation > eduIndex) continue;
    occWeights[name] = OCCUPATION_BASE[name] * (PROFESSIONAL.has(name) ? 1.5 + education.score : 1.5 - education.score);
  }
  const occupationName = pickFrom(rng, occWeights);
  const occupation = OCCUPATIONS[occupationName];
  const job = occupation.jobs[rng.int(occupation.jobs.length)];
  let occupationCategory = NOT_APPLICABLE_OCCUPATION;
  let industry = 'Not applicable';
  let jobDescription: string;
  let classOfWorker = 'Not applicable';
  if (working) {
    occupationCategory = occupationName;
    industry = occupation.industries[rng.int(occupation.industries.length)];
    jobDescription = job;
    if (employment === 'Self-employed') classOfWorker = rng.next() < 0.6 ? 'Self-employed in own not incorporated business' : 'Self-employed in own incorporated business';
    else
      classOfWorker = pickFrom(rng, {
        'Employee of a private for-profit company': 70,
        'Employee of a private not-for-profit organization': 10,
        'Local government employee': 8,
        'State government employee': 7,
        'Federal government employee': 5,
      });
  } else if (employment === 'Retired') jobDescription = `Retired; formerly ${lowerFirst(job)}`;
  else if (employment === 'Student') jobDescription = rng.next() < 0.5 ? 'Full-time college student' : 'Student working toward a vocational certificate';
  else if (employment === 'Unemployed') jobDescription = `Looking for work; previously ${lowerFirst(job)}`;
  else jobDescription = rng.next() < 0.6 ? 'Caring for family at home' : 'Not working outside the home';

  const employmentIncome: Record<string, number> = {
    'Employed full-time': 0.3,
    'Self-employed': 0.2,
    'Employed part-time': -0.3,
    Unemployed: -0.7,
    Student: -0.7,
    Retired: -0.2,
    'Not in labor force': -0.5,
  };
  const target = 0.5 * education.score + employmentIncome[employment];
  // A triangular kernel around the target (arithmetic only, identical in every JS engine).
  const income = INCOME[rng.weighted(INCOME.map((i) => i.weight * Math.max(0.05, 1 - Math.abs(i.score - target))))].value;

  const marital = pickFrom(rng, maritalWeights(age));
  const family = pickFrom(rng, familyWeights(age, marital));

  const bigFive = BIG_FIVE_TRAITS.map((t) => `${t}: ${pickWeighted(rng, BIG_FIVE_LEVELS)}`).join(', ');
  const lifestyle = pickFrom(rng, Object.fromEntries(Object.keys(LIFESTYLE).map((k) => [k, 1])));
  const views = POLITICAL_VIEWS[rng.weighted(POLITICAL_VIEWS.map((v) => v.weight))];
  const ideology = pickFrom(rng, IDEOLOGY_GIVEN_VIEWS[views.value]);
  const religionWeights: Record<string, number> = {};
  for (const [name, w] of Object.entries(RELIGION_BASE)) religionWeights[name] = w * Math.max(0.1, 1 + 0.8 * views.score * RELIGION[name]);
  const religion = pickFrom(rng, religionWeights);

  // ---- irrelevant attributes: the `irr` stream only, plus each other ----
  const sex = irr.next() < 0.51 ? 'Female' : 'Male';
  const origin = ORIGINS[irr.weighted(ORIGINS.map((o) => o.weight))];
  const race = pickWeighted(irr, origin.races);
  let ancestry: string;
  let language: string;
  let placeOfBirth: string;
  let citizenship: string;
  let english: string;
  if (origin.abroad) {
    const [country, anc, native] = origin.abroad[irr.int(origin.abroad.length)];
    placeOfBirth = country;
    ancestry = anc;
    language = irr.next() < (origin.nativeAtHome ?? 0.8) ? native : 'English only';
    const u = irr.next();
    citizenship = u < 0.05 ? 'Born abroad of American parent(s)' : u < 0.05 + (origin.naturalized ?? 0.5) ? 'U.S. citizen by naturalization' : 'Not a U.S. citizen';
    english = language === 'English only' ? 'Only English' : pickFrom(irr, { 'Very well': 40, Well: 25, 'Not well': 25, 'Not at all': 10 });
  } else {
    const ancestries = origin.ancestries ?? ['American'];
    ancestry = ancestries[irr.int(ancestries.length)];
    language = pickWeighted(irr, origin.languages ?? [{ value: 'English only', weight: 1 }]);
    placeOfBirth = US_STATES[irr.int(US_STATES.length)];
    citizenship = 'Born in the United States';
    english = language === 'English only' ? 'Only English' : pickFrom(irr, { 'Very well': 85, Well: 15 });
  }
  const veteran = irr.next() < (sex === 'Male' ? 0.11 : 0.015) ? 'Veteran' : 'Non-veteran';
  const disability = pickFrom(irr, { None: 86, 'Ambulatory difficulty': 7, 'Independent living difficulty': 4, 'Self-care difficulty': 3 });
  const insurance = irr.next() < 0.91 ? 'With health insurance coverage' : 'No health insurance coverage';
  const quirk = DEFINING_QUIRKS[irr.int(DEFINING_QUIRKS.length)];
  const mannerism = MANNERISMS[irr.int(MANNERISMS.length)];
  const personalTime = PERSONAL_TIME[irr.int(PERSONAL_TIME.length)];
  const cognitive = irr.next() < 0.05 ? 'Has cognitive difficulty' : 'None';
  const vision = irr.next() < 0.03 ? 'Has vision difficulty' : 'None';
  const hearing = irr.next() < 0.04 ? 'Has hearing difficulty' : 'None';
  const fertility = sex === 'Male' ? 'Not applicable' : irr.next() < 0.04 ? 'Gave birth in the past 12 months' : 'Did not give birth in the past 12 months';

  // Household type is a proxy: it follows marital status and family (and sex), never drives.
  const childrenAtHome = family !== 'No children' && family !== 'With adult children only';
  let household: string;
  if (marital === 'Married') household = 'Married-couple household';
  else if (childrenAtHome) household = `${sex} householder, no spouse or partner present, with children`;
  else household = pickFrom(rng, { 'Householder living alone': 55, 'Cohabiting couple household': marital === 'Widowed' ? 5 : 25, 'Living with roommates or relatives': 20 });

  return {
    age: String(age),
    sex,
    race,
    ancestry,
    'household language': language,
    education: education.value,
    'employment status': employment,
    'class of worker': classOfWorker,
    'industry category': industry,
    'occupation category': occupationCategory,
    'detailed job description': jobDescription,
    income,
    'marital status': marital,
    'household type': household,
    'family presence and age': family,
    'place of birth': placeOfBirth,
    citizenship,
    'veteran status': veteran,
    disability,
    'health insurance': insurance,
    'big five scores': bigFive,
    'defining quirks': quirk,
    mannerisms: mannerism,
    'personal time': personalTime,
    lifestyle,
    ideology,
    'political views': views.value,
    religion,
    'cognitive difficulty': cognitive,
    'ability to speak english': english,
    'vision difficulty': vision,
    fertility,
    'hearing difficulty': hearing,
  };
}
