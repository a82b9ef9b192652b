// A policy run's results, per judge. Truth (the built-in world's planted utility): per arm and
// persona set the win rate against the base policy with its interval (a bar beside the numbers,
// the table being its text equivalent), the per-persona spread, the Bayes-best comparison, the
// utilities, gap closed and KL to the base. On a skewed world: minority against majority personas,
// the conditional policy's answers against the marginal one's. The reward-model judge says why it
// has no verdict; human votes are collected in the Compare view. Above the judges, each arm with
// the reward model that trained or guided it and its reward-hacking gap per set; iterative DPO's
// iterations (IterationResults); then the training's final TRL metrics (each method's own names)
// and a few answers to read.
import type { PolicyRecord, RateWithInterval } from '../../protocol/policy';
import { pct } from '../format';
import { IterationResults } from './IterationResults';
import { DirectionalResults } from './DirectionalResults';
import { finalMetricColumns, hackingGapText } from './reading';
import { RewardModelTable } from './RewardModelTable';

const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '–');
const rateText = (r: RateWithInterval) => `${pct(r.rate, 0)} [${pct(r.lo, 0)}, ${pct(r.hi, 0)}]`;

/** A win rate as a bar with its interval and the 50% line (decoration: the cell's text says it). */
function RateBar({ r }: { r: RateWithInterval }) {
  const x = (v: number) => 2 + 96 * Math.min(1, Math.max(0, v));
  return (
    <svg
      className="pol-bar"
      viewBox="0 0 100 12"
      width="100"
      height="12"
      aria-hidden="true"
      focusable="false"
    >
      <rect x="2" y="3" width="96" height="6" className="pol-bar__track" />
      <rect x="2" y="3" width={Math.max(0, x(r.rate) - 2)} height="6" className="pol-bar__fill" />
      <line x1={x(r.lo)} x2={x(r.hi)} y1="6" y2="6" className="pol-bar__ci" />
      <line x1={x(r.lo)} x2={x(r.lo)} y1="2" y2="10" className="pol-bar__ci" />
      <line x1={x(r.hi)} x2={x(r.hi)} y1="2" y2="10" className="pol-bar__ci" />
      <line x1="50" x2="50" y1="0" y2="12" className="pol-bar__half" />
    </svg>
  );
}

function TruthTable({ record }: { record: PolicyRecord }) {
  const conf = pct(record.spec.eval.confidence, 0);
  const rows = record.arms.flatMap((a) => a.eval.map((e) => ({ a, e })));
  // Directional arms have no persona prompts: their verdicts are the directional judge's (below).
  if (rows.length === 0 && record.arms.length > 0 && record.arms.every((a) => a.directional))
    return <p className="muted">No persona prompts: a directional policy reads a direction, and its truth verdicts are under “moving the direction” below.</p>;
  if (rows.length === 0)
    return (
      <p className="muted">
        No arm has been judged yet: verdicts come as each arm finishes
        {record.status !== 'done' ? ' (resume the run under Saved policy runs)' : ''}.
      </p>
    );
  return (
    <div
      className="pol-table-wrap"
      tabIndex={0}
      role="region"
      aria-label="Truth judge results table"
    >
      <table className="pol-table" data-testid="policy-truth-table">
        <caption className="exp-visually-hidden">
          Truth judge: per arm and persona set, win rate against the base policy with {conf}{' '}
          intervals, per-persona spread, utility and KL to the base
        </caption>
        <thead>
          <tr>
            <th scope="col">Arm</th>
            <th scope="col">Personas</th>
            <th scope="col">Win rate vs base ({conf} interval)</th>
            <th scope="col">Per persona: median (IQR)</th>
            <th scope="col">vs Bayes-best</th>
            <th scope="col">Utility (base, best)</th>
            <th scope="col">Gap closed</th>
            <th scope="col">KL to base (nats)</th>
            <th scope="col">Invalid (base)</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ a, e }) => (
            <tr key={`${a.label}-${e.set}`} data-arm={a.label} data-set={e.set}>
              <th scope="row">
                {a.label}
                <span className="pol-sub">{a.method}</span>
              </th>
              <td>
                {e.set} ({e.personas}, {e.answers} answers)
              </td>
              <td className="pol-rate">
                <span data-testid="win-rate">{rateText(e.vsBase)}</span>
                <RateBar r={e.vsBase} />
              </td>
              <td>
                {pct(e.perPersonaVsBase.median, 0)} ({pct(e.perPersonaVsBase.q1, 0)}–
                {pct(e.perPersonaVsBase.q3, 0)})
              </td>
              <td>{rateText(e.vsBayes)}</td>
              <td>
                {num(e.meanUtility, 2)} ({num(e.baseUtility, 2)}, {num(e.bestUtility, 2)})
              </td>
              <td>{Number.isFinite(e.gapClosed) ? pct(e.gapClosed, 0) : '–'}</td>
              <td>{num(e.kl, 2)}</td>
              <td>
                {pct(e.invalidRate, 0)} ({pct(e.baseInvalidRate, 0)})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SkewTable({ record }: { record: PolicyRecord }) {
  if (record.skew.length === 0 && !record.data)
    return <p className="muted">Not known yet: the run stopped before it read its world.</p>;
  if (record.skew.length === 0) {
    return (
      <p className="muted" data-testid="policy-skew-empty">
        {record.data && record.data.skew.length > 0
          ? 'Minority against majority needs a conditional and a marginal arm of the same method that both finished.'
          : 'This world splits every axis about in half, so there is no minority: the “Conditional vs marginal DPO on a skewed world” preset compares minority and majority personas.'}
      </p>
    );
  }
  return (
    <div
      className="pol-table-wrap"
      tabIndex={0}
      role="region"
      aria-label="Minority against majority table"
    >
      <table className="pol-table" data-testid="policy-skew-table">
        <caption className="exp-visually-hidden">
          Per skewed axis: win rate of the conditional policy's answers over the marginal policy's,
          for minority and majority personas, and each policy's win rate against the base
        </caption>
        <thead>
          <tr>
            <th scope="col">Axis (minority pole, share)</th>
            <th scope="col">Conditional vs marginal</th>
            <th scope="col">Minority personas</th>
            <th scope="col">Majority personas</th>
            <th scope="col">Against the base: minority (conditional; marginal)</th>
            <th scope="col">Against the base: majority (conditional; marginal)</th>
          </tr>
        </thead>
        <tbody>
          {record.skew.map((s) => (
            <tr key={`${s.axis}-${s.conditional}`}>
              <th scope="row">
                {s.axis} ({s.minorityPole}, {pct(s.minorityShare, 0)})
              </th>
              <td>
                {s.conditional} vs {s.marginal}
              </td>
              <td className="pol-rate">
                {rateText(s.minority)} n={s.minority.n}
                <RateBar r={s.minority} />
              </td>
              <td className="pol-rate">
                {rateText(s.majority)} n={s.majority.n}
                <RateBar r={s.majority} />
              </td>
              <td data-testid="skew-vs-base-minority">{s.vsBase ? `${rateText(s.vsBase.conditional.minority)}; ${rateText(s.vsBase.marginal.minority)}` : '–'}</td>
              <td>{s.vsBase ? `${rateText(s.vsBase.conditional.majority)}; ${rateText(s.vsBase.marginal.majority)}` : '–'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Each arm in words with the reward model that trained or guided it, and the run's judges. */
function ArmsAndJudges({ record }: { record: PolicyRecord }) {
  const rm = record.judges.rewardModel;
  return (
    <>
      <ul className="pol-arms" data-testid="policy-arms">
        {record.arms.map((a, i) => {
          const gap = hackingGapText(a);
          const kind = record.spec.arms[i]?.method.kind;
          const offline = kind === 'roleplay' || kind === 'few-shot' ? 'none (no training)' : kind === 'dpo' ? 'none (offline DPO on preference pairs)' : 'not recorded';
          return (
            <li key={a.label} data-arm={a.label}>
              <strong>{a.label}</strong>: {a.method}; conditioning {a.conditioning}; training {a.training}; {a.status}.
              <br />
              <span data-testid="policy-arm-reward-model">
                Reward model: {a.rewardModel ?? offline}.
              </span>
              {gap && <span data-testid="policy-arm-hacking-gap"> Reward-hacking gap (RM − truth win rate vs base): {gap}.</span>}
              {a.personaDirections && (
                <span data-testid="policy-arm-persona-directions">
                  {' '}
                  Personas read as directions by {a.personaDirections.rewardModel === a.rewardModel ? 'that reward model' : `the ${a.personaDirections.rewardModel}`}; their signs agree with the planted tastes on {pct(a.personaDirections.tasteSignAgreement, 0)} of persona × objective; answers written at strength {a.personaDirections.strength}
                  {a.personaDirections.sharedWith ? `; written with the policy arm “${a.personaDirections.sharedWith}” trained (same method and training)` : ''}
                  {a.start ? `; trained on from the directional policy of “${a.start}”, its start and KL reference` : ''}.
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <p className="muted" data-testid="policy-judges">
        Judges: the truth (the built-in world's planted utility); {rm.status === 'ok' ? `a reward model (${rm.runId}, arm ${rm.arm})` : 'no reward model (none was named for the evaluation)'}; people, in the Compare view.
      </p>
    </>
  );
}

function FinalMetrics({ record }: { record: PolicyRecord }) {
  const trained = record.arms.filter((a) => Object.keys(a.final).length > 0);
  if (trained.length === 0) return null;
  // Each method's own names (DPO's rewards/*, PPO's and RLOO's objective/*, policy/*, loss/*); '–' where an arm does not log one.
  const TRL_METRICS = finalMetricColumns(trained.map((a) => a.final));
  return (
    <>
      <h4 className="pol-judge">Training (last logged metrics)</h4>
      <div
        className="pol-table-wrap"
        tabIndex={0}
        role="region"
        aria-label="Final training metrics table"
      >
        <table className="pol-table" data-testid="policy-final-metrics">
          <caption className="exp-visually-hidden">
            Last logged training metrics per arm, under TRL's names
          </caption>
          <thead>
            <tr>
              <th scope="col">Arm</th>
              <th scope="col">steps</th>
              {TRL_METRICS.map((m) => (
                <th scope="col" key={m}>
                  {m}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {trained.map((a) => (
              <tr key={a.label}>
                <th scope="row">{a.label}</th>
                <td>{a.final.steps ?? '–'}</td>
                {TRL_METRICS.map((m) => (
                  <td key={m}>{a.final[m] === undefined ? '–' : num(a.final[m])}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** "done", "cancelled", "failed"; a record left "running" by a closed tab reads "interrupted". */
export function policyStatusText(record: PolicyRecord, activeRunId: string | null): string {
  if (record.id === activeRunId) return 'running now';
  return record.status === 'running' ? 'interrupted (the tab closed while it ran)' : record.status;
}

export function PolicyResults({ record }: { record: PolicyRecord }) {
  const examples = record.arms.flatMap((a) => a.examples.map((x) => ({ arm: a.label, ...x })));
  return (
    <section className="panel" aria-labelledby="policy-results-title" data-testid="policy-results">
      <h3 id="policy-results-title" className="panel__title">
        Results: {record.name}
      </h3>
      <p className="muted">
        Seed {record.seed}, {record.backend.kind === 'webgpu' ? 'WebGPU' : 'CPU backend'},{' '}
        {policyStatusText(record, null)}. Base: {record.base ?? 'not loaded'}.
        {record.data &&
          ` World ${record.data.id}: ${record.data.personas} personas (${record.data.unseenPersonas} unseen); ${record.data.evalPrompts.seen} seen and ${record.data.evalPrompts.unseen} unseen prompts judged.`}
      </p>
      {record.error && <p className="exp-error">{record.error.message}</p>}
      <ArmsAndJudges record={record} />
      <h4 className="pol-judge">Judge: the truth (planted utility of the built-in world)</h4>
      <TruthTable record={record} />
      <h5 className="pol-subhead">Minority against majority personas</h5>
      <SkewTable record={record} />
      <h4 className="pol-judge">Judge: a reward model</h4>
      <p className="muted" data-testid="policy-rm-judge">
        {record.judges.rewardModel.status === 'ok'
          ? `${record.judges.rewardModel.description}.`
          : `No verdict (${record.judges.rewardModel.status}): ${record.judges.rewardModel.reason}.`}
      </p>
      <RewardModelTable record={record} />
      {record.arms.some((a) => a.eval.some((e) => e.optimizedRewardModel)) && (
        <>
          <h5 className="pol-subhead">The reward model each online arm optimized, on its own answers</h5>
          <p className="muted">Its labels or rewards trained the arm; a gap above the truth&apos;s win rate is reward hacking of this very training.</p>
          <RewardModelTable record={record} which="optimizedRewardModel" />
        </>
      )}
      <IterationResults record={record} />
      <DirectionalResults record={record} />
      <h4 className="pol-judge">Judge: people</h4>
      <p className="muted">
        Votes on these answers are collected in the <a href="#/compare">Compare view</a> (blind
        rating).
      </p>
      <FinalMetrics record={record} />
      {examples.length > 0 && (
        <details className="pol-examples">
          <summary>Read {examples.length} answers beside the base's</summary>
          <ul>
            {examples.map((x, i) => (
              <li key={i}>
                <p className="pol-sub">
                  {x.arm}, {x.set} persona {x.personaId}, question {x.questionId}
                </p>
                <p>
                  <strong>Policy:</strong> {x.policy}
                </p>
                <p>
                  <strong>Base:</strong> {x.base}
                </p>
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
