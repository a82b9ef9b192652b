// The Experiments view. Start from a preset or build a spec, run it in the worker (WebGPU or the
// CPU backend), follow progress and the live loss/accuracy curves, cancel; the spec lives in the
// URL so a link reproduces it.
import { useEffect } from 'react';
import type { CurvePoint } from '../../protocol/record';
import { useExperiments, useRunState, useSpecCheck } from '../../store/experiments';
import { useData } from '../../store/data';
import { ViewHeader } from '../components/ViewHeader';
import { InterruptedRuns } from '../experiments/InterruptedRuns';
import { LiveChart } from '../experiments/LiveChart';
import { PresetPicker } from '../experiments/PresetPicker';
import { RunPanel } from '../experiments/RunPanel';
import { SpecBuilder } from '../experiments/SpecBuilder';
import '../experiments/experiments.css';

/** At most this many curves are drawn (a 34-arm sweep would be unreadable). */
const MAX_CURVES = 6;

function shownCurves(curves: Record<string, CurvePoint[]>, current: string | undefined): Record<string, CurvePoint[]> {
  const labels = Object.keys(curves);
  if (labels.length <= MAX_CURVES) return curves;
  const keep = labels.slice(0, MAX_CURVES - 1);
  if (current && !keep.includes(current)) keep.push(current);
  return Object.fromEntries(keep.map((l) => [l, curves[l]]));
}

export function ExperimentsView() {
  const loadPresets = useExperiments((s) => s.loadPresets);
  const loadFromHash = useExperiments((s) => s.loadFromHash);
  const refreshDatasets = useData((s) => s.refresh);
  const refreshRecords = useExperiments((s) => s.refreshRecords);
  const check = useSpecCheck();
  const run = useRunState();

  // A shared link's spec wins over the default preset.
  useEffect(() => {
    void (async () => {
      const fromLink = await loadFromHash(location.hash);
      if (!fromLink) await loadPresets();
      else void loadPresets();
    })();
    void refreshDatasets();
    // Runs the last visit left unfinished are offered for resuming here.
    void refreshRecords();
  }, [loadFromHash, loadPresets, refreshDatasets, refreshRecords]);

  // Keep the URL on the current valid spec, so copying the address shares it.
  useEffect(() => {
    if (check?.ok && location.hash.startsWith('#/experiments') && location.hash !== check.hash) history.replaceState(null, '', check.hash);
  }, [check]);

  const curves = run.kind === 'running' || run.kind === 'finished' ? run.curves : {};
  const current = run.kind === 'running' ? run.progress?.armLabel : undefined;
  return (
    <section aria-labelledby="view-title" data-view="experiments" className="exp-view">
      <ViewHeader title="Experiments" description="Run roleplay and few-shot baselines, train persona-conditional reward models and personalized policies, and follow their progress." />
      <div className="exp-grid">
        <div className="exp-grid__side">
          <RunPanel />
          <InterruptedRuns />
          <PresetPicker />
        </div>
        <div className="exp-grid__main">
          <section className="panel" aria-labelledby="training-title">
            <h3 id="training-title" className="panel__title">
              Training
            </h3>
            <LiveChart curves={shownCurves(curves, current)} />
          </section>
          <SpecBuilder />
        </div>
      </div>
    </section>
  );
}
