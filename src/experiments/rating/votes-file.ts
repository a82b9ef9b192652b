// The votes file a rater exports and a teacher imports: writing it, reading it back with every
// field checked (a corrupted or foreign file is refused whole, with a message saying what is
// wrong, before anything is kept), and merging its votes into the pool with duplicates detected
// (same rater, item and vote twice = a duplicate; same rater and item with another vote = the
// later vote replaces the earlier one).
import {
  VOTES_FORMAT,
  VOTES_VERSION,
  type RatedAnswer,
  type RatingItem,
  type Vote,
  type VoteChoice,
  type VotesFile,
} from '../../protocol/rating';

export class VotesFileError extends Error {
  override name = 'VotesFileError';
}

/** A valid votes file for another dataset than the pool's. */
export class VotesDatasetMismatchError extends VotesFileError {
  override name = 'VotesDatasetMismatchError';
}

const CHOICES: readonly VoteChoice[] = ['A', 'B', 'tie', 'both-bad'];

export function writeVotesFile(datasetId: string, items: readonly RatingItem[], votes: readonly Vote[], exportedAt = new Date().toISOString()): string {
  const used = new Set(votes.map((v) => v.itemId));
  const file: VotesFile = { format: VOTES_FORMAT, version: VOTES_VERSION, datasetId, exportedAt, items: items.filter((i) => used.has(i.id)), votes: [...votes] };
  return JSON.stringify(file, null, 2);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(o: Record<string, unknown>, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new VotesFileError(`${where}.${key} should be text, found ${v === undefined ? 'nothing' : typeof v}.`);
  return v;
}

function answer(v: unknown, where: string): RatedAnswer {
  if (!isObject(v)) throw new VotesFileError(`${where} should be an answer object.`);
  const out: RatedAnswer = { text: str(v, 'text', where), system: str(v, 'system', where), modelId: str(v, 'modelId', where), writtenFor: str(v, 'writtenFor', where) };
  if (v.truth !== undefined) {
    const t = v.truth;
    if (!isObject(t) || typeof t.valid !== 'boolean' || typeof t.utility !== 'number' || !Number.isFinite(t.utility)) throw new VotesFileError(`${where}.truth should be { valid, utility }.`);
    out.truth = { valid: t.valid, utility: t.utility };
  }
  if (v.reward !== undefined) {
    if (typeof v.reward !== 'number' || !Number.isFinite(v.reward)) throw new VotesFileError(`${where}.reward should be a number.`);
    out.reward = v.reward;
  }
  return out;
}

function item(v: unknown, where: string, datasetId: string): RatingItem {
  if (!isObject(v)) throw new VotesFileError(`${where} should be an item object.`);
  if (!Array.isArray(v.answers) || v.answers.length !== 2) throw new VotesFileError(`${where}.answers should hold exactly two answers.`);
  const it: RatingItem = {
    id: str(v, 'id', where),
    datasetId: str(v, 'datasetId', where),
    instructionId: str(v, 'instructionId', where),
    instruction: str(v, 'instruction', where),
    personaId: str(v, 'personaId', where),
    personaLabel: str(v, 'personaLabel', where),
    answers: [answer(v.answers[0], `${where}.answers[0]`), answer(v.answers[1], `${where}.answers[1]`)],
  };
  if (it.datasetId !== datasetId) throw new VotesFileError(`${where} belongs to dataset '${it.datasetId}', the file to '${datasetId}'.`);
  return it;
}

function vote(v: unknown, where: string, items: ReadonlySet<string>): Vote {
  if (!isObject(v)) throw new VotesFileError(`${where} should be a vote object.`);
  const out: Vote = { raterId: str(v, 'raterId', where), rater: str(v, 'rater', where), itemId: str(v, 'itemId', where), choice: str(v, 'choice', where) as VoteChoice, at: str(v, 'at', where) };
  if (!CHOICES.includes(out.choice)) throw new VotesFileError(`${where}.choice is '${out.choice}'; it should be one of ${CHOICES.join(', ')}.`);
  if (!items.has(out.itemId)) throw new VotesFileError(`${where} is a vote on item '${out.itemId}', which the file does not contain.`);
  if (out.raterId === '') throw new VotesFileError(`${where}.raterId is empty.`);
  return out;
}

/**
 * Reads a votes file. Throws VotesFileError (with the place and the problem) for anything that is not
 * a complete, consistent votes file, and VotesDatasetMismatchError when it was made on another
 * dataset than `expectedDatasetId`.
 */
export function readVotesFile(text: string, expectedDatasetId: string): VotesFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VotesFileError(`This is not a votes file: it is not valid JSON (${(e as Error).message}). Was it cut short or edited?`);
  }
  if (!isObject(raw) || raw.format !== VOTES_FORMAT) throw new VotesFileError(`This is not a Persona Lab votes file (its "format" should be "${VOTES_FORMAT}").`);
  if (raw.version !== VOTES_VERSION) throw new VotesFileError(`This votes file has format version ${String(raw.version)}; this lab reads version ${VOTES_VERSION}.`);
  const datasetId = str(raw, 'datasetId', 'the file');
  if (datasetId !== expectedDatasetId) {
    throw new VotesDatasetMismatchError(`These votes were cast on dataset '${datasetId}', not on '${expectedDatasetId}' (the one being rated here): nothing was imported from this file.`);
  }
  if (!Array.isArray(raw.items) || !Array.isArray(raw.votes)) throw new VotesFileError('The file should have "items" and "votes" lists.');
  const items = raw.items.map((v, i) => item(v, `items[${i}]`, datasetId));
  const ids = new Set(items.map((i) => i.id));
  const votes = raw.votes.map((v, i) => vote(v, `votes[${i}]`, ids));
  return { format: VOTES_FORMAT, version: VOTES_VERSION, datasetId, exportedAt: typeof raw.exportedAt === 'string' ? raw.exportedAt : '', items, votes };
}

/** A vote's identity in the pool: one vote per rater per item. */
export function voteKey(v: Pick<Vote, 'raterId' | 'itemId'>): string {
  return `${v.raterId}\u0000${v.itemId}`;
}

export interface MergeResult {
  /** Votes to write (new ones and replacements). */
  put: Vote[];
  added: number;
  duplicates: number;
  replaced: number;
  /** Same rater and item with another, earlier vote than the kept one: the kept one stands. */
  stale: number;
}

/**
 * What merging `incoming` into a pool holding `existing` (by voteKey) changes. A vote equal in rater,
 * item and choice to a kept one is a duplicate (also within `incoming`); another choice by the same
 * rater on the same item replaces the kept vote when it is later.
 */
export function mergeVotes(existing: ReadonlyMap<string, Vote>, incoming: readonly Vote[]): MergeResult {
  const kept = new Map(existing);
  const put = new Map<string, Vote>();
  let added = 0;
  let duplicates = 0;
  let replaced = 0;
  let stale = 0;
  for (const v of incoming) {
    const key = voteKey(v);
    const old = kept.get(key);
    if (!old) {
      added++;
    } else if (old.choice === v.choice) {
      duplicates++;
      continue;
    } else if (v.at > old.at) {
      replaced++;
    } else {
      stale++;
      continue;
    }
    kept.set(key, v);
    put.set(key, v);
  }
  return { put: [...put.values()], added, duplicates, replaced, stale };
}
