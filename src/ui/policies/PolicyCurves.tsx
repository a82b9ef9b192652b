// The Policies view's training curves, live while a run trains and kept after: one chart per
// metric that some arm logs, under TRL's names, so each method shows its own (DPO: loss,
// rewards/accuracies, rewards/margins; iterative DPO adds objective/scores; PPO and RLOO:
// objective/scores, objective/rlhf_reward, objective/kl, policy/approxkl_avg, policy/clipfrac_avg,
// loss/policy_avg, loss/value_avg). One line per arm in Okabe–Ito colours; a chart lists the arms
// that log it. The table of each metric's last value per arm is the charts' text equivalent.
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { CurvePoint } from '../../protocol/record';
import { MOP_COLOURS } from '../models/charts';
import { curveMetricsPresent, curveTick, curveValue, type CurveMetric } from './reading';

function merge(curves: Record<string, CurvePoint[]>, metric: string): Array<Record<string, number>> {
  const bySteps = new Map<number, Record<string, number>>();
  for (const [label, points] of Object.entries(curves)) {
    for (const p of points) {
      if (!Number.isFinite(p[metric])) continue;
      const row = bySteps.get(p.step) ?? { step: p.step };
      row[label] = p[metric];
      bySteps.set(p.step, row);
    }
  }
  return [...bySteps.values()].sort((a, b) => a.step - b.step);
}

function MetricChart({ m, curves, colours }: { m: CurveMetric & { arms: string[] }; curves: Record<string, CurvePoint[]>; colours: Record<string, string> }) {
  const data = merge(curves, m.metric);
  // Straight segments, and dots while the points are few (an online run logs one per iteration or
  // rollout step): a smoothed curve through three points draws values nobody logged.
  const dots = data.length <= 30;
  return (
    <figure className="exp-chart" data-metric={m.metric}>
      <figcaption>
        {m.title}
        {Object.keys(curves).length > 1 && <span className="pol-sub">{m.arms.join(', ')}</span>}
      </figcaption>
      <div className="exp-chart__plot">
        <ResponsiveContainer width="100%" height={180}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" />
            <XAxis dataKey="step" type="number" allowDecimals={false} domain={['dataMin', 'dataMax']} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} />
            <YAxis domain={m.domain ?? ['auto', 'auto']} tickFormatter={curveTick} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} width={52} />
            <Tooltip contentStyle={{ background: 'var(--color-surface)', border: '1px solid var(--color-border)', color: 'var(--color-text)' }} formatter={(v) => (typeof v === 'number' ? curveValue(v) : String(v))} />
            <Legend wrapperStyle={{ fontSize: 13 }} />
            {m.arms.map((l) => (
              <Line key={l} type="linear" dataKey={l} name={l} stroke={colours[l]} dot={dots ? { r: 2.5, fill: colours[l] } : false} strokeWidth={2} isAnimationActive={false} connectNulls />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

function lastValue(points: CurvePoint[], metric: string): { step: number; value: number } | null {
  for (let i = points.length - 1; i >= 0; i--) if (Number.isFinite(points[i][metric])) return { step: points[i].step, value: points[i][metric] };
  return null;
}

export function PolicyCurves({ curves }: { curves: Record<string, CurvePoint[]> }) {
  const metrics = curveMetricsPresent(curves);
  const labels = Object.keys(curves);
  const colours = Object.fromEntries(labels.map((l, i) => [l, MOP_COLOURS[i % MOP_COLOURS.length]]));
  return (
    // data-steps: the logged steps per arm (tests read that a resumed curve keeps its start).
    <div data-testid="live-chart" data-steps={JSON.stringify(Object.fromEntries(Object.entries(curves).map(([l, c]) => [l, c.map((p) => p.step)])))} data-metrics={metrics.map((m) => m.metric).join(' ')}>
      <div className="exp-charts">
        {metrics.map((m) => (
          <MetricChart key={m.metric} m={m} curves={curves} colours={colours} />
        ))}
      </div>
      <details className="pol-curve-table">
        <summary>The curves as a table (last logged value per arm)</summary>
        <div className="pol-table-wrap" tabIndex={0} role="region" aria-label="Training curves table">
          <table className="pol-table" data-testid="policy-curves-table">
            <caption className="exp-visually-hidden">Each charted metric's last logged value and step, per arm</caption>
            <thead>
              <tr>
                <th scope="col">Metric</th>
                {labels.map((l) => (
                  <th scope="col" key={l}>
                    {l}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {metrics.map((m) => (
                <tr key={m.metric}>
                  <th scope="row">{m.metric}</th>
                  {labels.map((l) => {
                    const v = lastValue(curves[l], m.metric);
                    return <td key={l}>{v ? `${curveValue(v.value)} (step ${v.step})` : '–'}</td>;
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </div>
  );
}
