// The judge's settings when a cached ONNX model judges: which one (the model cache's onnx:NAME
// entries, listed by the runner worker), and what it measures (the likelihood method only: an
// ONNX model's answers are scored, never generated, for a verdict).
import { useEffect, useState } from 'react';
import { runner } from '../../protocol/client';
import { useExternalJudge, useJudgeSettings } from '../../store/judge/store';

export function OnnxJudgeFields({ id }: { id: string }) {
  const settings = useJudgeSettings();
  const setSettings = useExternalJudge((s) => s.setSettings);
  const [models, setModels] = useState<{ id: string; label: string }[] | null>(null);
  useEffect(() => {
    let live = true;
    runner()
      .columnModels()
      .then((all) => live && setModels(all.filter((m) => m.id.startsWith('onnx:')).map((m) => ({ id: m.id, label: m.label }))))
      .catch(() => live && setModels([]));
    return () => {
      live = false;
    };
  }, []);
  return (
    <>
      <label htmlFor={`${id}-onnx`}>ONNX model</label>
      <select id={`${id}-onnx`} value={settings.onnxModel} onChange={(e) => setSettings({ onnxModel: e.target.value })} disabled={!models?.length} data-testid="judge-onnx-model">
        <option value="">{models === null ? 'Listing the model cache…' : models.length === 0 ? 'No ONNX model stored' : 'Pick one'}</option>
        {models?.map((m) => (
          <option key={m.id} value={m.id}>
            {m.label}
          </option>
        ))}
      </select>
      <p className="muted judge-settings__note">
        It judges by likelihood: each answer is scored alone as the model&apos;s own reply to the persona and the question, and the likelier one wins (no order
        is shown, so none is favoured). It runs on onnxruntime-web&apos;s WASM EP in this browser; nothing leaves it. Store ONNX models in Compare → Model →
        ONNX models.
      </p>
    </>
  );
}
