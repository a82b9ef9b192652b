// The external judge's settings: on/off (off by default), who judges (an endpoint, or a cached ONNX
// model: OnnxJudgeFields), base URL, model and key. The key field
// writes to this browser's localStorage only (never the store's state, exports or links); the form
// shows only whether one is stored.
import { useId, useState } from 'react';
import { useExternalJudge, useJudgeSettings, type JudgeSettings } from '../../store/judge/store';
import { OnnxJudgeFields } from './OnnxJudgeFields';

export function JudgeSettingsForm() {
  const settings = useJudgeSettings();
  const hasKey = useExternalJudge((s) => s.hasKey);
  const setSettings = useExternalJudge((s) => s.setSettings);
  const setKey = useExternalJudge((s) => s.setKey);
  const [key, setKeyDraft] = useState('');
  const id = useId();
  return (
    <form
      className="judge-settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (key) setKey(key);
        setKeyDraft('');
      }}
    >
      <label className="judge-settings__check">
        <input type="checkbox" checked={settings.enabled} onChange={(e) => setSettings({ enabled: e.target.checked })} data-testid="judge-enabled" />
        Use an external judge
      </label>
      <label htmlFor={`${id}-source`}>Who judges</label>
      <select id={`${id}-source`} value={settings.source} onChange={(e) => setSettings({ source: e.target.value as JudgeSettings['source'] })} data-testid="judge-source">
        <option value="endpoint">an OpenAI-compatible endpoint</option>
        <option value="onnx">a cached ONNX model, in this browser</option>
      </select>
      {settings.source === 'onnx' ? (
        <OnnxJudgeFields id={id} />
      ) : (
        <>
          <label htmlFor={`${id}-url`}>Base URL</label>
          <input id={`${id}-url`} type="url" value={settings.baseUrl} onChange={(e) => setSettings({ baseUrl: e.target.value })} data-testid="judge-url" spellCheck={false} />
          <label htmlFor={`${id}-model`}>Model</label>
          <input id={`${id}-model`} type="text" value={settings.model} onChange={(e) => setSettings({ model: e.target.value })} data-testid="judge-model" spellCheck={false} />
          <label htmlFor={`${id}-method`}>How it decides</label>
          <select id={`${id}-method`} value={settings.method} onChange={(e) => setSettings({ method: e.target.value as JudgeSettings['method'] })} data-testid="judge-method">
            <option value="likelihood">likelihood of each answer as its reply (small models; cli serve)</option>
            <option value="letter">names A or B, asked in both orders (chat models)</option>
          </select>
          <label htmlFor={`${id}-key`}>API key</label>
          <div className="judge-settings__key">
            <input
              id={`${id}-key`}
              type="password"
              autoComplete="off"
              value={key}
              placeholder={hasKey ? 'a key is stored' : 'none (optional)'}
              onChange={(e) => setKeyDraft(e.target.value)}
              aria-describedby={`${id}-key-note`}
              data-testid="judge-key"
            />
            <button type="submit" className="button button--ghost" disabled={!key} data-testid="judge-key-save">
              Save key
            </button>
            {hasKey && (
              <button type="button" className="button button--ghost" onClick={() => setKey('')} data-testid="judge-key-forget">
                Forget key
              </button>
            )}
          </div>
          <p id={`${id}-key-note`} className="muted judge-settings__note">
            The key stays in this browser's storage only: it is sent to the base URL above as a Bearer header and never put in exports, share links, run records
            or logs.
          </p>
        </>
      )}
    </form>
  );
}
