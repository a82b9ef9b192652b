// Writes the OpinionQA fixtures in the official release's layout (tatsu-lab/opinions_qa,
// data/human_resp/): tests/fixtures/data/opinionqa-release/human_resp (importable) and
// tests/fixtures/data/opinionqa-release-latin1/human_resp (one wave whose info.csv holds a
// Latin-1 byte). Usage: node scripts/opinionqa-fixture/write.mjs
//
// The numbers come from simulated respondents (seeded), aggregated the way the release does, so
// every file agrees with every other: a one-attribute file's groups, the `marginals` subtree of a
// two-attribute file and a NONE file that holds party groups are the same distributions, and every
// partition of a question's respondents sums to the same total. The quirks of the real release are
// reproduced: several waves; a non-wave folder (disagreement questions: info.csv and metadata.csv,
// no *_data.json); JSON files and a .DS_Store at the root; question_similarity.json inside a wave;
// `marginals` subtrees in two-attribute files; a NONE file holding party groups (W26, which has no
// POLPARTY file) and a NONE file byte-identical to POLPARTY_data.json (W32); values shared by two
// attributes ("Other": POLPARTY, RELIG, RACE); small groups (RELIG Hindu, RACE Other); pseudo-groups
// "Refused" and "nan"; the option "Refused"; MC_options split on commas (info.csv's references are
// right); counts as floats; metadata.csv listing attributes that have no file; a question key in the
// data files that info.csv lacks (W41).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../tests/fixtures/data');

// --- deterministic randomness (mulberry32) ---
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function pick(r, weights) {
  const entries = Object.entries(weights);
  const total = entries.reduce((s, [, w]) => s + w, 0);
  let x = r() * total;
  for (const [k, w] of entries) if ((x -= w) < 0) return k;
  return entries[entries.length - 1][0];
}

// --- the real metadata.csv (W27 and later), attributes with no file included ---
const METADATA = [
  [0, 'CREGION', ['Northeast', 'Midwest', 'South', 'West']],
  [1, 'AGE', ['18-29', '30-49', '50-64', '65+']],
  [2, 'SEX', ['Male', 'Female']],
  [4, 'EDUCATION', ['Less than high school', 'High school graduate', 'Some college, no degree', "Associate's degree", 'College graduate/some postgrad', 'Postgraduate']],
  [8, 'CITIZEN', ['Yes', 'No']],
  [9, 'MARITAL', ['Married', 'Divorced', 'Separated', 'Widowed', 'Never been married']],
  [10, 'RELIG', ['Protestant', 'Roman Catholic', 'Mormon', 'Orthodox', 'Jewish', 'Muslim', 'Buddhist', 'Hindu', 'Atheist', 'Agnostic', 'Other', 'Nothing in particular']],
  [12, 'RELIGATTEND', ['More than once a week', 'Once a week', 'Once or twice a month', 'A few times a year', 'Seldom', 'Never']],
  [13, 'POLPARTY', ['Republican', 'Democrat', 'Independent', 'Other']],
  [16, 'INCOME', ['Less than $30,000', '$30,000-$50,000', '$50,000-$75,000', '$75,000-$100,000', '$100,000 or more']],
  [19, 'POLIDEOLOGY', ['Very conservative', 'Conservative', 'Moderate', 'Liberal', 'Very liberal']],
  [27, 'RACE', ['White', 'Black', 'Asian', 'Hispanic', 'Other']],
];

// Who answers: pseudo-values "Refused" (asked, refused) and "nan" (missing) are groups in the files.
const POPULATION = {
  AGE: { '18-29': 0.18, '30-49': 0.33, '50-64': 0.27, '65+': 0.2, nan: 0.02 },
  SEX: { Male: 0.48, Female: 0.52 },
  POLPARTY: { Republican: 0.3, Democrat: 0.33, Independent: 0.27, Other: 0.08, Refused: 0.02 },
  RELIG: { Protestant: 0.4, 'Roman Catholic': 0.2, 'Nothing in particular': 0.2, Atheist: 0.06, Other: 0.1, Hindu: 0.02, Refused: 0.02 },
  RACE: { White: 0.6, Black: 0.12, Hispanic: 0.15, Asian: 0.06, Other: 0.05, Refused: 0.02 },
};

// Questions: options (the last is always Refused) and how attributes tilt the answers (logits).
// `lean` > 0 pushes Republicans/older/Protestants to the first option and Democrats/younger/
// Atheists to the last real option: the groups disagree, which is what the lab is about.
const WAVES = [
  {
    name: 'American_Trends_Panel_W26',
    seed: 26,
    respondents: 1400,
    files: ['AGE', 'SEX', 'POLPARTY_SEX', 'NONE=POLPARTY'],
    questions: [
      { key: 'SAFECRIME_W26', text: 'How safe, if at all, would you say your local community is from crime? Would you say it is', options: ['Very safe', 'Somewhat safe', 'Not too safe', 'Not at all safe'], ordinal: '[1.0, 2.0, 3.0, 4.0]', base: [0.3, 1.2, 0.2, -0.8], lean: 0.4 },
      { key: 'GUN_W26', text: 'Do you personally own any guns (not including air guns, such as paintball, BB or pellet guns)?', options: ['Yes, I own a gun', "No, I don't own any guns"], ordinal: '[1.0, 2.0]', base: [-0.3, 0.3], lean: 1.4 },
      { key: 'WORRYB_W26', text: 'How much, if at all, do you worry about the following happening to you? Being the victim of a terrorist attack', options: ['Worry a lot', 'Worry a little', 'Do not worry at all'], ordinal: '[1.0, 2.0, 3.0]', base: [-0.2, 0.8, 0.3], lean: 0.3 },
      { key: 'GUNSOCIETY_W26', text: 'Do you feel that society in general tends to look at most gun owners in a positive way or a negative way?', options: ['Positive way', 'Negative way'], ordinal: '[1.0, 2.0]', base: [0, 0.1], lean: 0.9 },
    ],
  },
  {
    name: 'American_Trends_Panel_W32',
    seed: 32,
    respondents: 1300,
    files: ['AGE', 'POLPARTY', 'RELIG', 'NONE==POLPARTY'],
    questions: [
      { key: 'COMMIMPA_W32', text: 'How important, if at all, is being a member of a religious community to your sense of who you are?', options: ['Very important', 'Somewhat important', 'Not too important', 'Not at all important'], ordinal: '[1.0, 2.0, 3.0, 4.0]', base: [0.2, 0.5, 0.1, 0.2], lean: 1.2 },
      { key: 'FAMSURV1_W32', text: 'Thinking about the country as a whole, do you think the institution of marriage is', options: ['More important than it used to be', 'Less important than it used to be', 'About as important as it used to be'], ordinal: '[1.0, 2.0, 1.5]', base: [-0.5, 0.6, 0.4], lean: 0.8 },
      { key: 'ECON1_W32', text: "Thinking about the nation's economy, how would you rate economic conditions in this country today?", options: ['Excellent', 'Good', 'Only fair', 'Poor'], ordinal: '[1.0, 2.0, 3.0, 4.0]', base: [-1.2, 0.6, 0.7, -0.3], lean: 1.0 },
      { key: 'GOVSIZE1_W32', text: 'If you had to choose, would you rather have', options: ['A smaller government providing fewer services', 'A bigger government providing more services'], ordinal: '[1.0, 2.0]', base: [0, 0], lean: 1.6 },
    ],
  },
  {
    name: 'American_Trends_Panel_W41',
    seed: 41,
    respondents: 1200,
    files: ['RACE', 'POLPARTY', 'POLPARTY_RACE'],
    questions: [
      { key: 'FUTR_DIV_W41', text: 'Thinking about the future, do you think a majority-minority country in 2050 will be', options: ['Good for the country', 'Bad for the country', 'Neither good nor bad'], ordinal: '[1.0, 2.0, 1.5]', base: [0.1, -0.2, 0.6], lean: -1.0 },
      { key: 'WORLD_W41', text: 'By 2050, will the U.S. be', options: ['More important in the world', 'Less important in the world', 'About as important as it is today'], ordinal: '[1.0, 2.0, 1.5]', base: [-0.4, 0.5, 0.2], lean: 0.6 },
      { key: 'AVGFAM_W41', text: 'Thinking about the future, do you think the average family in 2050 will be', options: ['Better off financially', 'Worse off financially', 'About the same'], ordinal: '[1.0, 2.0, 1.5]', base: [-0.2, 0.6, 0.1], lean: 0.7 },
      // In the data files, absent from info.csv (the importer must say so, by key).
      { key: 'FUTRCLASS_W41', text: 'Thinking about the future, will the gap between the rich and poor be', options: ['Larger', 'Smaller', 'About the same'], ordinal: '[1.0, 2.0, 1.5]', base: [0.8, -0.5, 0.1], lean: -0.4, notInInfo: true },
    ],
  },
];

// --- simulated respondents and their answers ---
function simulate(wave) {
  const r = rng(wave.seed * 7919);
  const people = [];
  for (let i = 0; i < wave.respondents; i++) {
    const p = {};
    for (const [attr, weights] of Object.entries(POPULATION)) p[attr] = pick(r, weights);
    p.answers = {};
    for (const q of wave.questions) {
      const lean =
        { Republican: 1, Democrat: -1, Independent: 0.2, Other: 0.4, Refused: 0 }[p.POLPARTY] +
        { '18-29': -0.5, '30-49': -0.1, '50-64': 0.2, '65+': 0.5, nan: 0 }[p.AGE] +
        { Protestant: 0.4, 'Roman Catholic': 0.2, 'Nothing in particular': -0.3, Atheist: -0.8, Other: 0, Hindu: -0.2, Refused: 0 }[p.RELIG] +
        { White: 0.2, Black: -0.6, Hispanic: -0.3, Asian: -0.3, Other: 0, Refused: 0 }[p.RACE];
      const k = q.options.length;
      const logits = q.base.map((b, j) => b + q.lean * lean * (k === 1 ? 0 : 1 - (2 * j) / (k - 1)));
      const weights = Object.fromEntries(q.options.map((o, j) => [o, Math.exp(logits[j])]));
      weights.Refused = 0.02 * Object.values(weights).reduce((s, w) => s + w, 0);
      p.answers[q.key] = pick(r, weights);
    }
    people.push(p);
  }
  return people;
}

function tally(people, key) {
  const counts = {};
  for (const p of people) counts[p.answers[key]] = (counts[p.answers[key]] ?? 0) + 1;
  // pandas' value_counts().sort_index(): option texts in sorted order.
  return Object.fromEntries(Object.keys(counts).sort().map((o) => [o, counts[o]]));
}

function groupBy(people, attr) {
  const out = new Map();
  for (const v of Object.keys(POPULATION[attr]).sort()) {
    const members = people.filter((p) => p[attr] === v);
    if (members.length) out.set(v, members);
  }
  return out;
}

/** MC_options as the release has them: the references split on commas (a text quoted with " in
 * Python's repr keeps its quotes on the pieces). Only info.csv's references are right. */
function mcOptions(q) {
  return [...q.options, 'Refused'].flatMap((o) => {
    if (!o.includes(',')) return [o];
    const parts = o.split(', ');
    if (o.includes("'")) {
      parts[0] = `"${parts[0]}`;
      parts[parts.length - 1] = `${parts[parts.length - 1]}"`;
    }
    return parts;
  });
}

function dataFile(people, wave, spec) {
  const attrs = spec === 'NONE' ? [] : spec.split('_');
  const out = {};
  for (const q of wave.questions) {
    const entry = { MC_options: mcOptions(q), question_text: q.text };
    if (attrs.length === 1) {
      for (const [v, members] of groupBy(people, attrs[0])) entry[v] = tally(members, q.key);
    } else if (attrs.length === 2) {
      for (const [v1, m1] of groupBy(people, attrs[0])) {
        entry[v1] = {};
        for (const [v2, m2] of groupBy(m1, attrs[1])) entry[v1][v2] = tally(m2, q.key);
      }
      // The marginals subtree repeats both attributes' one-attribute groups in one object, so a
      // value both attributes have ("Other") is there once: the second attribute's (a Python dict).
      const marginals = {};
      for (const a of attrs) for (const [v, members] of groupBy(people, a)) marginals[v] = tally(members, q.key);
      entry.marginals = marginals;
    }
    out[q.key] = entry;
  }
  return out;
}

// --- Python-flavoured serialisation ---
/** json.dumps with floats: 27 -> 27.0, separators ", " and ": ". */
function pyJson(v) {
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}.0` : String(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (Array.isArray(v)) return `[${v.map(pyJson).join(', ')}]`;
  return `{${Object.entries(v).map(([k, x]) => `${pyJson(k)}: ${pyJson(x)}`).join(', ')}}`;
}
/** repr() of a str. */
function pyRepr(s) {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}
/** A CSV field as pandas writes it (quoted when it holds a comma, quote or newline). */
function csvField(s) {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
function csv(rows) {
  return rows.map((r) => r.map((c) => csvField(String(c))).join(',')).join('\n') + '\n';
}

function infoCsv(wave, extraColumns = false) {
  const header = extraColumns
    ? ['', 'index', 'Unnamed: 0.2', 'Unnamed: 0.1', 'Unnamed: 0', 'key', 'option_mapping', 'question', 'references', 'option_ordinal', 'survey']
    : ['', 'Unnamed: 0.1', 'Unnamed: 0', 'key', 'option_mapping', 'question', 'references', 'option_ordinal'];
  const rows = [header];
  wave.questions
    .filter((q) => !q.notInInfo)
    .forEach((q, i) => {
      const opts = [...q.options, 'Refused'];
      const mapping = `{${opts.map((o, j) => `${j === opts.length - 1 ? '99.0' : `${j + 1}.0`}: ${pyRepr(o)}`).join(', ')}}`;
      const refs = `[${opts.map(pyRepr).join(', ')}]`;
      const row = [i, i, i, q.key, mapping, q.text, refs, q.ordinal];
      rows.push(extraColumns ? [i, i, i, ...row.slice(1), `Pew_${wave.name}`] : row);
    });
  return csv(rows);
}

function metadataCsv(extraColumn = false) {
  return csv([extraColumn ? ['', 'Unnamed: 0', 'key', 'options'] : ['', 'key', 'options'], ...METADATA.map(([i, k, opts], n) => [...(extraColumn ? [n] : []), i, k, `[${opts.map(pyRepr).join(', ')}]`])]);
}

function write(path, content) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function writeWave(base, wave) {
  const people = simulate(wave);
  const dir = join(base, wave.name);
  write(join(dir, 'info.csv'), infoCsv(wave));
  write(join(dir, 'metadata.csv'), metadataCsv());
  const written = new Map();
  for (const f of wave.files) {
    if (f.startsWith('NONE==')) {
      // Byte-identical to another file of the wave.
      write(join(dir, 'NONE_data.json'), written.get(f.slice(6)));
      continue;
    }
    const [name, content] = f.startsWith('NONE=') ? ['NONE', dataFile(people, wave, f.slice(5))] : [f, dataFile(people, wave, f)];
    const text = pyJson(content);
    written.set(name, text);
    write(join(dir, `${name}_data.json`), text);
  }
  // Not survey data: similarity scores between the wave's questions.
  const keys = wave.questions.filter((q) => !q.notInInfo).map((q) => q.key);
  write(join(dir, 'question_similarity.json'), pyJson(Object.fromEntries(keys.map((a) => [a, Object.fromEntries(keys.map((b) => [b, a === b ? 1 : 0.5]))]))));
}

const release = join(ROOT, 'opinionqa-release/human_resp');
rmSync(join(ROOT, 'opinionqa-release'), { recursive: true, force: true });
for (const wave of WAVES) writeWave(release, wave);
// The non-wave folder: questions picked for disagreement across waves, no response files.
const disagreement = { name: 'American_Trends_Panel_W26', questions: [WAVES[0].questions[1], WAVES[1].questions[3]] };
write(join(release, 'Pew_American_Trends_Panel_disagreement_500/info.csv'), infoCsv(disagreement, true));
write(join(release, 'Pew_American_Trends_Panel_disagreement_500/metadata.csv'), metadataCsv(true));
// Root files that are not waves, one of them not text at all.
write(join(release, 'question_similarity.json'), pyJson({ note: 'similarity of questions across waves', waves: WAVES.map((w) => w.name) }));
write(join(release, 'survey_waves.json'), pyJson(Object.fromEntries(WAVES.map((w) => [w.name, w.questions.length]))));
write(join(release, '.DS_Store'), Buffer.from([0x00, 0x00, 0x00, 0x01, 0x42, 0x75, 0x64, 0x31, 0xff, 0xfe, 0x80, 0x00]));

// A copy of one wave as a spreadsheet program re-saved it: Latin-1, not UTF-8 (é is one byte, 0xE9).
const latin1 = join(ROOT, 'opinionqa-release-latin1/human_resp');
rmSync(join(ROOT, 'opinionqa-release-latin1'), { recursive: true, force: true });
const w26 = { ...WAVES[0], files: ['AGE'], questions: WAVES[0].questions.map((q, i) => (i === 2 ? { ...q, text: q.text.replace('terrorist attack', 'terrorist attack (café, stadium)') } : q)) };
writeWave(latin1, w26);
write(join(latin1, w26.name, 'info.csv'), Buffer.from(infoCsv(w26), 'latin1'));

console.log(`wrote ${release} and ${latin1}`);
