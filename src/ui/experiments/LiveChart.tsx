// Training curves, live while a run trains and kept after: loss and training accuracy
// (TRL's `rewards/accuracies`) against the step, one line per arm.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CurvePoint } from '../../protocol/record';
import { axisTick, seriesColor } from '../format';

function merge(curves: Record<string, CurvePoint[]>, metric: string): Array<Record<string, number>> {
  const bySteps = new Map<number, Record<string, number>>();
  for (const [label, points] of Object.entries(curves)) {
    for (const p of points) {
      const row = bySteps.get(p.step) ?? { step: p.step };
      if (p[metric] !== undefined) row[label] = p[metric];
      bySteps.set(p.step, row);
    }
  }
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

function Curve({ title, curves, metric, domain }: { title: string; curves: Record<string, CurvePoint[]>; metric: string; domain?: [number, number] }) {
  const labels = Object.keys(curves);
  const data = merge(curves, metric);
  return (
    <figure className="exp-chart">
      <figcaption>{title}</figcaption>
      <div className="exp-chart__plot">
        <ResponsiveContainer width="100%" height={200}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" />
            <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} />
            <YAxis domain={domain ?? ['auto', 'auto']} tickFormatter={axisTick} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} width={52} />
            <Tooltip contentStyle={{ background: 'var(--color-surface)', border: '1px solid var(--color-border)', color: 'var(--color-text)' }} formatter={(v) => (typeof v === 'number' ? v.toFixed(3) : String(v))} />
            <Legend wrapperStyle={{ fontSize: 13 }} />
            {labels.map((l, i) => (
              <Line key={l} type="monotone" dataKey={l} name={l} stroke={seriesColor(i)} dot={false} strokeWidth={2} isAnimationActive={false} connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

export function LiveChart({ curves }: { curves: Record<string, CurvePoint[]> }) {
  const any = Object.values(curves).some((c) => c.length > 0);
  if (!any) return <p className="muted">Nothing running yet: pick a preset (or edit the spec) and press Run experiment; training curves appear here as the run logs them.</p>;
  return (
    // data-steps: the logged steps per arm (tests read that a resumed curve keeps its start).
    <div className="exp-charts" data-testid="live-chart" data-steps={JSON.stringify(Object.fromEntries(Object.entries(curves).map(([l, c]) => [l, c.map((p) => p.step)])))}>
      <Curve title="Loss" curves={curves} metric="loss" />
      <Curve title="Training accuracy (rewards/accuracies)" curves={curves} metric="rewards/accuracies" domain={[0, 1]} />
    </div>
  );
}
