// OpinionQA in the official release's layout (tests/fixtures/data/opinionqa-release, written by
// scripts/opinionqa-fixture/write.mjs): issue 15, points A.1-A.7, each on that fixture.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildPairSets,
  conflictFlags,
  DataFormatError,
  groupSizeCeiling,
  orderProbability,
  pooledPreference,
  readOpinionQa,
  splitDataset,
  type Dataset,
  type OpinionQaFile,
  type OpinionQaSummary,
} from '../../../src/data';
import { opinionQaFilesFromFolder } from '../../../src/data/import/opinionqa/node-files';
import { loadDataNode } from '../../../src/experiments/node/load-data';
import { prepare } from '../../../src/experiments/prepare';
import { scoreSubset } from '../../../src/experiments/results/score';
import { runExperiment } from '../../../src/experiments/runner';
import { parseSpec } from '../../../src/experiments/spec/validate';
import { MemoryRunStore } from '../../../src/experiments/runs/store';
import { summarize } from '../../../src/cli/commands/experiment-run';
import { createBackend } from '../../../src/tensor';
import { Rng } from '../../../src/util/rng';

const FIXTURES = join(__dirname, '../../fixtures/data');
const ROOT = join(FIXTURES, 'opinionqa-release/human_resp');
const W26 = 'American_Trends_Panel_W26';
const W32 = 'American_Trends_Panel_W32';
const W41 = 'American_Trends_Panel_W41';

let files: OpinionQaFile[];
let dataset: Dataset;
let summary: OpinionQaSummary;
let tmp: string;
beforeAll(async () => {
  files = await opinionQaFilesFromFolder(ROOT);
  ({ dataset, summary } = await readOpinionQa(files));
  tmp = mkdtempSync(join(tmpdir(), 'oqa-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const label = (ds: Dataset, id: string) => ds.personas.find((p) => p.id === id)!.label;
/** Rows as comparable text: persona label, question, group size, shares and pooled shares. */
const rowsText = (ds: Dataset) =>
  ds.rows.map((r) => `${label(ds, r.personaId)}|${r.questionId}|${r.groupSize}|${r.options!.map((o) => `${o.text}=${o.share}/${o.pooled}`).join(',')}`).sort();

describe('A.1 the release root imports: every wave taken, the rest skipped and listed', () => {
  it('takes the three waves and lists the non-wave folder, the root files and non-data files', () => {
    expect(summary.waves).toEqual([W26, W32, W41]);
    expect(summary.skipped).toEqual([
      'human_resp/.DS_Store (a file beside the wave folders)',
      'human_resp/question_similarity.json (a file beside the wave folders)',
      'human_resp/survey_waves.json (a file beside the wave folders)',
      'human_resp/Pew_American_Trends_Panel_disagreement_500/ (2 files, no *_data.json: not a survey wave)',
    ]);
    expect(summary.ignoredFiles).toEqual([W26, W32, W41].map((w) => `human_resp/${w}/question_similarity.json`));
    expect(new Set(dataset.rows.map((r) => r.questionId.split('/')[0]))).toEqual(new Set([W26, W32, W41]));
  });

  it('a wave folder alone imports too, its name kept in question ids', async () => {
    const one = await readOpinionQa(await opinionQaFilesFromFolder(join(ROOT, W41)));
    expect(one.summary.waves).toEqual([W41]);
    expect(one.dataset.rows.every((r) => r.questionId.startsWith(`${W41}/`))).toBe(true);
    expect(rowsText(one.dataset)).toEqual(rowsText(dataset).filter((r) => r.includes(`|${W41}/`)));
  });

  it('a folder with no wave is an error that lists what it found', async () => {
    const e = await readOpinionQa(files.filter((f) => f.path.includes('disagreement'))).catch((x) => x);
    expect(e).toBeInstanceOf(DataFormatError);
    expect(e.message).toMatch(/no survey wave here.*disagreement_500/);
  });
});

describe('A.2 each (group, question) distribution enters once', () => {
  it('drops the byte-identical NONE file and the repeated groups, and counts them', () => {
    expect(summary.duplicates.files).toEqual([`human_resp/${W32}/NONE_data.json (byte-identical to human_resp/${W32}/POLPARTY_data.json)`]);
    // W26 (no POLPARTY file): SEX (2 groups) again in POLPARTY_SEX's marginals, whose POLPARTY
    // groups (4) come first there and again in NONE; 4 questions: 24. W41: POLPARTY (3 of 4:
    // "Other" is ambiguous) and RACE (4 of 5) again in POLPARTY_RACE's marginals, 3 questions in
    // info.csv: 21. Their counts agree, so none conflicts.
    expect(summary.duplicates.distributions).toBe(24 + 21);
    expect(summary.duplicates.conflicting).toBe(0);
    const keys = dataset.rows.map((r) => `${r.personaId}|${r.questionId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(dataset.personas.map((p) => p.label)).size).toBe(dataset.personas.length);
  });

  it('the duplicated files add nothing: the release without them reads the same, same id', async () => {
    const without = await readOpinionQa(files.filter((f) => !f.path.endsWith(`${W32}/NONE_data.json`) && !f.path.endsWith(`${W26}/NONE_data.json`)));
    expect(rowsText(without.dataset)).toEqual(rowsText(dataset));
    expect(without.dataset.id).toBe(dataset.id);
  });

  it('a repeated group whose counts differ is counted apart, the one-attribute file\'s copy kept', async () => {
    const cross = `human_resp/${W26}/POLPARTY_SEX_data.json`;
    const changed = files.map((f) =>
      f.path !== cross
        ? f
        : { path: f.path, text: async () => JSON.stringify(Object.fromEntries(Object.entries(JSON.parse(await f.text())).map(([k, e]) => [k, { ...(e as object), marginals: { ...(e as { marginals: object }).marginals, Male: { 'Very safe': 1, 'Yes, I own a gun': 1, 'Worry a lot': 1, 'Positive way': 1 } } }]))) },
    );
    const r = await readOpinionQa(changed);
    expect(r.summary.duplicates.conflicting).toBe(4);
    expect(r.summary.duplicates.distributions).toBe(summary.duplicates.distributions - 4);
    expect(rowsText(r.dataset)).toEqual(rowsText(dataset));
  });

  it('a wave without metadata.csv borrows the other waves\' values (the real W26 has none)', async () => {
    const r = await readOpinionQa(files.filter((f) => f.path !== `human_resp/${W26}/metadata.csv`));
    expect(r.summary.notes.join('\n')).toMatch(new RegExp(`${W26}: no metadata.csv; attribute values taken from the other waves`));
    expect(rowsText(r.dataset)).toEqual(rowsText(dataset));
  });

  it('an unseen group has no seen copy: unseen and seen personas share no label', () => {
    const split = splitDataset(dataset, { seed: 1, unseenFraction: 0.25 });
    const seen = new Set(split.seenPersonas.map((id) => label(dataset, id)));
    expect(split.unseenPersonas.length).toBeGreaterThan(0);
    for (const id of split.unseenPersonas) expect(seen.has(label(dataset, id))).toBe(false);
  });
});

describe('A.3 values resolved within the file\'s own attributes', () => {
  it('party "Other" is a party, religion "Other" a religion; "marginals" is never a value', () => {
    const party = dataset.personas.find((p) => p.label === 'POLPARTY: Other')!;
    expect(party.attributes['political views']).toBe('Other');
    expect(party.attributes.religion).toBeUndefined();
    const relig = dataset.personas.find((p) => p.label === 'RELIG: Other')!;
    expect(relig.attributes.religion).toBe('Other');
    expect(relig.attributes['political views']).toBeUndefined();
    expect(dataset.personas.find((p) => p.label === 'RACE: Other')!.attributes.race).toBe('Other');
    expect(dataset.personas.some((p) => p.label.includes('marginals'))).toBe(false);
    // Party "Other" answers like the party file says, not like any religion group.
    const row = dataset.rows.find((r) => r.personaId === party.id && r.questionId === `${W32}/GOVSIZE1_W32`)!;
    const file = JSON.parse(readFileSync(join(ROOT, W32, 'POLPARTY_data.json'), 'utf8')).GOVSIZE1_W32.Other;
    expect(row.groupSize).toBe(file['A smaller government providing fewer services'] + file['A bigger government providing more services']);
  });

  it('a NONE file is read as the one attribute whose values it holds; an ambiguous marginals value is skipped', () => {
    const notes = summary.notes.join('\n');
    expect(notes).toMatch(new RegExp(`${W26}/NONE_data.json: a NONE file holding POLPARTY groups`));
    expect(notes).toMatch(/POLPARTY_RACE_data.json: skipped marginals group "Other": both POLPARTY and RACE have this value/);
  });
});

describe('A.4 OpinionQA generic pairs are solvable without the persona', () => {
  it('the pooled predictor scores 100% on generic pairs and 50% on cross pairs', () => {
    const sets = buildPairSets(dataset, splitDataset(dataset, { seed: 1 }), { crossPartners: 4 });
    const pooled = pooledPreference(dataset);
    const generic = [...sets.train.generic, ...sets.test.generic];
    expect(generic.length).toBeGreaterThan(20);
    for (const p of generic) expect(pooled(p)).toBe(1);
    expect(groupSizeCeiling(dataset, sets.test.generic).pooled).toBe(1);
    expect(groupSizeCeiling(dataset, sets.test.cross).pooled).toBe(0.5);
    // The rejected side is not always the pooled favourite (the old artifact): never, in fact.
    for (const p of generic) expect(dataset.rows.find((r) => r.personaId === p.personaId && r.questionId === p.questionId)!.original).not.toBe(p.rejected);
  });
});

describe('A.5 group sizes: noise ceiling, size floor, pooled answers counted once', () => {
  it('the order probability matches a Dirichlet posterior sampled directly', () => {
    const rng = new Rng(5);
    const gamma = (shape: number): number => {
      if (shape < 1) return gamma(shape + 1) * Math.pow(rng.next(), 1 / shape);
      const d = shape - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      for (;;) {
        const x = rng.normal();
        const v = Math.pow(1 + c * x, 3);
        if (v > 0 && Math.log(rng.next()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return d * v;
      }
    };
    for (const [counts, n] of [[[18, 14, 8], 40], [[60, 52, 30, 8], 150], [[5, 4], 9]] as const) {
      let agree = 0;
      const draws = 20000;
      for (let i = 0; i < draws; i++) {
        const g = counts.map((c) => gamma(c + 0.5));
        if (g[0] > g[1]) agree++;
      }
      const p = orderProbability(counts[0] / n, counts[1] / n, n, counts.length);
      expect(Math.abs(p - agree / draws)).toBeLessThan(0.03);
    }
    expect(orderProbability(0.5, 0.5, 100, 2)).toBeCloseTo(0.5, 6);
    expect(orderProbability(0.7, 0.3, 2000, 2)).toBeGreaterThan(0.999);
  });

  it('reports a noise ceiling per test set, under 100% and above the pooled 50% on cross pairs', () => {
    const sets = buildPairSets(dataset, splitDataset(dataset, { seed: 1 }), { crossPartners: 4 });
    for (const set of [sets.test.generic, sets.test.cross, sets.test.unseen]) {
      const c = groupSizeCeiling(dataset, set);
      expect(c.pairs).toBe(set.length);
      expect(c.noise).toBeGreaterThan(0.5);
      expect(c.noise).toBeLessThan(1);
    }
  });

  it('drops groups under the floor (default 30) and counts them', async () => {
    expect(summary.minGroupSize).toBe(30);
    expect(dataset.rows.every((r) => r.groupSize! >= 30)).toBe(true);
    expect(summary.smallGroups.distributions).toBeGreaterThan(0);
    const all = await readOpinionQa(files, { minGroupSize: 1 });
    expect(all.dataset.rows.length - dataset.rows.length).toBe(summary.smallGroups.distributions);
    expect(all.dataset.personas.length - dataset.personas.length).toBe(summary.smallGroups.groups);
    // RELIG Hindu (2% of 1,300) is under 30 on every question.
    expect(all.dataset.personas.some((p) => p.label === 'RELIG: Hindu')).toBe(true);
    expect(dataset.personas.some((p) => p.label === 'RELIG: Hindu')).toBe(false);
    expect(all.dataset.id).not.toBe(dataset.id);
    // A spec sets the floor too (and records it): parseSpec fills the default 30.
    const spec = parseSpec({ name: 'floor', data: { source: 'path', path: ROOT, format: 'opinionqa' }, arms: [{ label: 'a', method: { kind: 'reward-model', loss: 'bradley-terry' }, subset: { kind: 'preset', name: 'all' }, model: { kind: 'features', dims: 4 } }] });
    expect(spec.data).toMatchObject({ minGroupSize: 30 });
    expect((await loadDataNode({ ...spec.data, minGroupSize: 1 } as typeof spec.data)).id).toBe(all.dataset.id);
  });

  it('pooled answers are one one-attribute file\'s groups, "nan" and "Refused" included: each respondent once', () => {
    expect(summary.pooledFrom[W26]).toBe('AGE_data.json');
    const age = JSON.parse(readFileSync(join(ROOT, W26, 'AGE_data.json'), 'utf8')).GUN_W26 as Record<string, Record<string, number>>;
    const options = ['Yes, I own a gun', "No, I don't own any guns"];
    const totals = options.map((o) => Object.entries(age).filter(([k]) => k !== 'MC_options' && k !== 'question_text').reduce((s, [, g]) => s + (g[o] ?? 0), 0));
    const answered = totals[0] + totals[1];
    const refused = Object.values(age).reduce((s, g) => s + ((g as Record<string, number>).Refused ?? 0), 0);
    expect(answered + refused).toBe(1400);
    const row = dataset.rows.find((r) => r.questionId === `${W26}/GUN_W26`)!;
    expect(row.options!.map((o) => o.pooled)).toEqual(totals.map((t) => t / answered));
    expect(row.critique).toMatch(new RegExp(`of all ${answered} who answered`));
  });
});

describe('A.6 conflicting pairs: the persona\'s preference differs from the pooled one', () => {
  it('half of each mirrored cross twin conflicts when the pool has a preference; the pool scores 0% there', () => {
    const sets = buildPairSets(dataset, splitDataset(dataset, { seed: 1 }), { crossPartners: 4 });
    const pooled = pooledPreference(dataset);
    const flags = conflictFlags(sets.test.cross, pooled);
    const n = flags.reduce((s, f) => s + f, 0);
    expect(n).toBeGreaterThan(0);
    expect(n).toBe(sets.test.cross.filter((p) => pooled(p) !== 0).length / 2);
    // A predictor that follows the pool: P(chosen) = 1 where the pool prefers it.
    const probs = sets.test.cross.map((p) => (pooled(p) > 0 ? 1 : pooled(p) < 0 ? 0 : 0.5));
    expect(scoreSubset('cross', sets.test.cross, probs, flags, 0.95)!.accuracy).toBe(0);
    expect(conflictFlags(sets.test.generic, pooled).every((f) => f === 0)).toBe(true);
  });

  it('prepare() reports the conflicting pairs and the noise ceilings of every test set', async () => {
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'opinionqa-release.spec.json'), 'utf8'));
    const prep = await prepare(spec, loadDataNode);
    expect(prep.summary.ceilingBasis).toBe('group sizes');
    expect(Object.keys(prep.summary.ceilings!)).toEqual(['generic', 'cross', 'unseen']);
    expect(prep.summary.conflicting!.cross).toBeGreaterThan(0);
    expect(prep.summary.conflicting!.cross).toBe(prep.conflict.cross.reduce((s, f) => s + f, 0));
    expect(prep.summary.conflicting!.generic).toBe(0);
  });

  it('the run record has each arm\'s accuracy on the conflicting pairs, and the CLI summary prints it', async () => {
    const spec = JSON.parse(readFileSync(join(FIXTURES, 'opinionqa-release.spec.json'), 'utf8'));
    const backend = await createBackend('cpu');
    const record = await runExperiment(spec, { backend, adapter: null, store: new MemoryRunStore(), loadData: loadDataNode, appVersion: 'test' });
    expect(record.status).toBe('done');
    const d = record.data!;
    expect(d.ceilingBasis).toBe('group sizes');
    for (const arm of record.arms) {
      expect(arm.conflicting!.map((s) => s.set)).toEqual(['cross', 'unseen']);
      for (const s of arm.conflicting!) {
        expect(s.n).toBe(d.conflicting![s.set]);
        expect(s.lo).toBeLessThanOrEqual(s.accuracy);
        expect(s.hi).toBeGreaterThanOrEqual(s.accuracy);
      }
    }
    // Where the persona must change the answer, the conditional model beats the persona-blind one.
    const on = (label: string) => record.arms.find((a) => a.label === label)!.conflicting!.reduce((c, s) => c + s.correct, 0);
    expect(on('conditional')).toBeGreaterThan(on('marginal'));
    const text = summarize(record);
    expect(text).toMatch(/conflicting test pairs \(persona's preference differs from the pooled one\): generic 0, cross \d+, unseen \d+/);
    expect(text).toMatch(/on conflicting pairs only/);
    expect(text).toMatch(/ceilings \(noise ceiling given group sizes \/ pooled predictor\): generic [\d.]+% \/ 100\.0%, cross [\d.]+% \/ 50\.0%/);
  });

  it('the built-in source has conflicting pairs too (pooled = how often a response is someone\'s best)', async () => {
    const { generateBuiltin } = await import('../../../src/data');
    const ds = generateBuiltin({ seed: 3, personas: 60, questionsPerPersona: 4 });
    const sets = buildPairSets(ds, splitDataset(ds, { seed: 3 }));
    const pooled = pooledPreference(ds);
    const flags = conflictFlags(sets.test.cross, pooled);
    expect(flags.reduce((s, f) => s + f, 0)).toBeGreaterThan(0);
    // Tailored vs neutral: the neutral response is nobody's best, so the pool agrees with everyone.
    expect(conflictFlags(sets.test.generic, pooled).every((f) => f === 0)).toBe(true);
  });
});

describe('A.7 one reader: strict UTF-8, wave folders in names, ids that hash content', () => {
  it('`experiment run`\'s path source reads exactly what `data stats` reads', async () => {
    const viaSpec = await loadDataNode({ source: 'path', path: ROOT, format: 'opinionqa' });
    expect(viaSpec.id).toBe(dataset.id);
    expect(rowsText(viaSpec)).toEqual(rowsText(dataset));
  });

  it('invalid UTF-8 is an error naming the file, with its wave folder, and the byte offset', async () => {
    const dir = join(FIXTURES, 'opinionqa-release-latin1/human_resp');
    const bytes = readFileSync(join(dir, W26, 'info.csv'));
    const at = bytes.indexOf(0xe9);
    expect(at).toBeGreaterThan(0);
    const message = `human_resp/${W26}/info.csv: invalid UTF-8 at byte ${at}`;
    await expect(readOpinionQa(await opinionQaFilesFromFolder(dir))).rejects.toThrow(message);
    await expect(loadDataNode({ source: 'path', path: dir, format: 'opinionqa' })).rejects.toThrow(message);
  });

  it('the id follows content: a moved copy keeps it, one changed count changes it', async () => {
    const copy = join(tmp, 'elsewhere', 'renamed_release');
    cpSync(ROOT, copy, { recursive: true });
    const moved = await readOpinionQa(await opinionQaFilesFromFolder(copy));
    expect(moved.dataset.id).toBe(dataset.id);
    const path = join(copy, W41, 'RACE_data.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"Better off financially": (\d+)\.0/, (_, n) => `"Better off financially": ${Number(n) + 1}.0`));
    const changed = await readOpinionQa(await opinionQaFilesFromFolder(copy));
    expect(changed.dataset.id).not.toBe(dataset.id);
  });

  it('a question key absent from info.csv is skipped and named', () => {
    expect(summary.notInInfo).toEqual([`${W41}/FUTRCLASS_W41`]);
    expect(dataset.rows.some((r) => r.questionId.endsWith('FUTRCLASS_W41'))).toBe(false);
  });
});
