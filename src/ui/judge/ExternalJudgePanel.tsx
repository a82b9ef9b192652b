// "Judge with external model": asks an OpenAI-compatible endpoint (e.g. `npm run cli -- serve`), or
// a cached ONNX model in this browser (store/judge/onnx-judge.ts, likelihood method),
// which answer each persona would prefer: each answer's likelihood as its reply, or a letter asked
// in both orders (disagreement is a tie); store/judge/openai-judge.ts. Off by
// default: its settings (base URL, model, key) sit in a disclosure here. Self-contained: the view
// that mounts it passes the pairs (see /work/notes/external-judge.md); state lives in
// src/store/judge/store.ts, and the key only in this browser's localStorage.
import { useState } from 'react';
import { judgeRecordsJson, useExternalJudge, useJudgeActivity, useJudgeQueue, useJudgeRecords, useJudgeSettings, type JudgeRecord, type JudgeRequest } from '../../store/judge/store';
import { JudgeSettingsForm } from './JudgeSettingsForm';
import './judge.css';

function verdictText(r: JudgeRecord): string {
  const v = r.verdict.preferred;
  if (v !== 'tie') return `${r.request.answerLabels[v]}`;
  return r.verdict.method === 'likelihood' ? 'Tie (equally likely)' : 'Tie (the two orders disagreed or named neither)';
}

/** The likelihood method's evidence: each answer's log-probability as the judge's reply, and its reading. */
function Scores({ r }: { r: JudgeRecord }) {
  const s = r.verdict.scores!;
  return (
    <details>
      <summary>{s.map((x, i) => `${r.request.answerLabels[i]}: ${x.toFixed(1)}`).join(' · ')}</summary>
      <p className="muted judge-panel__reply">Total log-probability of each answer as the judge's own reply (higher is likelier); no order is shown to it.</p>
      {r.verdict.reading && <p className="mono judge-panel__reply">Its reading of the persona: {r.verdict.reading}</p>}
    </details>
  );
}

function download(records: readonly JudgeRecord[]): void {
  const url = URL.createObjectURL(new Blob([judgeRecordsJson(records)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'persona-lab-external-judge.json';
  a.click();
  URL.revokeObjectURL(url);
}

export function ExternalJudgePanel({ requests }: { requests: readonly JudgeRequest[] }) {
  const settings = useJudgeSettings();
  const queue = useJudgeQueue();
  const records = useJudgeRecords();
  const activity = useJudgeActivity();
  const judge = useExternalJudge((s) => s.judge);
  const runQueue = useExternalJudge((s) => s.runQueue);
  const dropQueued = useExternalJudge((s) => s.dropQueued);
  const clearRecords = useExternalJudge((s) => s.clearRecords);
  const [open, setOpen] = useState(false);
  const failed = queue.find((q) => q.error);
  const busy = activity.kind === 'running';
  const shownIds = new Set(requests.map((r) => r.id));
  const shown = records.filter((r) => shownIds.has(r.request.id));

  return (
    <section className="panel judge-panel" aria-labelledby="judge-title" data-testid="external-judge">
      <h3 id="judge-title" className="panel__title">
        External judge
      </h3>
      {!settings.enabled ? (
        <p className="muted">
          Off. An external judge asks any OpenAI-compatible chat endpoint which answer each persona would prefer: by each answer&apos;s likelihood as its own
          reply (no order to favour), or by a letter asked in both orders (a disagreement counts as a tie). Start one on this computer with{' '}
          <code>npm run cli -- serve</code>, then turn it on in the settings. Or pick an ONNX model stored in this browser (Model → ONNX models) as the
          judge, in the settings: it judges by likelihood, here.
        </p>
      ) : (
        <>
          <div className="judge-panel__actions">
            <button type="button" className="button" disabled={busy || requests.length === 0} onClick={() => void judge(requests)} data-testid="judge-run">
              {settings.source === 'onnx' ? 'Judge with the ONNX model' : 'Judge with external model'}
            </button>
            {queue.length > 0 && (
              <button type="button" className="button button--ghost" disabled={busy} onClick={() => void runQueue()} data-testid="judge-retry">
                {failed ? 'Retry' : 'Judge'} {queue.length} queued
              </button>
            )}
            <span className="muted" data-testid="judge-who">
              {settings.source === 'onnx' ? `${settings.onnxModel || 'no ONNX model picked'} in this browser (onnxruntime-web)` : `${settings.model} at ${settings.baseUrl}`}
            </span>
          </div>
          {requests.length === 0 && <p className="muted">Generate answers first: the judge compares the two answers shown, for each persona.</p>}
          <p className="muted" role="status" aria-live="polite" data-testid="judge-status">
            {busy ? `Judging ${activity.done + 1} of ${activity.total}…${activity.note ? ` ${activity.note}` : ''}` : queue.length > 0 ? `${queue.length} pair(s) waiting to be judged.` : ''}
          </p>
          {failed?.error && (
            <div className="judge-panel__error" role="alert" data-testid="judge-error">
              <strong>The judge could not answer.</strong> {failed.error.message}
              <br />
              <span>Nothing is lost: the pairs stay queued until Retry succeeds.</span>
            </div>
          )}
          {queue.length > 0 && !busy && (
            <ul className="judge-panel__queue" aria-label="Pairs waiting for the judge">
              {queue.map((q) => (
                <li key={q.request.id}>
                  {q.request.personaLabel}: {q.request.answerLabels.join(' vs ')}{' '}
                  <button type="button" className="button button--ghost button--small" onClick={() => dropQueued(q.request.id)}>
                    Remove <span className="visually-hidden">{q.request.personaLabel} from the queue</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {shown.length > 0 && (
        <table className="table table--compact" data-testid="judge-verdicts">
          <caption className="visually-hidden">The external judge's verdicts</caption>
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Judge prefers</th>
              <th scope="col">Replies (A–B order, then B–A) or likelihoods</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={`${r.request.id}-${r.at}`}>
                <td>{r.request.personaLabel}</td>
                <td data-testid="judge-verdict">{verdictText(r)}</td>
                <td>
                  {r.verdict.scores ? (
                    <Scores r={r} />
                  ) : (
                  <details>
                    <summary>{r.verdict.orders.map((o) => (o.pick === null ? 'neither' : r.request.answerLabels[o.pick])).join(', then ')}</summary>
                    {r.verdict.orders.map((o, i) => (
                      <p key={i} className="mono judge-panel__reply">
                        {o.reply || '(empty)'} <span className="muted">({o.how === 'letter' ? 'named a letter' : o.how === 'closest' ? 'matched to the closer answer' : 'named neither'})</span>
                      </p>
                    ))}
                  </details>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {records.length > 0 && (
        <div className="judge-panel__actions">
          <button type="button" className="button button--ghost" onClick={() => download(records)} data-testid="judge-export">
            Export {records.length} verdict(s) as JSON
          </button>
          <button type="button" className="button button--ghost" onClick={clearRecords}>
            Clear verdicts
          </button>
        </div>
      )}
      <details className="judge-panel__settings" open={open} onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
        <summary>External judge settings</summary>
        {open && <JudgeSettingsForm />}
      </details>
    </section>
  );
}
