// How the UI writes numbers, sizes, shares, durations and series colours: one module, the same
// text in every view, without locale machinery (so screenshots and tests read the same everywhere).

/** Bytes in binary units: "512 B", "40 KiB", "1.5 MiB", "2.00 GiB". */
export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KiB`;
  return `${n} B`;
}

/** An exact count with thousands separators: "19,036". */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** A magnitude for large counts where the digits past three do not matter (parameters, tokens):
 * "950", "12.3k", "134.52M", "1.50B". */
export function formatMagnitude(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)}B`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** A share as a percentage: pct(0.6875) = "68.8%". */
export function pct(x: number, digits = 1): string {
  return `${(100 * x).toFixed(digits)}%`;
}

/** A duration for people: "12 s", "3 min 05 s", "1 h 25 min" ('' when unknown). */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  return m < 60 ? `${m} min ${s.toString().padStart(2, '0')} s` : `${Math.floor(m / 60)} h ${(m % 60).toString().padStart(2, '0')} min`;
}

/** Series colours of the design system, in order (charts, legends and tables agree on them). */
export const SERIES = ['var(--series-1)', 'var(--series-2)', 'var(--series-3)', 'var(--series-4)'];

export function seriesColor(i: number): string {
  return SERIES[i % SERIES.length];
}

/** A chart axis tick short enough for its axis (0.4913 -> "0.491", 1234 -> "1.23k"): at most
 * six characters, so a 52px axis never clips it (".4913" was). */
export function axisTick(v: number): string {
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1000) return `${Number((v / 1000).toPrecision(3))}k`;
  if (a >= 1) return String(Number(v.toPrecision(3)));
  return v.toFixed(a >= 0.01 ? 3 : 4).replace(/0+$/, '').replace(/\.$/, '');
}
