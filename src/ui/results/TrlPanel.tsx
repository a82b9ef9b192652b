// Results: scale-out to TRL and back. Per shown run an "Export to TRL (.zip)" button (the dataset,
// train.py, accelerate configs and README of `export trl`), and a TRL run's trainer_state.json
// added as curves beside the shown runs' own training curves (loss and rewards/accuracies, TRL's
// names in both). Added TRL curves live in this view's memory only.
import { useState } from 'react';
import { errorText } from '../../protocol/error-text';
import { runner } from '../../protocol/client';
import type { CurvePoint, RunRecord } from '../../protocol/record';
import type { TrlCurves } from '../../protocol/trl';
import { LiveChart } from '../experiments/LiveChart';

function downloadBytes(name: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

const trains = (r: RunRecord) => r.spec.arms.some((a) => a.method.kind === 'reward-model');

/**
 * "Export to TRL (.zip)" for one saved run; `kind` 'policy' for a policy run (the Policies view may
 * use it too). `trainable` false disables it, saying why.
 */
export function TrlExportButton({
  runId,
  kind = 'experiment',
  label = 'Export to TRL (.zip)',
  hiddenName,
  small = false,
  trainable = true,
  onError,
}: {
  runId: string;
  kind?: 'experiment' | 'policy';
  label?: string;
  /** Read by screen readers after the label (which run), as the other row buttons do. */
  hiddenName?: string;
  small?: boolean;
  trainable?: boolean;
  onError: (message: string | null) => void;
}) {
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    onError(null);
    try {
      downloadBytes(`${runId}-trl.zip`, await runner().exportTrl(runId, kind));
    } catch (e) {
      onError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={small ? 'button button--ghost button--small' : 'button'} disabled={busy || !trainable} title={trainable ? undefined : 'This run has no arm TRL can train (reward-model or DPO)'} onClick={() => void run()}>
      {busy ? 'Preparing…' : label}
      {hiddenName && <span className="exp-visually-hidden"> {hiddenName}</span>}
    </button>
  );
}

export function TrlPanel({ records }: { records: RunRecord[] }) {
  const [error, setError] = useState<string | null>(null);
  const [added, setAdded] = useState<{ name: string; curves: TrlCurves }[]>([]);
  const addState = async (files: FileList | null) => {
    setError(null);
    for (const f of files ?? []) {
      try {
        const curves = await runner().trlCurves(await f.text());
        setAdded((a) => [...a.filter((x) => x.name !== f.name), { name: f.name, curves }]);
      } catch (e) {
        setError(`${f.name}: ${errorText(e)}`);
      }
    }
  };
  const curves: Record<string, CurvePoint[]> = {};
  for (const r of records) for (const a of r.arms) if (a.curve.length) curves[records.length > 1 ? `${r.name} · ${a.label}` : a.label] = a.curve;
  for (const t of added) curves[`TRL: ${t.name}`] = t.curves.train;
  return (
    <section className="panel" aria-labelledby="trl-title" data-testid="trl-panel">
      <h3 id="trl-title" className="panel__title">
        Scale out with TRL
      </h3>
      <p className="muted">Export a run as a TRL project (its pairs with the same split and persona ids, a RewardTrainer script with its hyper-parameters, accelerate configs, a README), train it on a GPU cluster, and add the trainer_state.json it writes to see its curves here.</p>
      <div className="results-runs__actions">
        {records.map((r) => (
          <TrlExportButton key={r.id} runId={r.id} label={`Export ${records.length > 1 ? `${r.name} ` : ''}to TRL (.zip)`} trainable={trains(r)} onError={setError} />
        ))}
        <label className="button">
          Add TRL curves (trainer_state.json)
          <input type="file" accept=".json,application/json" multiple className="exp-visually-hidden" onChange={(e) => void addState(e.currentTarget.files)} data-testid="trl-state-input" />
        </label>
      </div>
      {error && (
        <p className="exp-error" role="alert">
          {error}
        </p>
      )}
      {added.length > 0 && (
        <ul className="muted">
          {added.map((t) => (
            <li key={t.name}>
              TRL: {t.name}: {t.curves.train.length} logged steps{t.curves.eval.length ? `, ${t.curves.eval.length} evaluations` : ''}
              {t.curves.final.train_loss !== undefined ? `; train_loss ${t.curves.final.train_loss.toFixed(4)}` : ''}{' '}
              <button type="button" className="button button--ghost button--small" onClick={() => setAdded((a) => a.filter((x) => x !== t))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      {Object.values(curves).some((c) => c.length > 0) && <LiveChart curves={curves} />}
    </section>
  );
}
