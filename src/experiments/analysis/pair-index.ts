// Preference pairs as integer indices for the analysis models: every distinct response text gets
// a row of the response feature matrix (word unigram/bigram bags, vocabulary from the training
// texts), every persona a row index, and a pair becomes (persona, chosen, rejected). The same
// response space serves all pair sets, so rewards are computed once per response.
import type { AttributeKey, Dataset, PersonaRecord, PreferencePair } from '../../data';
import { PersonaBagEncoder, ResponseBagEncoder } from '../encoders/bags';
import { csrFromBags, type Csr } from './sparse';

export interface ResponseSpace {
  encoder: ResponseBagEncoder;
  texts: string[];
  index: Map<string, number>;
  /** Built lazily by `responseMatrix` once every pair set has been indexed. */
}

export interface PairIndex {
  pairs: readonly PreferencePair[];
  persona: Int32Array;
  chosen: Int32Array;
  rejected: Int32Array;
}

export class AnalysisDataError extends Error {
  override name = 'AnalysisDataError';
}

export function responseSpace(trainingPairs: readonly PreferencePair[]): ResponseSpace {
  const texts = new Set<string>();
  for (const p of trainingPairs) {
    texts.add(p.chosen);
    texts.add(p.rejected);
  }
  if (texts.size === 0) throw new AnalysisDataError('No training pairs: the analysis needs a dataset with at least a few personas and questions');
  return { encoder: new ResponseBagEncoder(texts), texts: [], index: new Map() };
}

function responseRow(space: ResponseSpace, text: string): number {
  let i = space.index.get(text);
  if (i === undefined) {
    i = space.texts.length;
    space.index.set(text, i);
    space.texts.push(text);
  }
  return i;
}

/** The response feature matrix of every text indexed so far. */
export function responseMatrix(space: ResponseSpace): Csr {
  return csrFromBags(
    space.texts.map((t) => space.encoder.encode(t)),
    space.encoder.vocab.size,
  );
}

export function indexPairs(pairs: readonly PreferencePair[], personaIndex: ReadonlyMap<string, number>, space: ResponseSpace): PairIndex {
  const n = pairs.length;
  const out: PairIndex = { pairs, persona: new Int32Array(n), chosen: new Int32Array(n), rejected: new Int32Array(n) };
  pairs.forEach((p, i) => {
    const pi = personaIndex.get(p.personaId);
    if (pi === undefined) throw new AnalysisDataError(`Pair ${p.id} names persona ${p.personaId}, which the dataset lacks`);
    out.persona[i] = pi;
    out.chosen[i] = responseRow(space, p.chosen);
    out.rejected[i] = responseRow(space, p.rejected);
  });
  return out;
}

/** A subset of an index's pairs (by position). */
export function subsetPairs(ix: PairIndex, keep: readonly number[]): PairIndex {
  return {
    pairs: keep.map((i) => ix.pairs[i]),
    persona: Int32Array.from(keep, (i) => ix.persona[i]),
    chosen: Int32Array.from(keep, (i) => ix.chosen[i]),
    rejected: Int32Array.from(keep, (i) => ix.rejected[i]),
  };
}

export function concatPairs(...parts: PairIndex[]): PairIndex {
  const cat = (f: (p: PairIndex) => Int32Array) => {
    const out = new Int32Array(parts.reduce((n, p) => n + p.pairs.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(f(p), o);
      o += p.pairs.length;
    }
    return out;
  };
  return { pairs: parts.flatMap((p) => [...p.pairs]), persona: cat((p) => p.persona), chosen: cat((p) => p.chosen), rejected: cat((p) => p.rejected) };
}

/** Persona attribute bags (bias feature first) for an attribute subset, vocabulary from the training personas. */
export function personaMatrix(ds: Dataset, keys: readonly AttributeKey[], training: readonly PersonaRecord[]): { matrix: Csr; features: string[] } {
  // An OpinionQA persona is a whole group, one value each: a value no other group shares is still
  // learnable for that group's held-out questions, so keep features of a single group there.
  const enc = new PersonaBagEncoder(keys, training, false, ds.source === 'opinionqa' ? 1 : 5);
  return { matrix: csrFromBags(ds.personas.map((p) => enc.encode(p)), enc.vocab.size), features: enc.vocab.names.slice() };
}
