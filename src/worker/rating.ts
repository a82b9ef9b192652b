// Blind rating in the runner worker: rating items made from a Compare generation (every pair of
// columns, per sample, judged for the first column's persona, in a seeded order), votes kept in
// IndexedDB (experiments/rating/idb-store.ts), this rater's votes exported as a file, many raters'
// files imported into the pool with duplicates counted, and the pool's aggregation.
import type { AggregateView, ColumnsOutcome, ColumnsRequest, ImportFileReport, ImportReport, RatingItem, Vote, VoteChoice } from '../protocol/rating';
import { RatingStore } from '../experiments/rating/idb-store';
import { ratingItem, systemOf } from '../experiments/rating/item';
import { aggregatePool } from '../experiments/rating/pool';
import { mergeVotes, readVotesFile, voteKey, writeVotesFile } from '../experiments/rating/votes-file';
import { truthView } from '../experiments/rating/truth-view';
import { compareDataset, personaLabel } from './models';
import { scoreWithRewardModel } from './compare-reward';

let store: Promise<RatingStore> | null = null;

function open(): Promise<RatingStore> {
  store ??= RatingStore.open();
  store.catch(() => (store = null));
  return store;
}

/** Items for blind rating from one generation: for each sample, every pair of columns (i < j). */
export async function blindItems(req: ColumnsRequest, outcome: ColumnsOutcome): Promise<RatingItem[]> {
  const ds = compareDataset();
  const byId = new Map(ds.personas.map((p) => [p.id, p]));
  const items: RatingItem[] = [];
  const pending: { judgedFor: string; texts: [string, string] }[] = [];
  for (let s = 0; s < req.samples; s++) {
    for (let i = 0; i < req.columns.length; i++) {
      for (let j = i + 1; j < req.columns.length; j++) {
        const judgedFor = req.columns[i].personaId;
        const p = byId.get(judgedFor);
        const a = outcome.answers.find((x) => x.column === i && x.sample === s);
        const b = outcome.answers.find((x) => x.column === j && x.sample === s);
        if (!p || !a || !b) continue;
        const side = (col: number, text: string) => {
          const writtenFor = req.columns[col].personaId;
          // The truth is read for the judged persona, also for an answer written for another.
          const judged = truthView(ds, judgedFor, outcome.instructionId, text);
          return { text, system: systemOf(outcome.modelLabels[col], writtenFor, judgedFor), modelId: req.columns[col].modelId, writtenFor, truth: { valid: judged.valid, utility: judged.utility } };
        };
        pending.push({ judgedFor, texts: [a.text, b.text] });
        items.push(
          ratingItem(
            { datasetId: outcome.datasetId, instructionId: outcome.instructionId, instruction: outcome.instruction, personaId: judgedFor, personaLabel: personaLabel(p.id, p.attributes) },
            side(i, a.text),
            side(j, b.text),
            req.seed * 7919 + s,
          ),
        );
      }
    }
  }
  // The chosen reward model scores both answers for the judged persona (hidden until the vote, like the truth).
  if (req.rewardModelRun && outcome.rewardModel && 'description' in outcome.rewardModel) {
    const r = await scoreWithRewardModel(
      req.rewardModelRun,
      pending.flatMap((p) => p.texts.map((answer) => ({ personaId: p.judgedFor, questionId: outcome.instructionId, instruction: outcome.instruction, answer }))),
    );
    if ('scores' in r) {
      // ratingItem shows [A, B] in a seeded order: match each side by its text.
      items.forEach((item, k) => {
        for (const side of item.answers) side.reward = r.scores[2 * k + (side.text === pending[k].texts[0] ? 0 : 1)];
      });
    }
  }
  await (await open()).putItems(items);
  return items;
}

export async function raterId(): Promise<string> {
  return (await open()).raterId();
}

/** Keeps this rater's vote on an item (a second vote on it replaces the first). */
export async function castVote(itemId: string, choice: VoteChoice, rater: string): Promise<Vote> {
  const st = await open();
  const vote: Vote = { raterId: await st.raterId(), rater: rater.trim(), itemId, choice, at: new Date().toISOString() };
  await st.putAll([], [vote]);
  return vote;
}

export async function ratingPool(): Promise<{ datasetId: string; raterId: string; items: RatingItem[]; votes: Vote[] }> {
  const st = await open();
  return { datasetId: compareDataset().id, raterId: await st.raterId(), items: await st.items(), votes: await st.votes() };
}

/** This rater's votes as a votes file (JSON text). */
export async function exportVotes(): Promise<string> {
  const st = await open();
  const me = await st.raterId();
  return writeVotesFile(compareDataset().id, await st.items(), (await st.votes()).filter((v) => v.raterId === me));
}

/** Imports raters' votes files one by one: a bad file is reported and skipped whole; the rest are kept. */
export async function importVotes(files: ReadonlyArray<{ name: string; text: string }>): Promise<ImportReport> {
  const st = await open();
  const datasetId = compareDataset().id;
  const reports: ImportFileReport[] = [];
  for (const f of files) {
    try {
      const file = readVotesFile(f.text, datasetId);
      const existing = new Map((await st.votes()).map((v) => [voteKey(v), v]));
      const m = mergeVotes(existing, file.votes);
      const used = new Set(m.put.map((v) => v.itemId));
      await st.putAll(
        file.items.filter((i) => used.has(i.id)),
        m.put,
      );
      reports.push({ name: f.name, ok: true, raters: [...new Set(file.votes.map((v) => v.rater || v.raterId))], votes: file.votes.length, added: m.added, duplicates: m.duplicates, replaced: m.replaced, stale: m.stale });
    } catch (e) {
      reports.push({ name: f.name, ok: false, message: (e as Error).message, raters: [], votes: 0, added: 0, duplicates: 0, replaced: 0, stale: 0 });
    }
  }
  const sum = (k: 'added' | 'duplicates' | 'replaced') => reports.reduce((n, r) => n + r[k], 0);
  return { files: reports, added: sum('added'), duplicates: sum('duplicates'), replaced: sum('replaced'), failed: reports.filter((r) => !r.ok).length };
}

export async function aggregateVotes(seed = 1): Promise<AggregateView> {
  const st = await open();
  return aggregatePool(compareDataset().id, await st.items(), await st.votes(), { seed });
}
