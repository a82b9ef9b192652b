// The Models of preference view (issue 13): run an analysis preset in the worker (conditional
// fits with calibration, EM mixtures of Bradley–Terry types, multi-objective rewards with k-shot
// persona weights), follow its progress, and read its plots, each with a one-line reading and
// its table; runs are kept in IndexedDB and export as JSON/CSV. The engine is
// src/experiments/analysis (the CLI's `analysis run` computes the same record).
import { useEffect } from 'react';
import { useAnalysis, useShownAnalysis } from '../../store/analysis';
import { PresetList } from '../components/PresetList';
import { ViewHeader } from '../components/ViewHeader';
import { AnalysisResults } from '../models/AnalysisResults';
import { AnalysisRunList } from '../models/AnalysisRunList';
import { AnalysisRunPanel } from '../models/AnalysisRunPanel';
import '../experiments/experiments.css';
import '../policies/policies.css';
import '../models/models.css';

export function ModelsView() {
  const loadPresets = useAnalysis((s) => s.loadPresets);
  const refreshRuns = useAnalysis((s) => s.refreshRuns);
  const presets = useAnalysis((s) => s.presets);
  const preset = useAnalysis((s) => s.preset);
  const choose = useAnalysis((s) => s.choosePreset);
  const run = useAnalysis((s) => s.run);
  const shown = useShownAnalysis();

  useEffect(() => {
    void loadPresets();
    void refreshRuns();
  }, [loadPresets, refreshRuns]);

  const items = presets.kind === 'ready' ? { kind: 'ready' as const, value: presets.value.map((p) => ({ name: p.name, title: p.title, description: p.runnable ? p.description : `${p.description} ${p.why ?? ''}`, where: p.runnable ? undefined : 'cli' })) } : presets;
  return (
    <section aria-labelledby="view-title" data-view="models" className="exp-view pol-view mop-view">
      <ViewHeader
        title="Models of preference"
        description="Fit mathematical models of who prefers what: the preference given a persona's attributes (and how calibrated it is), latent preference types found by EM, and a multi-objective reward whose per-persona weights a new persona gets from a few comparisons — each held against the built-in world's planted truth."
      />
      <div className="exp-grid">
        <div className="exp-grid__side">
          <AnalysisRunPanel />
          <AnalysisRunList />
        </div>
        <div className="exp-grid__main">
          <PresetList group="analysis-presets" legend="Choose an analysis preset" presets={items} current={preset} onChoose={choose} />
        </div>
      </div>
      {shown && run.kind !== 'running' ? (
        <AnalysisResults run={shown} />
      ) : (
        <div className="empty-state mop-empty" data-testid="mop-empty">
          {run.kind === 'running' ? (
            <p>The plots appear here when the analysis finishes: every fit is needed for the first of them (held-out likelihood against the marginal fit).</p>
          ) : (
            <p>
              No analysis to show yet. Pick a preset (“Built-in world, tiny” answers in seconds; “Built-in world, seed 1” gives the issue's numbers in about an hour) and press
              <strong> Run analysis</strong>. Then read the conditional fits, the calibration, what each attribute tells, the latent types and the few-shot weights here; the same record
              comes from <code>npm run cli -- analysis run --preset NAME</code>.
            </p>
          )}
        </div>
      )}
    </section>
  );
}
