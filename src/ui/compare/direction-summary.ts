// The line under a directional policy's sliders in Compare: the direction as the policy reads it.

/**
 * The unit direction the policy reads, as its prompt writes it ("formality +0.60, detail -0.80");
 * for a policy that squashes its inputs, each component as it reads it, tanh(squash · u_k).
 */
export function directionSummary(objectives: readonly string[], direction: readonly number[], squash = 0): string {
  const n = Math.hypot(...direction);
  if (!(n > 0)) return 'every objective 0.00 (no direction)';
  // As the prompt writes it: two decimals, signed, zero unsigned.
  const line = objectives
    .map((o, k) => {
      const v = squash > 0 ? Math.tanh((squash * direction[k]) / n) : direction[k] / n;
      return `${o} ${Math.abs(v) < 0.005 ? '0.00' : `${v > 0 ? '+' : '-'}${Math.abs(v).toFixed(2)}`}`;
    })
    .join(', ');
  return squash > 0 ? `${line} (tanh(${squash} · u_k) of the unit direction u)` : line;
}
