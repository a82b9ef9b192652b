// OpinionQA-format import: the sample (tests/fixtures/data/opinionqa-sample, a copy of
// ../shared/fixtures/opinionqa-sample) and its quirks, plus damaged files.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataFormatError, buildPairSets, conflictRate, datasetStats, groupSharesLabeler, readOpinionQa, splitDataset, strictText, type OpinionQaFile } from '../../../src/data';

const DIR = join(__dirname, '../../fixtures/data/opinionqa-sample/Sample_Wave_S1');

function sample(overrides: Record<string, string> = {}): OpinionQaFile[] {
  const names = new Set([...readdirSync(DIR), ...Object.keys(overrides)]);
  return [...names].map((name) => ({
    path: `Sample_Wave_S1/${name}`,
    text: async () => overrides[name] ?? strictText(readFileSync(join(DIR, name)), name),
  }));
}

describe('OpinionQA sample', () => {
  it('imports groups as personas, one row per (group, question)', async () => {
    const { dataset, summary } = await readOpinionQa(sample());
    expect(summary.questions).toBe(4);
    // AGE: 4 groups, POLIDEOLOGY: 5, POLPARTY x SEX: 3 x 2 = 6 (nan and Refused skipped)
    expect(summary.groups).toBe(15);
    expect(dataset.rows.length).toBe(60);
    expect(summary.notes.join('\n')).toMatch(/groups "Refused" and "nan" are not personas/);
    const labels = dataset.personas.map((p) => p.label);
    expect(labels).toContain('AGE: 65+');
    expect(labels).toContain('POLPARTY: Democrat, SEX: Female');
    const dem = dataset.personas.find((p) => p.label === 'POLPARTY: Democrat, SEX: Female')!;
    expect(dem.attributes['political views']).toBe('Democrat');
    expect(dem.attributes.sex).toBe('Female');
  });

  it('drops "Refused" and turns counts into shares', async () => {
    const { dataset } = await readOpinionQa(sample());
    const row = dataset.rows.find((r) => r.questionId.endsWith('PARKFUND_S1') && dataset.personas.find((p) => p.id === r.personaId)?.label === 'AGE: 18-29')!;
    // 18-29: Spend more 96, same 69, less 54 (Refused 3 dropped)
    expect(row.options!.map((o) => o.text)).toEqual(['Spend more', 'Spend about the same', 'Spend less']);
    expect(row.options![0].share).toBeCloseTo(96 / 219, 12);
    expect(row.data).toBe('Spend more');
    expect(row.options!.reduce((s, o) => s + o.share, 0)).toBeCloseTo(1, 12);
  });

  it('labels pairs by group shares and shows conflicting preferences', async () => {
    const { dataset } = await readOpinionQa(sample());
    const labeler = groupSharesLabeler();
    const young = dataset.rows.find((r) => r.questionId.endsWith('CHURCHROLE_S1') && r.data === 'Less influence')!;
    const old = dataset.rows.find((r) => r.questionId.endsWith('CHURCHROLE_S1') && r.data === 'More influence')!;
    const a = { text: 'More influence' };
    const b = { text: 'Less influence' };
    expect(labeler.label(young, a, b).winner).toBe(-1);
    expect(labeler.label(old, a, b).winner).toBe(1);
    const c = conflictRate(dataset);
    expect(c.rate).toBeGreaterThan(0);
    const st = datasetStats(dataset);
    expect(st.conflict.rate).toBeGreaterThan(0);
    const sets = buildPairSets(dataset, splitDataset(dataset, { unseenFraction: 0.2 }));
    for (const p of [...sets.train.cross, ...sets.test.cross]) {
      const row = dataset.rows.find((r) => r.personaId === p.personaId && r.questionId === p.questionId)!;
      const share = (t: string) => row.options!.find((o) => o.text === t)!.share;
      expect(share(p.chosen)).toBeGreaterThan(share(p.rejected));
      expect(p.strength).toBeCloseTo(share(p.chosen) - share(p.rejected), 12);
    }
  });

  it('trusts group values over file names (a NONE file holding party groups)', async () => {
    const party = readFileSync(join(DIR, 'POLPARTY_SEX_data.json'), 'utf8');
    // Flatten the cross into a single-attribute file named NONE, holding POLPARTY values.
    const json = JSON.parse(party) as Record<string, Record<string, unknown>>;
    const flat: Record<string, unknown> = {};
    for (const [q, entry] of Object.entries(json)) {
      const out: Record<string, unknown> = { MC_options: entry.MC_options, question_text: entry.question_text };
      for (const [g, v] of Object.entries(entry)) if (g !== 'MC_options' && g !== 'question_text') out[g] = (v as Record<string, unknown>).Female;
      flat[q] = out;
    }
    const { dataset, summary } = await readOpinionQa(sample({ 'NONE_data.json': JSON.stringify(flat) }));
    expect(summary.notes.join('\n')).toMatch(/a NONE file holding POLPARTY groups; read as POLPARTY/);
    expect(dataset.personas.map((p) => p.label)).toContain('POLPARTY: Republican');
  });
});

describe('OpinionQA bad input', () => {
  async function failure(files: OpinionQaFile[]): Promise<DataFormatError> {
    try {
      await readOpinionQa(files);
    } catch (e) {
      if (e instanceof DataFormatError) return e;
      throw e;
    }
    throw new Error('expected failure');
  }

  it('a Python literal that does not parse names the file, row and field', async () => {
    const info = readFileSync(join(DIR, 'info.csv'), 'utf8').replace("['More strict', 'Kept as they are now', 'Less strict', 'Refused']", "['More strict', 'Kept as they are now\", 'Less strict']");
    const e = await failure(sample({ 'info.csv': info }));
    expect([e.file, e.row, e.field]).toEqual(['Sample_Wave_S1/info.csv', 3, 'references']);
    expect(e.message).toMatch(/not a valid Python literal/);
  });

  it('damaged JSON, missing info.csv and missing columns are reported', async () => {
    const e = await failure(sample({ 'AGE_data.json': '{"PARKFUND_S1": {"MC_options": [' }));
    expect(e.file).toBe('Sample_Wave_S1/AGE_data.json');
    expect(e.message).toMatch(/not valid JSON/);
    const noInfo = sample().filter((f) => !f.path.endsWith('info.csv'));
    expect((await failure(noInfo)).message).toMatch(/no info.csv/);
    const cols = await failure(sample({ 'info.csv': ',key,question\n0,A,B\n' }));
    expect(cols.field).toBe('references');
    const counts = await failure(sample({ 'AGE_data.json': JSON.stringify({ PARKFUND_S1: { MC_options: ['Spend more'], question_text: 'q', '18-29': { 'Spend more': 'many' } } }) }));
    expect(counts.message).toMatch(/not a non-negative number/);
  });

  it('invalid UTF-8 in a file is reported with the file name', () => {
    expect(() => strictText(new Uint8Array([0x7b, 0xc3, 0x28]), 'X_data.json')).toThrow(/X_data.json: invalid UTF-8 at byte 1/);
  });
});
