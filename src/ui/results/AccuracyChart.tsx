// Accuracy by method: one group of bars per arm, one bar per test set, 95% interval whiskers,
// and the dashed ceilings of the built-in data (Bayes-optimal on cross-persona pairs, and the
// 50% any persona-blind model sits at).
import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { AccuracyRow } from './select';
import { SET_LABELS, SETS } from './select';
import { pct, seriesColor } from '../format';

export function AccuracyChart({ rows, bayes, title, testId }: { rows: AccuracyRow[]; bayes?: number; title: string; testId?: string }) {
  if (rows.length === 0) return <p className="muted">No finished arms to show.</p>;
  const height = 260;
  return (
    <figure className="exp-chart" data-testid={testId}>
      <figcaption>{title}</figcaption>
      <div className="exp-chart__plot">
        <ResponsiveContainer width="100%" height={height}>
          <BarChart data={rows} margin={{ top: 12, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="name" stroke="var(--color-muted)" tick={{ fill: 'var(--color-text)', fontSize: 12 }} interval={0} />
            <YAxis domain={[0, 1]} tickFormatter={(v: number) => pct(v, 0)} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} width={44} />
            <Tooltip
              cursor={{ fill: 'var(--color-surface-2)' }}
              contentStyle={{ background: 'var(--color-surface)', border: '1px solid var(--color-border)', color: 'var(--color-text)' }}
              formatter={(v, name) => [typeof v === 'number' ? pct(v) : String(v), String(name)]}
            />
            <Legend wrapperStyle={{ fontSize: 13 }} />
            <ReferenceLine y={0.5} stroke="var(--color-muted)" strokeDasharray="4 4" label={{ value: 'persona-blind 50%', position: 'insideBottomRight', fill: 'var(--color-muted)', fontSize: 11 }} />
            {bayes !== undefined && (
              <ReferenceLine y={bayes} stroke="var(--series-2)" strokeDasharray="6 3" label={{ value: `Bayes ceiling (cross) ${pct(bayes)}`, position: 'insideTopRight', fill: 'var(--color-text)', fontSize: 11 }} />
            )}
            {SETS.map((s, i) => (
              <Bar key={s} dataKey={s} name={SET_LABELS[s]} fill={seriesColor(i === 0 ? 2 : i === 1 ? 0 : 3)} isAnimationActive={false}>
                <ErrorBar dataKey={`${s}Err`} isAnimationActive={false} width={4} stroke="var(--color-text)" strokeWidth={1.2} />
              </Bar>
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}
