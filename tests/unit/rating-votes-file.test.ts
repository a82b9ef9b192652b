// Votes files and the pool: a file round-trips; a corrupted file, a file of another dataset and
// inconsistent votes are refused whole with a message naming the problem; merging detects
// duplicates (same rater, item and vote), replacements (a later, different vote) and stale votes;
// blind items keep their id whatever the shown order, and the order is seeded; the pool's
// aggregation reads the hidden systems and the truth judge's verdicts.
import { describe, expect, it } from 'vitest';
import type { RatedAnswer, Vote } from '../../src/protocol/rating';
import { ratingItem, itemId, systemOf } from '../../src/experiments/rating/item';
import { aggregatePool, truthVerdict } from '../../src/experiments/rating/pool';
import { mergeVotes, readVotesFile, voteKey, VotesDatasetMismatchError, VotesFileError, writeVotesFile } from '../../src/experiments/rating/votes-file';

const DS = 'builtin-s1-p500-q12-n0.5';
const content = (q: string) => ({ datasetId: DS, instructionId: q, instruction: `Question ${q}?`, personaId: 'b0001', personaLabel: 'b0001 · 30, Female' });
const ans = (modelId: string, text: string, utility: number): RatedAnswer => ({ text, system: systemOf(modelId, 'b0001', 'b0001'), modelId, writtenFor: 'b0001', truth: { valid: true, utility } });

function items(k: number) {
  return Array.from({ length: k }, (_, i) => ratingItem(content(`q${i}`), ans('base', `base answer ${i}`, 0), ans('trained', `trained answer ${i}`, 1), 1));
}
const vote = (raterId: string, itemIdV: string, choice: Vote['choice'], at = '2026-12-03T10:00:00.000Z'): Vote => ({ raterId, rater: raterId.toUpperCase(), itemId: itemIdV, choice, at });

describe('rating items', () => {
  it('keep one id in either order, and show a seeded order that differs between items', () => {
    const a = ans('base', 'x', 0);
    const b = ans('trained', 'y', 1);
    expect(itemId(content('q1'), [a, b])).toBe(itemId(content('q1'), [b, a]));
    expect(ratingItem(content('q1'), a, b, 1)).toEqual(ratingItem(content('q1'), b, a, 1));
    const firsts = items(20).map((i) => i.answers[0].modelId);
    expect(firsts).toContain('base');
    expect(firsts).toContain('trained');
  });
});

describe('votes files', () => {
  const its = items(3);
  const votes = [vote('r1', its[0].id, 'A'), vote('r1', its[1].id, 'tie')];
  const text = writeVotesFile(DS, its, votes, '2026-12-03T11:00:00.000Z');

  it('round-trip, keeping only the items voted on, with the format version and dataset', () => {
    const f = readVotesFile(text, DS);
    expect(f).toMatchObject({ format: 'persona-lab-votes', version: 1, datasetId: DS });
    expect(f.items.map((i) => i.id)).toEqual([its[0].id, its[1].id]);
    expect(f.votes).toEqual(votes);
    expect(f.items[0].answers[0].truth).toBeDefined();
  });

  it('refuse a file of another dataset with VotesDatasetMismatchError', () => {
    expect(() => readVotesFile(text, 'builtin-s2-p500-q12-n0.5')).toThrow(VotesDatasetMismatchError);
    expect(() => readVotesFile(text, 'builtin-s2-p500-q12-n0.5')).toThrow(/cast on dataset 'builtin-s1-p500-q12-n0.5'.*nothing was imported/);
  });

  it('refuse corrupted files, saying what is wrong', () => {
    expect(() => readVotesFile(text.slice(0, text.length / 2), DS)).toThrow(/not valid JSON/);
    expect(() => readVotesFile('{"format":"other"}', DS)).toThrow(/not a Persona Lab votes file/);
    expect(() => readVotesFile(text.replace('"version": 1', '"version": 9'), DS)).toThrow(/version 9/);
    expect(() => readVotesFile(text.replace('"choice": "tie"', '"choice": "maybe"'), DS)).toThrow(/votes\[1\]\.choice is 'maybe'/);
    const noItem = JSON.parse(text);
    noItem.items = noItem.items.slice(0, 1);
    expect(() => readVotesFile(JSON.stringify(noItem), DS)).toThrow(/votes\[1\] is a vote on item .* which the file does not contain/);
    const oneAnswer = JSON.parse(text);
    oneAnswer.items[0].answers.pop();
    expect(() => readVotesFile(JSON.stringify(oneAnswer), DS)).toThrow(VotesFileError);
  });
});

describe('mergeVotes', () => {
  const [i0, i1] = items(2).map((i) => i.id);
  const pool = new Map([vote('r1', i0, 'A'), vote('r1', i1, 'B')].map((v) => [voteKey(v), v]));

  it('counts a repeated vote as a duplicate, also inside one file, and writes nothing for it', () => {
    const m = mergeVotes(pool, [vote('r1', i0, 'A'), vote('r2', i0, 'B'), vote('r2', i0, 'B')]);
    expect(m).toMatchObject({ added: 1, duplicates: 2, replaced: 0, stale: 0 });
    expect(m.put).toEqual([vote('r2', i0, 'B')]);
  });

  it('replaces a vote by a later, different one of the same rater; an earlier one is stale', () => {
    const later = vote('r1', i0, 'tie', '2026-12-03T12:00:00.000Z');
    const earlier = vote('r1', i1, 'A', '2026-12-03T09:00:00.000Z');
    const m = mergeVotes(pool, [later, earlier]);
    expect(m).toMatchObject({ added: 0, duplicates: 0, replaced: 1, stale: 1 });
    expect(m.put).toEqual([later]);
  });
});

describe('aggregatePool', () => {
  it('aggregates by hidden system whatever the shown order, with agreement with the truth judge', () => {
    const its = items(10);
    // r1 always picks the trained answer (the truth's pick); r2 always picks A.
    const votes = its.flatMap((it) => [vote('r1', it.id, it.answers[0].modelId === 'trained' ? 'A' : 'B'), vote('r2', it.id, 'A')]);
    const agg = aggregatePool(DS, its, votes, { seed: 3, resamples: 50 });
    expect(agg).toMatchObject({ votes: 20, items: 10 });
    expect(agg.raters.map((r) => `${r.rater}:${r.votes}`)).toEqual(['R1:10', 'R2:10']);
    const trainedFirst = its.filter((i) => i.answers[0].modelId === 'trained').length;
    const [pair] = agg.pairs;
    expect(pair).toMatchObject({ a: 'base', b: 'trained', n: 20, winsB: 10 + trainedFirst, winsA: 10 - trainedFirst, ties: 0 });
    const truth = agg.agreement.find((a) => a.judge === 'truth')!;
    expect(truth).toMatchObject({ n: 20, agree: 10 + trainedFirst });
    expect(its.every((i) => truthVerdict(i) === (i.answers[0].modelId === 'trained' ? 'A' : 'B'))).toBe(true);
    expect(agg.strengths.find((s) => s.system === 'trained')!.theta).toBeGreaterThan(0);
    expect(agg.rewardNote).toMatch(/No reward model chosen/);
  });

  it('counts "both bad" as a tie and ignores votes on unknown items', () => {
    const its = items(1);
    const agg = aggregatePool(DS, its, [vote('r1', its[0].id, 'both-bad'), vote('r1', 'missing', 'A')]);
    expect(agg.votes).toBe(1);
    expect(agg.pairs[0].ties).toBe(1);
  });
});
