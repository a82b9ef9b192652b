// Small formatters shared by the Experiments and Results views.

export function pct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s.toString().padStart(2, '0')} s` : `${Math.floor(m / 60)} h ${(m % 60).toString().padStart(2, '0')} min`;
}

/** Series colours of the design system, in order. */
export const SERIES = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--series-4)'];

export function seriesColor(i: number): string {
  return SERIES[i % SERIES.length];
}
