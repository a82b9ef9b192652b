// Per-persona spread: how accuracy varies from one persona to another (a histogram of
// per-persona accuracy on a test set, one series per arm) with each arm's median and quartiles.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ArmResult, PairSetName } from '../../protocol/record';
import { pct, seriesColor } from '../format';
import { personaHistogram, personaSpread, SET_LABELS } from './select';

export function PersonaSpread({ arms, set }: { arms: ArmResult[]; set: PairSetName }) {
  const shown = arms.filter((a) => a.status === 'done' && a.role !== 'leave-one-out').slice(0, 4);
  if (shown.length === 0) return null;
  const data = personaHistogram(shown, set);
  return (
    <figure className="exp-chart" data-testid="persona-spread">
      <figcaption>Per-persona accuracy, {SET_LABELS[set].toLowerCase()} pairs (personas per bin)</figcaption>
      <div className="exp-chart__plot">
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="var(--color-border)" strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="bin" stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 11 }} interval={0} />
            <YAxis allowDecimals={false} stroke="var(--color-muted)" tick={{ fill: 'var(--color-muted)', fontSize: 12 }} width={40} />
            <Tooltip cursor={{ fill: 'var(--color-surface-2)' }} contentStyle={{ background: 'var(--color-surface)', border: '1px solid var(--color-border)', color: 'var(--color-text)' }} />
            <Legend wrapperStyle={{ fontSize: 13 }} />
            {shown.map((a, i) => (
              <Bar key={a.label} dataKey={a.label} fill={seriesColor(i)} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="table table--compact">
        <caption className="exp-visually-hidden">Per-persona accuracy summary</caption>
        <thead>
          <tr>
            <th scope="col">Arm</th>
            <th scope="col">Personas</th>
            <th scope="col">Median</th>
            <th scope="col">Quartiles</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((a) => {
            const s = personaSpread(a, set);
            return (
              <tr key={a.label}>
                <th scope="row">{a.label}</th>
                <td>{s?.personas ?? 0}</td>
                <td>{s ? pct(s.median, 0) : '—'}</td>
                <td>{s ? `${pct(s.q1, 0)} – ${pct(s.q3, 0)}` : '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </figure>
  );
}
