// The Policies view (Stage 2): start from a preset or build a policy spec, train it in the worker
// (WebGPU or the CPU backend) with progress, time left and cancel, follow its TRL-named curves (each
// method's own: PolicyCurves),
// read its results per judge, and keep, resume and export the runs. The spec lives in the URL
// (#/policies?spec=...) so a link reproduces it.
import { useEffect } from 'react';
import type { CurvePoint } from '../../protocol/record';
import { usePolicies } from '../../store/policies';
import { curvesOf } from '../../store/worker-runs';
import { ViewHeader } from '../components/ViewHeader';
import { PolicyCurves } from '../policies/PolicyCurves';
import { PolicyPresetPicker } from '../policies/PolicyPresetPicker';
import { PolicyResults } from '../policies/PolicyResults';
import { PolicyRunList } from '../policies/PolicyRunList';
import { PolicyRunPanel } from '../policies/PolicyRunPanel';
import { PolicySpecBuilder } from '../policies/PolicySpecBuilder';
import '../experiments/experiments.css';
import '../policies/policies.css';

export function PoliciesView() {
  const loadPresets = usePolicies((s) => s.loadPresets);
  const loadFromHash = usePolicies((s) => s.loadFromHash);
  const refreshRecords = usePolicies((s) => s.refreshRecords);
  const check = usePolicies((s) => s.check);
  const run = usePolicies((s) => s.run);
  const records = usePolicies((s) => s.records);
  const shownId = usePolicies((s) => s.shown);

  // A shared link's spec wins over the first preset.
  useEffect(() => {
    void (async () => {
      const fromLink = await loadFromHash(location.hash);
      if (!fromLink) await loadPresets();
      else void loadPresets();
    })();
    void refreshRecords();
  }, [loadFromHash, loadPresets, refreshRecords]);

  // Keep the URL on the current valid spec, so copying the address shares it.
  useEffect(() => {
    if (check?.ok && location.hash.startsWith('#/policies') && location.hash !== check.hash)
      history.replaceState(null, '', check.hash);
  }, [check]);

  const saved = records.kind === 'ready' ? records.value : [];
  const shown = saved.find((r) => r.id === shownId) ?? null;
  // A saved run's curves when none is running (curvesOf: the arms that logged any).
  const curves: Record<string, CurvePoint[]> = run.kind === 'running' ? run.curves : curvesOf(shown ?? undefined);
  const anyCurve = Object.values(curves).some((c) => c.length > 0);
  return (
    <section aria-labelledby="view-title" data-view="policies" className="exp-view pol-view">
      <ViewHeader
        title="Policies"
        description="Train a policy that writes for each persona (DPO and its variants, iterative DPO, PPO and RLOO with a reward model, roleplay and few-shot baselines) and judge its answers against the base policy by the world's planted truth."
      />
      <div className="exp-grid">
        <div className="exp-grid__side">
          <PolicyRunPanel />
          <PolicyRunList />
          <PolicyPresetPicker />
        </div>
        <div className="exp-grid__main">
          <section className="panel" aria-labelledby="policy-training-title">
            <h3 id="policy-training-title" className="panel__title">
              Training curves
            </h3>
            {anyCurve ? (
              <PolicyCurves curves={curves} />
            ) : (
              <p className="muted" data-testid="policy-empty">
                {run.kind === 'running'
                  ? 'The first curve points come after the reference log-probs are computed and the first steps are logged.'
                  : shown && shown.status !== 'done'
                    ? `“${shown.name}” stopped before it logged a training step: resume it under Saved policy runs, or pick a preset and press Train policy.`
                    : shown
                      ? `“${shown.name}” trains nothing (its arms are baselines), so it has no curves: its verdicts are below.`
                      : "Nothing trained yet. Pick a preset (or edit the spec below) and press Train policy: its curves appear here as it trains, under TRL's metric names (DPO's loss and rewards/accuracies; PPO's and RLOO's objective/scores and objective/kl), and its win rates against the base below when it is judged. Then compare base and trained answers in the Compare view."}
              </p>
            )}
          </section>
          <PolicySpecBuilder />
        </div>
      </div>
      {/* Full width: the judges' tables have many columns. */}
      {shown && run.kind !== 'running' && <PolicyResults record={shown} />}
    </section>
  );
}
