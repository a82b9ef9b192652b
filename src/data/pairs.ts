// The three pair sets of honest evaluation (DESIGN.md, "The science"):
//   generic  — a row's tailored response vs its generic one (solvable without the persona; on
//              OpinionQA, options the group and the pooled respondents rank alike: consensusPairs);
//   cross    — same question, persona p's preferred response vs persona p''s, labelled by p;
//   unseen   — cross pairs among personas never seen in training.
// Cross pairs are built symmetrically: when p and p' are matched on a question, both (p: A vs B)
// and (p': B vs A) are emitted, so any predictor that ignores the persona scores exactly 50%.
import { fnv1a32 } from '../util/hash';
import { Rng } from '../util/rng';
import { dataRef, labelerFor, originalRef, type Labeler, type ResponseRef } from './labels';
import type { Dataset, DataRow } from './schema';
import type { DataSplit } from './splits';

export type PairSetName = 'generic' | 'cross' | 'unseen';

export interface PreferencePair {
  id: string;
  /** `pole`: Stage-2 training pairs of the built-in world (data/builtin/pole-pairs.ts), never a Stage-1 set. */
  set: PairSetName | 'pole';
  personaId: string;
  questionId: string;
  instruction: string;
  chosen: string;
  rejected: string;
  /** Built-in response ids of chosen and rejected, when known. */
  chosenId?: string;
  rejectedId?: string;
  /** Cross pairs: the persona whose preferred response is the other side. */
  otherPersonaId?: string;
  /** How strongly the label holds (see Label.strength). */
  strength: number;
}

export interface PairOptions {
  seed: number;
  /** Partners per row in cross pairs (rounds of matching; default 1). */
  crossPartners: number;
}
export const DEFAULT_PAIRS: PairOptions = { seed: 1, crossPartners: 1 };
const MAX_LOOKAHEAD = 64;

export interface PairSets {
  train: { generic: PreferencePair[]; cross: PreferencePair[] };
  test: { generic: PreferencePair[]; cross: PreferencePair[]; unseen: PreferencePair[] };
}

function orient(
  set: PairSetName,
  row: DataRow,
  a: ResponseRef,
  b: ResponseRef,
  labeler: Labeler,
  idSuffix: string,
  otherPersonaId?: string,
): PreferencePair | undefined {
  const label = labeler.label(row, a, b);
  if (label.winner === 0) return undefined;
  const [chosen, rejected] = label.winner > 0 ? [a, b] : [b, a];
  const pair: PreferencePair = {
    id: `${set}:${row.personaId}:${row.questionId}${idSuffix}`,
    set,
    personaId: row.personaId,
    questionId: row.questionId,
    instruction: row.instruction,
    chosen: chosen.text,
    rejected: rejected.text,
    strength: label.strength,
  };
  if (chosen.id !== undefined) pair.chosenId = chosen.id;
  if (rejected.id !== undefined) pair.rejectedId = rejected.id;
  if (otherPersonaId !== undefined) pair.otherPersonaId = otherPersonaId;
  return pair;
}

/** Tailored vs generic, one per row whose two responses differ and whose persona has a view. */
export function genericPairs(rows: readonly DataRow[], labeler: Labeler): PreferencePair[] {
  const out: PreferencePair[] = [];
  for (const row of rows) {
    if (row.data === row.original) continue;
    const pair = orient('generic', row, dataRef(row), originalRef(row), labeler, '');
    if (pair) out.push(pair);
  }
  return out;
}

/**
 * OpinionQA's generic pairs, defined so they mean what they mean on PERSONA: solvable without the
 * persona. Per row, the group's top option against the option the pooled respondents chose least,
 * kept only where the group and the pool agree (both prefer the group's top). PERSONA's generic
 * pair (tailored vs original) has this property; OpinionQA's old one (group's top vs the pooled
 * top) had the opposite: its rejected side was always the pooled favourite, so a persona-blind model
 * that memorised questions scored 100% and the pooled predictor 0%, measuring an artifact.
 */
export function consensusPairs(rows: readonly DataRow[], labeler: Labeler): PreferencePair[] {
  const out: PreferencePair[] = [];
  for (const row of rows) {
    const options = row.options;
    if (!options?.every((o) => o.pooled !== undefined)) continue;
    const chosen = options.find((o) => o.text === row.data);
    if (!chosen) continue;
    let rejected: (typeof options)[number] | undefined;
    for (const o of options) if (o.share < chosen.share && o.pooled! < chosen.pooled! && (!rejected || o.pooled! < rejected.pooled!)) rejected = o;
    if (!rejected) continue;
    const pair = orient('generic', row, { text: chosen.text }, { text: rejected.text }, labeler, '');
    if (pair) out.push(pair);
  }
  return out;
}

/** Symmetric cross-persona pairs among `rows` (see the file comment). */
export function crossPairs(
  rows: readonly DataRow[],
  labeler: Labeler,
  options: Partial<PairOptions> & { set?: 'cross' | 'unseen' } = {},
): PreferencePair[] {
  const { seed, crossPartners } = { ...DEFAULT_PAIRS, ...options };
  const set = options.set ?? 'cross';
  const byQuestion = new Map<string, DataRow[]>();
  for (const row of rows) {
    let list = byQuestion.get(row.questionId);
    if (!list) byQuestion.set(row.questionId, (list = []));
    list.push(row);
  }
  const out: PreferencePair[] = [];
  const seen = new Set<string>();
  for (const [questionId, list] of byQuestion) {
    for (let round = 0; round < crossPartners; round++) {
      const order = new Rng(fnv1a32(`${seed >>> 0}:cross:${questionId}:${round}`)).shuffle(list.slice());
      const used = new Uint8Array(order.length);
      for (let i = 0; i < order.length; i++) {
        if (used[i]) continue;
        // Look a bounded distance ahead for a partner with a different response: keeps matching
        // linear when many rows repeat one response (the shuffle spreads the repeats out).
        for (let j = i + 1; j < Math.min(order.length, i + 1 + MAX_LOOKAHEAD); j++) {
          if (used[j] || order[j].data === order[i].data || order[j].personaId === order[i].personaId) continue;
          const [p, q] = [order[i], order[j]];
          const key = p.personaId < q.personaId ? `${p.personaId}|${q.personaId}` : `${q.personaId}|${p.personaId}`;
          if (seen.has(`${questionId}|${key}`)) continue;
          seen.add(`${questionId}|${key}`);
          used[i] = used[j] = 1;
          const forP = orient(set, p, dataRef(p), dataRef(q), labeler, `:${q.personaId}`, q.personaId);
          const forQ = orient(set, q, dataRef(q), dataRef(p), labeler, `:${p.personaId}`, p.personaId);
          if (forP) out.push(forP);
          if (forQ) out.push(forQ);
          break;
        }
      }
    }
  }
  return out;
}

/** All pair sets of a split, labelled by the dataset's best labeler. */
export function buildPairSets(ds: Dataset, split: DataSplit, options: Partial<PairOptions> = {}): PairSets {
  const labeler = labelerFor(ds);
  const o = { ...DEFAULT_PAIRS, seed: split.options.seed, ...options };
  const generic = ds.source === 'opinionqa' ? consensusPairs : genericPairs;
  return {
    train: { generic: generic(split.train, labeler), cross: crossPairs(split.train, labeler, o) },
    test: {
      generic: generic(split.test, labeler),
      cross: crossPairs(split.test, labeler, o),
      unseen: crossPairs(split.unseen, labeler, { ...o, set: 'unseen' }),
    },
  };
}
