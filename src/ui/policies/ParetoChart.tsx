// The Pareto plot of a directional policy (issue 13, item 4): objective against objective, each
// point the mean truth-read pole of the two objectives' axes over the held-out questions for one
// direction of the sweep (angle θ in their plane), with 95% intervals on both axes, joined in angle
// order; the base policy's answers as a reference point; the upper-right front (both + poles
// wanted) drawn thick. Decoration for sighted readers: the table beside it is the text equivalent.
import type { DirectionalResult } from '../../protocol/policy';
import { MarkerShape, MOP_COLOURS, niceTicks } from '../models/charts';
import { paretoFront } from './directional-reading';

const W = 520;
const H = 420;

export function ParetoChart({ d }: { d: DirectionalResult }) {
  const left = 64, right = 20, top = 16, bottom = 52;
  const sx = (v: number) => left + ((v + 1.1) / 2.2) * (W - left - right);
  const sy = (v: number) => H - bottom - ((v + 1.1) / 2.2) * (H - top - bottom);
  const pick = (vals: DirectionalResult['sweep']['base'], o: string) => vals.find((v) => v.objective === o)!;
  const pts = d.sweep.points.map((p) => ({ angle: p.angle, x: pick(p.values, d.sweep.x), y: pick(p.values, d.sweep.y) })).filter((p) => p.x && p.y && Number.isFinite(p.x.mean) && Number.isFinite(p.y.mean));
  const front = paretoFront(pts.map((p) => ({ x: p.x.mean, y: p.y.mean })));
  const frontPts = pts.filter((_, i) => front[i]).sort((a, b) => a.x.mean - b.x.mean);
  const bx = pick(d.sweep.base, d.sweep.x);
  const by = pick(d.sweep.base, d.sweep.y);
  const ticks = niceTicks(-1, 1, 4);
  const colour = MOP_COLOURS[0];
  const baseColour = MOP_COLOURS[1];
  const whisk = (x0: number, y0: number, x1: number, y1: number, c: string, key: string) => Number.isFinite(x0 + y0 + x1 + y1) && <line key={key} x1={sx(x0)} y1={sy(y0)} x2={sx(x1)} y2={sy(y1)} stroke={c} strokeWidth={1.2} opacity={0.7} />;
  return (
    <svg className="mop-svg" viewBox={`0 0 ${W} ${H}`} role="img" aria-hidden="true" focusable="false" style={{ maxWidth: W }}>
      {ticks.map((t) => (
        <g key={t}>
          <line x1={sx(t)} x2={sx(t)} y1={top} y2={H - bottom} className="mop-grid" />
          <line x1={left} x2={W - right} y1={sy(t)} y2={sy(t)} className="mop-grid" />
          <text x={sx(t)} y={H - bottom + 16} textAnchor="middle" className="mop-tick">{t}</text>
          <text x={left - 6} y={sy(t) + 4} textAnchor="end" className="mop-tick">{t}</text>
        </g>
      ))}
      <line x1={left} x2={W - right} y1={H - bottom} y2={H - bottom} className="mop-axis" />
      <line x1={left} x2={left} y1={top} y2={H - bottom} className="mop-axis" />
      <text x={(left + W - right) / 2} y={H - 10} textAnchor="middle" className="mop-axis-label">{`${d.sweep.x}: mean truth pole (−1 all − pole, +1 all + pole)`}</text>
      <text transform={`translate(16 ${(top + H - bottom) / 2}) rotate(-90)`} textAnchor="middle" className="mop-axis-label">{`${d.sweep.y}: mean truth pole`}</text>
      <polygon points={pts.map((p) => `${sx(p.x.mean)},${sy(p.y.mean)}`).join(' ')} fill="none" stroke={colour} strokeWidth={1.2} strokeDasharray="4 3" />
      {frontPts.length > 1 && <polyline points={frontPts.map((p) => `${sx(p.x.mean)},${sy(p.y.mean)}`).join(' ')} fill="none" stroke={colour} strokeWidth={3} />}
      {pts.map((p, i) => (
        <g key={i}>
          {whisk(p.x.lo, p.y.mean, p.x.hi, p.y.mean, colour, 'h')}
          {whisk(p.x.mean, p.y.lo, p.x.mean, p.y.hi, colour, 'v')}
          <MarkerShape shape="circle" x={sx(p.x.mean)} y={sy(p.y.mean)} colour={colour} size={front[i] ? 5.5 : 4} />
          <text x={sx(p.x.mean) + 7} y={sy(p.y.mean) - 6} className="mop-tick">{`${Math.round((p.angle * 180) / Math.PI)}°`}</text>
        </g>
      ))}
      {bx && by && Number.isFinite(bx.mean + by.mean) && (
        <g>
          {whisk(bx.lo, by.mean, bx.hi, by.mean, baseColour, 'bh')}
          {whisk(bx.mean, by.lo, bx.mean, by.hi, baseColour, 'bv')}
          <MarkerShape shape="square" x={sx(bx.mean)} y={sy(by.mean)} colour={baseColour} />
        </g>
      )}
    </svg>
  );
}
