// Preference directions for directional control (issue 13, item 4): a unit vector u over the
// objectives of a multi-objective reward model, how a policy reads it (one line per objective in
// its system message, "formality +0.42", the objectives in the model's fixed order) and the
// directions the judge and the Pareto sweep use. Plain math, no model.
import type { Rng } from '../../util/rng';

export class DirectionError extends Error {
  override name = 'DirectionError';
}

/** u / ‖u‖ (throws on the zero vector: it names no direction). */
export function normalize(u: readonly number[]): number[] {
  const n = Math.hypot(...u);
  if (!(n > 0) || !Number.isFinite(n)) throw new DirectionError(`a direction needs a non-zero, finite length; got [${u.join(', ')}]`);
  return u.map((x) => x / n);
}

/** The system message of a direction: one line per objective, its component signed with two decimals. */
export function directionText(objectives: readonly string[], u: readonly number[]): string {
  if (u.length !== objectives.length) throw new DirectionError(`a direction over ${objectives.length} objectives needs ${objectives.length} components, got ${u.length}`);
  // -0.00 reads as a pole the direction does not ask for: zero is written unsigned.
  return objectives.map((name, k) => `${name} ${u[k] === 0 || Math.abs(u[k]) < 0.005 ? '0.00' : `${u[k] > 0 ? '+' : '-'}${Math.abs(u[k]).toFixed(2)}`}`).join('\n');
}

/**
 * Where the direction stands in the prompt: the system message (where a persona stands), after the
 * question in the user's turn, or nowhere in the text (`embedding`: the policy reads u as a learned
 * vector read by every block, LlamaModel's condition, and its prompt is the marginal one).
 */
export type DirectionPlacement = 'system' | 'question' | 'embedding';

/** The system message and the user's turn of a prompt with this direction text. */
export function directionalTurns(placement: DirectionPlacement, text: string, instruction: string): { system: string; user: string } {
  if (placement === 'embedding') return { system: '', user: instruction };
  return placement === 'system' ? { system: text, user: instruction } : { system: '', user: `${instruction}\n${text}` };
}

/** A direction drawn uniformly on the unit sphere (normal components, normalized). */
export function randomDirection(rng: Rng, dims: number): number[] {
  for (;;) {
    const u = Array.from({ length: dims }, () => rng.normal());
    if (Math.hypot(...u) > 1e-6) return normalize(u);
  }
}

/**
 * The judge's pair of directions along objective k: the other components those of `base` scaled to
 * a length of √(1 − m²), component k set to −m and to +m. Both are unit vectors and differ only in
 * the sign of component k, so the other objectives hold exactly.
 */
export function axisPair(base: readonly number[], k: number, magnitude: number): { minus: number[]; plus: number[] } {
  if (!(magnitude > 0 && magnitude < 1)) throw new DirectionError(`the moved component's magnitude must be in (0, 1), got ${magnitude}`);
  const rest = base.map((x, j) => (j === k ? 0 : x));
  const n = Math.hypot(...rest);
  const scale = n > 0 ? Math.sqrt(1 - magnitude * magnitude) / n : 0;
  const others = rest.map((x) => x * scale);
  // With no other component the pair is ±e_k (length 1, not m).
  const m = n > 0 ? magnitude : 1;
  return { minus: others.map((x, j) => (j === k ? -m : x)), plus: others.map((x, j) => (j === k ? m : x)) };
}

/** The Pareto sweep: `angles` directions (cos θ, sin θ) in the plane of objectives x and y, θ from 0 in equal steps. */
export function sweepDirections(dims: number, x: number, y: number, angles: number): { angle: number; direction: number[] }[] {
  return Array.from({ length: angles }, (_, i) => {
    const angle = (2 * Math.PI * i) / angles;
    const u = new Array(dims).fill(0);
    u[x] = Math.cos(angle);
    u[y] = Math.sin(angle);
    // Round away float dust (cos(π/2) ≈ 6e-17) so the prompt writes 0.00.
    return { angle, direction: u.map((v) => (Math.abs(v) < 1e-12 ? 0 : v)) };
  });
}

/** u · r. */
export function dot(u: readonly number[], r: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < u.length; k++) s += u[k] * r[k];
  return s;
}
