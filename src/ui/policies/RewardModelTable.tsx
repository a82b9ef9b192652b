// The reward-model judge's table in a policy run's results: per arm and persona set, the win rate
// against the base by the Stage-1 reward model's score, the mean scores, and the reward-hacking
// gap (reward-model win rate − truth win rate), beside the truth judge's table above it. The same
// table, with `which` 'optimizedRewardModel', reads each online arm's own reward model (the one
// it climbed) on its answers.
import type { PolicyRecord } from '../../protocol/policy';
import { pct } from '../format';

const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');

export function RewardModelTable({ record, which = 'rewardModel' }: { record: PolicyRecord; which?: 'rewardModel' | 'optimizedRewardModel' }) {
  const rows = record.arms.flatMap((a) => a.eval.flatMap((e) => (e[which] ? [{ a, e, j: e[which] }] : [])));
  if (rows.length === 0) return null;
  const conf = pct(record.spec.eval.confidence, 0);
  const own = which === 'optimizedRewardModel';
  const what = own ? 'Reward model each online arm optimized' : 'Reward-model judge';
  return (
    <div className="pol-table-wrap" tabIndex={0} role="region" aria-label={`${what} results table`}>
      <table className="pol-table" data-testid={own ? 'policy-optimized-rm-table' : 'policy-rm-table'}>
        <caption className="exp-visually-hidden">
          {what}: per arm and persona set, win rate against the base policy by the reward model's score with {conf} intervals, mean scores and the reward-hacking gap
        </caption>
        <thead>
          <tr>
            <th scope="col">Arm</th>
            <th scope="col">Set</th>
            <th scope="col">RM win rate vs base ({conf} interval)</th>
            <th scope="col">Mean score (base)</th>
            <th scope="col">Reward-hacking gap (RM − truth)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ a, e, j }) => (
            <tr key={`${a.label}-${e.set}`} data-arm={a.label} data-set={e.set}>
              <th scope="row">{a.label}</th>
              <td>{e.set}</td>
              <td>
                {pct(j.vsBase.rate, 0)} [{pct(j.vsBase.lo, 0)}, {pct(j.vsBase.hi, 0)}]
              </td>
              <td>
                {num(j.meanScore)} ({num(j.baseMeanScore)})
              </td>
              <td>{Number.isFinite(j.hackingGap) ? `${j.hackingGap >= 0 ? '+' : ''}${(100 * j.hackingGap).toFixed(1)} pts` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
