// The Models of preference view's charts, drawn as plain SVG: dots with interval whiskers per row
// (fits, attributes, types, axes), lines with intervals against a number (K, k), and a reliability
// diagram. Every chart names its axes with units; colours are Okabe–Ito (ui/compare/palette.ts)
// with a marker shape per series, so colour is never the only cue. The charts are decoration for
// sighted readers (aria-hidden): each one's table beside it is the text equivalent.
import type { ReactNode } from 'react';
import { OKABE_ITO } from '../compare/palette';
import { axisTick } from '../format';

/** Series colours: Okabe–Ito without its black (the dark theme's background); its blue is a CSS
 * variable that models.css turns into Okabe–Ito's sky blue on the dark theme (#0072B2 is dim there). */
export const MOP_COLOURS: readonly string[] = ['var(--mop-blue)', ...OKABE_ITO.slice(1, 7)];
export type Marker = 'circle' | 'square' | 'diamond' | 'triangle';

export interface Series {
  name: string;
  colour: string;
  marker: Marker;
}

const W = 640;

function scale(d0: number, d1: number, r0: number, r1: number) {
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  return (v: number) => r0 + (v - d0) * k;
}

/** A round step giving about `n` intervals over [lo, hi]. */
function niceStep(lo: number, hi: number, n: number): number {
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
}

/** About `n` round ticks over [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep(lo, hi, n);
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A domain with round ends (a tick step), containing every value with a little room. */
export function paddedDomain(values: number[], include: number[] = []): [number, number] {
  const all = [...values, ...include].filter(Number.isFinite);
  if (all.length === 0) return [0, 1];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pad = (hi - lo) * 0.04;
  const step = niceStep(lo - pad, hi + pad, 5);
  return [Math.floor((lo - pad) / step) * step, Math.ceil((hi + pad) / step) * step];
}

export function MarkerShape({ shape, x, y, colour, size = 4.5 }: { shape: Marker; x: number; y: number; colour: string; size?: number }) {
  if (shape === 'square') return <rect x={x - size} y={y - size} width={2 * size} height={2 * size} fill={colour} stroke="var(--color-surface)" strokeWidth={1} />;
  if (shape === 'diamond') return <path d={`M${x} ${y - size * 1.3}L${x + size * 1.3} ${y}L${x} ${y + size * 1.3}L${x - size * 1.3} ${y}Z`} fill={colour} stroke="var(--color-surface)" strokeWidth={1} />;
  if (shape === 'triangle') return <path d={`M${x} ${y - size * 1.3}L${x + size * 1.2} ${y + size}L${x - size * 1.2} ${y + size}Z`} fill={colour} stroke="var(--color-surface)" strokeWidth={1} />;
  return <circle cx={x} cy={y} r={size} fill={colour} stroke="var(--color-surface)" strokeWidth={1} />;
}

/** The legend as HTML (readable text, wraps), shapes drawn in small SVGs. */
export function Legend({ series, extra }: { series: Series[]; extra?: ReactNode }) {
  return (
    <ul className="mop-legend">
      {series.map((s) => (
        <li key={s.name}>
          <svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false">
            <MarkerShape shape={s.marker} x={7} y={7} colour={s.colour} size={4.5} />
          </svg>
          {s.name}
        </li>
      ))}
      {extra}
    </ul>
  );
}

export interface DotPoint {
  series: number;
  value: number;
  lo?: number;
  hi?: number;
}

export interface DotRow {
  label: string;
  points: DotPoint[];
  /** Shown after the label in muted text (e.g. the attribute's planted role). */
  note?: string;
}

interface DotChartProps {
  rows: DotRow[];
  series: Series[];
  xLabel: string;
  /** Tick text (default: axisTick). */
  format?: (v: number) => string;
  domain?: [number, number];
  /** Vertical reference lines, e.g. 0 or a coin's log-likelihood. */
  refs?: Array<{ x: number; label: string }>;
  /** Draw each row's first point as a bar from `barFrom` (sizes, shares). */
  barFrom?: number;
}

/** Rows of dots with interval whiskers on a shared horizontal axis. */
export function DotChart({ rows, series, xLabel, format = axisTick, domain, refs = [], barFrom }: DotChartProps) {
  // About 7 px per character of 12 px text; long labels (an attribute and its role) keep their words.
  const labelW = Math.min(340, 16 + 7 * Math.max(...rows.map((r) => r.label.length + (r.note ? r.note.length + 3 : 0)), 4));
  const rowH = series.length > 1 ? 24 : 20;
  const top = 8;
  const bottom = 44;
  const h = top + rows.length * rowH + bottom;
  const values = rows.flatMap((r) => r.points.flatMap((p) => [p.value, p.lo ?? p.value, p.hi ?? p.value]));
  const [d0, d1] = domain ?? paddedDomain(values, [...refs.map((r) => r.x), ...(barFrom !== undefined ? [barFrom] : [])]);
  const x = scale(d0, d1, labelW, W - 16);
  const ticks = niceTicks(d0, d1, 6);
  return (
    <svg className="mop-svg" viewBox={`0 0 ${W} ${h}`} role="img" aria-hidden="true" focusable="false">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={top} y2={h - bottom} className="mop-grid" />
          <text x={x(t)} y={h - bottom + 15} textAnchor="middle" className="mop-tick">
            {format(t)}
          </text>
        </g>
      ))}
      <line x1={labelW} x2={W - 16} y1={h - bottom} y2={h - bottom} className="mop-axis" />
      {/* Centred under the plot, moved left when the text would run past the edge (~6.8 px a character). */}
      <text x={Math.min((labelW + W - 16) / 2, W - 16 - 3.4 * xLabel.length)} y={h - 8} textAnchor="middle" className="mop-axis-label">
        {xLabel}
      </text>
      {refs.map((r) => (
        <g key={r.label}>
          <line x1={x(r.x)} x2={x(r.x)} y1={top} y2={h - bottom} className="mop-ref" />
        </g>
      ))}
      {rows.map((r, i) => {
        const cy = top + i * rowH + rowH / 2;
        return (
          <g key={r.label}>
            <text x={labelW - 8} y={cy + 4} textAnchor="end" className="mop-row-label">
              {r.label}
              {r.note && <tspan className="mop-row-note"> ({r.note})</tspan>}
            </text>
            {r.points.map((p, j) => {
              const s = series[p.series];
              const dy = series.length > 1 ? (p.series - (series.length - 1) / 2) * 7 : 0;
              return (
                <g key={j}>
                  {barFrom !== undefined && j === 0 && <rect x={Math.min(x(barFrom), x(p.value))} y={cy - 6} width={Math.abs(x(p.value) - x(barFrom))} height={12} fill={s.colour} opacity={0.35} />}
                  {p.lo !== undefined && p.hi !== undefined && (
                    <g stroke="var(--color-text)" strokeWidth={1.2}>
                      <line x1={x(p.lo)} x2={x(p.hi)} y1={cy + dy} y2={cy + dy} />
                      <line x1={x(p.lo)} x2={x(p.lo)} y1={cy + dy - 3} y2={cy + dy + 3} />
                      <line x1={x(p.hi)} x2={x(p.hi)} y1={cy + dy - 3} y2={cy + dy + 3} />
                    </g>
                  )}
                  <MarkerShape shape={s.marker} x={x(p.value)} y={cy + dy} colour={s.colour} />
                </g>
              );
            })}
          </g>
        );
      })}
      {refs.map((r, i) => (
        <text key={r.label} x={x(r.x) + 4} y={top + 10 + 12 * i} className="mop-ref-label">
          {r.label}
        </text>
      ))}
    </svg>
  );
}

export interface LinePoint {
  x: number;
  value: number;
  lo?: number;
  hi?: number;
}

interface LineChartProps {
  series: Array<Series & { points: LinePoint[]; dashed?: boolean }>;
  xLabel: string;
  yLabel: string;
  /** The x values shown as ticks (K or k: the values tried). */
  xTicks: number[];
  formatY?: (v: number) => string;
  /** Horizontal reference lines (a coin, the Bayes ceiling, another model), with their band if any. */
  hrefs?: Array<{ y: number; lo?: number; hi?: number; label: string; colour: string }>;
  /** A chosen x, marked with a vertical line and its label. */
  mark?: { x: number; label: string };
  /** Evenly spaced x positions (k = 0, 1, 2, 4, 8, 16 read better so). */
  categorical?: boolean;
}

/** Series over a number (K, k), with interval whiskers and reference lines. */
export function LineChart({ series, xLabel, yLabel, xTicks, formatY = axisTick, hrefs = [], mark, categorical }: LineChartProps) {
  const h = 300;
  const left = 64;
  // Reference lines are named in a right margin, clear of the points and their whiskers.
  const right = hrefs.length ? 190 : 16;
  const top = 14;
  const bottom = 46;
  const ys = series.flatMap((s) => s.points.flatMap((p) => [p.value, p.lo ?? p.value, p.hi ?? p.value])).concat(hrefs.flatMap((r) => [r.y, r.lo ?? r.y, r.hi ?? r.y]));
  const [y0, y1] = paddedDomain(ys);
  const pos = (v: number) => (categorical ? Math.max(0, xTicks.indexOf(v)) : v);
  const xd: [number, number] = categorical ? [-0.4, xTicks.length - 0.6] : [Math.min(...xTicks) - 0.4, Math.max(...xTicks) + 0.4];
  const x = (v: number) => scale(xd[0], xd[1], left, W - right)(pos(v));
  const y = scale(y0, y1, h - bottom, top);
  const yt = niceTicks(y0, y1, 5);
  return (
    <svg className="mop-svg" viewBox={`0 0 ${W} ${h}`} role="img" aria-hidden="true" focusable="false">
      {yt.map((t) => (
        <g key={t}>
          <line x1={left} x2={W - right} y1={y(t)} y2={y(t)} className="mop-grid" />
          <text x={left - 6} y={y(t) + 4} textAnchor="end" className="mop-tick">
            {formatY(t)}
          </text>
        </g>
      ))}
      {xTicks.map((t) => (
        <text key={t} x={x(t)} y={h - bottom + 16} textAnchor="middle" className="mop-tick">
          {t}
        </text>
      ))}
      <line x1={left} x2={W - right} y1={h - bottom} y2={h - bottom} className="mop-axis" />
      <line x1={left} x2={left} y1={top} y2={h - bottom} className="mop-axis" />
      <text x={(left + W - right) / 2} y={h - 8} textAnchor="middle" className="mop-axis-label">
        {xLabel}
      </text>
      <text transform={`translate(14 ${(top + h - bottom) / 2}) rotate(-90)`} textAnchor="middle" className="mop-axis-label">
        {yLabel}
      </text>
      {hrefs.map((r) => (
        <g key={r.label}>
          {r.lo !== undefined && r.hi !== undefined && <rect x={left} width={W - right - left} y={y(r.hi)} height={Math.max(0, y(r.lo) - y(r.hi))} fill={r.colour} opacity={0.12} />}
          <line x1={left} x2={W - right} y1={y(r.y)} y2={y(r.y)} stroke={r.colour} strokeDasharray="6 4" strokeWidth={1.5} />
          <text x={W - right + 6} y={y(r.y) + 4} className="mop-ref-label mop-ref-label--side">
            {r.label}
          </text>
        </g>
      ))}
      {mark && (
        <g>
          <line x1={x(mark.x)} x2={x(mark.x)} y1={top} y2={h - bottom} className="mop-mark" />
          <text x={x(mark.x) > W / 2 ? x(mark.x) - 5 : x(mark.x) + 5} y={top + 11} textAnchor={x(mark.x) > W / 2 ? 'end' : 'start'} className="mop-ref-label mop-ref-label--side">
            {mark.label}
          </text>
        </g>
      )}
      {series.map((s) => {
        const pts = s.points.filter((p) => Number.isFinite(p.value));
        return (
          <g key={s.name}>
            <polyline points={pts.map((p) => `${x(p.x)},${y(p.value)}`).join(' ')} fill="none" stroke={s.colour} strokeWidth={2} strokeDasharray={s.dashed ? '5 4' : undefined} />
            {pts.map((p) => (
              <g key={p.x}>
                {p.lo !== undefined && p.hi !== undefined && Number.isFinite(p.lo) && (
                  <g stroke={s.colour} strokeWidth={1.4}>
                    <line x1={x(p.x)} x2={x(p.x)} y1={y(p.lo)} y2={y(p.hi)} />
                    <line x1={x(p.x) - 4} x2={x(p.x) + 4} y1={y(p.lo)} y2={y(p.lo)} />
                    <line x1={x(p.x) - 4} x2={x(p.x) + 4} y1={y(p.hi)} y2={y(p.hi)} />
                  </g>
                )}
                <MarkerShape shape={s.marker} x={x(p.x)} y={y(p.value)} colour={s.colour} />
              </g>
            ))}
          </g>
        );
      })}
    </svg>
  );
}

export interface ReliabilityBin {
  lo: number;
  hi: number;
  n: number;
  confidence: number;
  accuracy: number;
}

/** Accuracy against mean confidence per bin, on [0.5, 1]², with the diagonal of perfect calibration;
 * each bin's bar spans its confidence range, its dot sits at (mean confidence, accuracy). */
export function ReliabilityDiagram({ bins, colour }: { bins: ReliabilityBin[]; colour: string }) {
  const size = 320;
  const left = 56;
  const bottom = 46;
  const top = 10;
  const right = 12;
  const x = scale(0.5, 1, left, size - right);
  const y = scale(0.5, 1, size - bottom, top);
  const ticks = [0.5, 0.6, 0.7, 0.8, 0.9, 1];
  const clampY = (v: number) => y(Math.max(0.5, Math.min(1, v)));
  return (
    <svg className="mop-svg mop-svg--square" viewBox={`0 0 ${size} ${size}`} role="img" aria-hidden="true" focusable="false">
      {ticks.map((t) => (
        <g key={t}>
          <line x1={x(t)} x2={x(t)} y1={top} y2={size - bottom} className="mop-grid" />
          <line x1={left} x2={size - right} y1={y(t)} y2={y(t)} className="mop-grid" />
          <text x={x(t)} y={size - bottom + 15} textAnchor="middle" className="mop-tick">
            {t.toFixed(1)}
          </text>
          <text x={left - 6} y={y(t) + 4} textAnchor="end" className="mop-tick">
            {t.toFixed(1)}
          </text>
        </g>
      ))}
      <line x1={x(0.5)} y1={y(0.5)} x2={x(1)} y2={y(1)} className="mop-ref" />
      {bins
        .filter((b) => b.n > 0)
        .map((b) => (
          <g key={b.lo}>
            <rect x={x(b.lo) + 1} width={Math.max(1, x(b.hi) - x(b.lo) - 2)} y={clampY(b.accuracy)} height={Math.max(0, y(0.5) - clampY(b.accuracy))} fill={colour} opacity={0.3} />
            <line x1={x(b.confidence)} x2={x(b.confidence)} y1={clampY(b.confidence)} y2={clampY(b.accuracy)} stroke="var(--color-text)" strokeWidth={1} />
            <MarkerShape shape="circle" x={x(b.confidence)} y={clampY(b.accuracy)} colour={colour} size={4} />
          </g>
        ))}
      <line x1={left} x2={size - right} y1={size - bottom} y2={size - bottom} className="mop-axis" />
      <line x1={left} x2={left} y1={top} y2={size - bottom} className="mop-axis" />
      <text x={(left + size - right) / 2} y={size - 8} textAnchor="middle" className="mop-axis-label">
        confidence max(p, 1 − p)
      </text>
      <text transform={`translate(14 ${(top + size - bottom) / 2}) rotate(-90)`} textAnchor="middle" className="mop-axis-label">
        accuracy (share correct)
      </text>
    </svg>
  );
}
