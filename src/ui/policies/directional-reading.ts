// The one-line readings of a directional policy's results (issue 13, item 4), computed from the
// record: the judge's flip rate against the 80% target with the hold rate beside it, and
// what the Pareto sweep reached on its two objectives. Plain functions, tested on known records.
import type { DirectionalResult, PoleMean } from '../../protocol/policy';

export const FLIP_TARGET = 0.8;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const sign = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;

export function judgeReading(d: DirectionalResult): string {
  const f = d.overall.flipped;
  const h = d.overall.held;
  if (f.n === 0) return 'No objective of this policy names an axis of the judged questions: nothing to read.';
  const best = d.axes.reduce((a, b) => (b.flipped.rate > a.flipped.rate ? b : a));
  const verdict = f.lo >= FLIP_TARGET ? 'meets the 80% target (its interval is above it)' : f.rate >= FLIP_TARGET ? 'reaches 80% but its interval goes below' : `is short of the 80% target`;
  return `Moving each objective's component from −${d.magnitude} to +${d.magnitude} turns the truth's pole of its axis from − to + in ${pct(f.rate)} [${pct(f.lo)}, ${pct(f.hi)}] of ${f.n} answer pairs, which ${verdict}; the other axes hold in ${pct(h.rate)} [${pct(h.lo)}, ${pct(h.hi)}]; best objective ${best.objective} (${pct(best.flipped.rate)}).`;
}

const at = (vals: readonly PoleMean[], o: string) => vals.find((v) => v.objective === o);

/** The sweep's reach on each of its two objectives: the lowest and highest mean pole over the angles. */
export function sweepRange(d: DirectionalResult, objective: string): { min: number; max: number } {
  const xs = d.sweep.points.map((p) => at(p.values, objective)?.mean ?? NaN).filter(Number.isFinite);
  return { min: Math.min(...xs), max: Math.max(...xs) };
}

/** Points not dominated when both objectives' + poles are wanted (the upper-right front). */
export function paretoFront(points: readonly { x: number; y: number }[]): boolean[] {
  return points.map((p) => !points.some((q) => q !== p && q.x >= p.x && q.y >= p.y && (q.x > p.x || q.y > p.y)));
}

export function sweepReading(d: DirectionalResult): string {
  const { x, y } = d.sweep;
  const rx = sweepRange(d, x);
  const ry = sweepRange(d, y);
  const bx = at(d.sweep.base, x)?.mean ?? NaN;
  const by = at(d.sweep.base, y)?.mean ?? NaN;
  if (!Number.isFinite(rx.min) || !Number.isFinite(ry.min)) return `The sweep has no answers on questions that use ${x} or ${y}.`;
  const spread = Math.max(rx.max - rx.min, ry.max - ry.min);
  const follows = spread >= 1 ? 'the policy follows the direction' : spread >= 0.4 ? 'the policy follows the direction in part' : 'the answers barely move with the direction';
  return `Turning the direction through the (${x}, ${y}) plane moves ${x}'s mean pole over [${sign(rx.min)}, ${sign(rx.max)}] and ${y}'s over [${sign(ry.min)}, ${sign(ry.max)}] (base policy: ${sign(bx)}, ${sign(by)}; a perfect follower spans [−1, +1] on both): ${follows}.`;
}
