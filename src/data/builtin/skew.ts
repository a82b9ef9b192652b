// Skewed worlds: a generator setting that puts a chosen share of personas on one pole of chosen
// axes (`skew: { formality: 0.7 }` = 70% of the personas' tastes favour a formal tone), so a world
// has majorities and minorities. The default world's axes each split the population about in
// half; a skewed axis moves its standardization center to the dataset's own quantile of the raw
// driver score, so the driver attributes, the formula's weights and the scale stay as documented
// and only the threshold between the poles moves. Raw scores tie in large blocks on some axes
// (education x openness takes 40 values), so on a skewed axis each persona's raw score gets a
// tie-break of at most 1e-6 (its own seeded draw): the share asked for is then met exactly, and
// personas with the same drivers differ in taste by far less than the noise can tell apart. The noise, the utility and the Bayes ceilings
// (bayes.ts) follow from the tastes, so they are recomputed with no change of their own.
// Minority personas of an axis are those whose taste favours its rarer pole.
import { isBuiltin } from '../labels';
import type { Attributes, Dataset, PersonaRecord } from '../schema';
import { AXES, AXIS_IDS, driverScores, type AxisId } from './axes';
import type { BuiltinDataset } from './generator';
import { streamFor } from './personas';
import { poleName } from './responses';
import { bayesBestAnswer, blindPoleByAxis } from './truth-judge';

/** Per skewed axis, the share of personas whose taste favours its + pole. */
export type Skew = Partial<Record<AxisId, number>>;

export const SKEW_MIN = 0.01;
export const SKEW_MAX = 0.99;

/** What is wrong with a skew setting, with the key at fault ('' for the whole value); undefined when fine. */
export function skewProblem(skew: unknown): { key: string; problem: string } | undefined {
  if (typeof skew !== 'object' || skew === null || Array.isArray(skew)) return { key: '', problem: 'must be an object of axis: share, e.g. {"formality": 0.7}' };
  for (const [key, v] of Object.entries(skew)) {
    if (!(AXIS_IDS as readonly string[]).includes(key)) return { key, problem: `is not a built-in axis (axes: ${AXIS_IDS.join(', ')})` };
    if (typeof v !== 'number' || !Number.isFinite(v) || v < SKEW_MIN || v > SKEW_MAX)
      return { key, problem: `must be a number in [${SKEW_MIN}, ${SKEW_MAX}] (the share of personas on the + pole), got ${JSON.stringify(v)}` };
  }
  return undefined;
}

export class SkewTextError extends Error {
  override name = 'SkewTextError';
}

/** The skew in AXIS_IDS order; undefined when it skews nothing (the default world). */
export function normalizeSkew(skew: Skew | undefined): Skew | undefined {
  if (!skew) return undefined;
  const out: Skew = {};
  for (const axis of AXIS_IDS) if (skew[axis] !== undefined) out[axis] = skew[axis];
  return Object.keys(out).length ? out : undefined;
}

/** "formality=0.7,religious=0.3" -> { formality: 0.7, religious: 0.3 } (the CLI's --skew). */
export function parseSkewText(text: string): Skew {
  const out: Record<string, number> = {};
  for (const part of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z]+)\s*=\s*(\S+)$/.exec(part);
    if (!m) throw new SkewTextError(`skew "${part}": write axis=share, e.g. formality=0.7`);
    if (m[1] in out) throw new SkewTextError(`skew: ${m[1]} is given twice`);
    out[m[1]] = Number(m[2]);
  }
  const bad = skewProblem(out);
  if (bad) throw new SkewTextError(`skew${bad.key ? ` ${bad.key}` : ''} ${bad.problem}`);
  return normalizeSkew(out as Skew) ?? {};
}

/** The inverse of parseSkewText, axes in AXIS_IDS order. */
export function formatSkew(skew: Skew): string {
  return AXIS_IDS.filter((a) => skew[a] !== undefined)
    .map((a) => `${a}=${skew[a]}`)
    .join(',');
}

/** The skew in a dataset id: "formality0.7-religious0.3" (no characters that need escaping in keys or file names). */
export function skewIdPart(skew: Skew): string {
  return AXIS_IDS.filter((a) => skew[a] !== undefined)
    .map((a) => `${a}${skew[a]}`)
    .join('-');
}

/** The largest tie-break added to a raw driver score on a skewed axis (smaller than any gap between distinct scores that matters). */
export const SKEW_TIE_BREAK = 1e-6;

function tieBreak(seed: number, axis: AxisId, index: number): number {
  return SKEW_TIE_BREAK * streamFor(seed, `skew:${axis}`, index).next();
}

/** The raw driver score of persona `index` on a skewed axis, tie-break included. */
function skewedRaw(def: (typeof AXES)[number], s: ReturnType<typeof driverScores>, seed: number, index: number): number {
  return def.raw(s) + tieBreak(seed, def.id, index);
}

/**
 * The standardization center of each skewed axis: the midpoint between two consecutive scores of
 * these personas (tie-break included), so that round(share x personas) of them are above it (the
 * + pole). Should two scores still tie, the nearest threshold between distinct ones is taken.
 */
export function skewCenters(seed: number, personas: readonly PersonaRecord[], skew: Skew): Partial<Record<AxisId, number>> {
  const scores = personas.map((p) => driverScores(p.attributes));
  const n = personas.length;
  const out: Partial<Record<AxisId, number>> = {};
  for (const def of AXES) {
    const share = skew[def.id];
    if (share === undefined) continue;
    const raw = Float64Array.from(scores, (s, i) => skewedRaw(def, s, seed, i)).sort();
    const want = Math.min(n - 1, Math.max(1, Math.round(share * n))); // personas on the + pole
    let bestJ = -1;
    for (let j = 1; j < n; j++) {
      if (raw[j - 1] === raw[j]) continue; // a threshold must fall between distinct scores
      if (bestJ < 0 || Math.abs(n - j - want) < Math.abs(n - bestJ - want)) bestJ = j;
    }
    out[def.id] = bestJ < 0 ? def.center : (raw[bestJ - 1] + raw[bestJ]) / 2;
  }
  return out;
}

/**
 * tastes() (axes.ts) with the skewed axes' centers replaced and their tie-breaks added, for
 * persona `index` of the dataset; the other axes' values are bit-identical to tastes().
 */
export function skewedTastes(seed: number, centers: Partial<Record<AxisId, number>>): (attrs: Attributes, index: number) => Float64Array {
  return (attrs, index) => {
    const s = driverScores(attrs);
    const out = new Float64Array(AXES.length);
    for (let k = 0; k < AXES.length; k++) {
      const def = AXES[k];
      const center = centers[def.id];
      out[k] = center === undefined ? (def.raw(s) - def.center) / def.scale : (skewedRaw(def, s, seed, index) - center) / def.scale;
    }
    return out;
  };
}

export interface Minority {
  axis: AxisId;
  /** The rarer pole among the personas' tastes (-1 on an exact half split). */
  pole: 1 | -1;
  /** Share of the dataset's personas on that pole. */
  share: number;
  personaIds: ReadonlySet<string>;
  isMinority(personaId: string): boolean;
}

/** The personas on the rarer pole of `axis` (taste >= 0 counts as the + pole, as the Bayes-best answer does). */
export function minorityOf(ds: BuiltinDataset, axis: AxisId): Minority {
  const plus: string[] = [];
  const minus: string[] = [];
  ds.personas.forEach((persona, p) => (ds.truth.tasteOf(p, axis) >= 0 ? plus : minus).push(persona.id));
  const pole = plus.length < minus.length ? 1 : -1;
  const personaIds = new Set(pole > 0 ? plus : minus);
  return { axis, pole, share: personaIds.size / Math.max(1, ds.personas.length), personaIds, isMinority: (id) => personaIds.has(id) };
}

export interface SkewGroupCeiling {
  personas: number;
  /** Rows of these personas whose question uses the axis. */
  rows: number;
  /** On those rows: how often the Bayes-best answer truly beats the best persona-blind answer (ties half). */
  bayesVsBlind: number;
}

export interface SkewAxisReport {
  axis: AxisId;
  /** The share asked for on the + pole, and the share reached (ties in the raw scores). */
  target: number;
  plusShare: number;
  minorityPole: 1 | -1;
  minorityPoleName: string;
  minorityShare: number;
  /** On rows whose question uses the axis: how often the row's best answer (noise included) takes the minority pole. */
  rowsMinorityBest: number;
  minority: SkewGroupCeiling;
  majority: SkewGroupCeiling;
}

/**
 * For each skewed axis of a built-in dataset: who is the minority, and the truth's ceiling on what
 * conditioning can win there, the Bayes-best answer (persona known) against the best persona-blind
 * answer, on minority and on majority personas. An empty list for the default world.
 */
export function skewReport(ds: BuiltinDataset): SkewAxisReport[] {
  const skew = normalizeSkew(ds.options.skew);
  if (!skew) return [];
  const blind = blindPoleByAxis(ds);
  const out: SkewAxisReport[] = [];
  for (const axis of AXIS_IDS) {
    const target = skew[axis];
    if (target === undefined) continue;
    const m = minorityOf(ds, axis);
    const groups = { minority: { personas: new Set<string>(), rows: 0, score: 0 }, majority: { personas: new Set<string>(), rows: 0, score: 0 } };
    let minorityBest = 0;
    let rows = 0;
    for (const r of ds.rows) {
      const q = ds.question(r.questionId);
      const k = q.axes.indexOf(axis);
      if (k < 0) continue;
      const p = ds.truth.personaIndex(r.personaId);
      const g = m.isMinority(r.personaId) ? groups.minority : groups.majority;
      const bayes = bayesBestAnswer(ds, r.personaId, q.id);
      const u = ds.truth.utility(p, q, q.axes.map((a) => blind[a]));
      g.personas.add(r.personaId);
      g.rows++;
      g.score += bayes.utility > u ? 1 : bayes.utility === u ? 0.5 : 0;
      rows++;
      if (ds.truth.bestPoles(p, q)[k] === m.pole) minorityBest++;
    }
    const ceiling = (g: typeof groups.minority): SkewGroupCeiling => ({ personas: g.personas.size, rows: g.rows, bayesVsBlind: g.rows ? g.score / g.rows : NaN });
    out.push({
      axis,
      target,
      plusShare: m.pole > 0 ? m.share : 1 - m.share,
      minorityPole: m.pole,
      minorityPoleName: poleName(axis, m.pole),
      minorityShare: m.share,
      rowsMinorityBest: rows ? minorityBest / rows : NaN,
      minority: ceiling(groups.minority),
      majority: ceiling(groups.majority),
    });
  }
  return out;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

/** The report as `data stats` prints it. */
export function formatSkewReport(report: readonly SkewAxisReport[]): string[] {
  if (!report.length) return [];
  const lines = ['skew:           axis        + pole share (asked)  minority pole (share; rows it is best)     Bayes-best vs best persona-blind answer: minority / majority (rows)'];
  for (const r of report) {
    const minority = `${r.minorityPoleName} (${pct(r.minorityShare)}; ${pct(r.rowsMinorityBest)})`;
    const ceil = `${pct(r.minority.bayesVsBlind)} (${r.minority.rows}) / ${pct(r.majority.bayesVsBlind)} (${r.majority.rows})`;
    lines.push(`                ${r.axis.padEnd(11)} ${`${pct(r.plusShare)} (${pct(r.target)})`.padEnd(21)} ${minority.padEnd(42)} ${ceil}`);
  }
  return lines;
}

/** `data stats`' skew lines for any dataset (none unless it is a skewed built-in world). */
export function skewStatsLines(ds: Dataset): string[] {
  return isBuiltin(ds) ? formatSkewReport(skewReport(ds)) : [];
}
