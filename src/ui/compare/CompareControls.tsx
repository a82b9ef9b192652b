// What to compare: an instruction of the built-in dataset, two of its personas, and the sampling
// settings (seed, temperature, top-p, answer length); Generate and Stop.
import { useId } from 'react';
import type { CompareCatalog } from '../../protocol/models';
import { useCompare, useCompareRun, useCompareSettings, useModelState } from '../../store/compare';

export function CompareControls({ catalog }: { catalog: CompareCatalog }) {
  const instructionId = useCompare((s) => s.instructionId);
  const personaIds = useCompare((s) => s.personaIds);
  const settings = useCompareSettings();
  const run = useCompareRun();
  const model = useModelState();
  const { setInstruction, setPersona, setSettings, shufflePersonas, generate, stop } = useCompare.getState();
  const ids = { q: useId(), a: useId(), b: useId(), seed: useId(), temp: useId(), topP: useId(), len: useId() };
  const topics = [...new Set(catalog.instructions.map((q) => q.topic))];
  const running = run.kind === 'running';
  const canRun = model.kind === 'ready' && !running && personaIds[0] !== '' && personaIds[1] !== '' && instructionId !== '';

  const personaSelect = (column: 0 | 1, id: string, label: string) => (
    <div className="compare-field compare-field--persona">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={personaIds[column]} onChange={(e) => setPersona(column, e.target.value)} disabled={running}>
        {catalog.personas.map((p) => (
          <option key={p.id} value={p.id}>
            {p.label}
          </option>
        ))}
      </select>
    </div>
  );

  const numberField = (id: string, label: string, value: number, patch: (v: number) => void, attrs: { min: number; max: number; step: number }) => (
    <div className="compare-field compare-field--number">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        value={value}
        {...attrs}
        disabled={running}
        onChange={(e) => {
          const v = e.target.valueAsNumber;
          if (Number.isFinite(v) && v >= attrs.min && v <= attrs.max) patch(v);
        }}
      />
    </div>
  );

  return (
    <form
      className="panel compare-controls"
      aria-label="Comparison settings"
      onSubmit={(e) => {
        e.preventDefault();
        if (canRun) void generate();
      }}
    >
      <div className="compare-field compare-field--wide">
        <label htmlFor={ids.q}>Instruction</label>
        <select id={ids.q} value={instructionId} onChange={(e) => setInstruction(e.target.value)} disabled={running}>
          {topics.map((t) => (
            <optgroup key={t} label={t}>
              {catalog.instructions
                .filter((q) => q.topic === t)
                .map((q) => (
                  <option key={q.id} value={q.id}>
                    {q.text}
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      </div>
      <div className="compare-controls__row">
        {personaSelect(0, ids.a, 'Persona A')}
        {personaSelect(1, ids.b, 'Persona B')}
        <button type="button" className="button button--ghost compare-controls__shuffle" onClick={shufflePersonas} disabled={running}>
          Random pair
        </button>
      </div>
      <div className="compare-controls__row">
        {numberField(ids.seed, 'Seed', settings.seed, (v) => setSettings({ seed: Math.round(v) }), { min: 0, max: 2 ** 32 - 1, step: 1 })}
        {numberField(ids.temp, 'Temperature', settings.temperature, (v) => setSettings({ temperature: v }), { min: 0, max: 2, step: 0.1 })}
        {numberField(ids.topP, 'Top-p', settings.topP, (v) => setSettings({ topP: v }), { min: 0.05, max: 1, step: 0.05 })}
        {numberField(ids.len, 'Max tokens', settings.maxNewTokens, (v) => setSettings({ maxNewTokens: Math.round(v) }), { min: 1, max: 512, step: 1 })}
        <div className="compare-controls__buttons">
          <button type="submit" className="button" disabled={!canRun}>
            Generate
          </button>
          {running && (
            <button type="button" className="button button--ghost" onClick={() => void stop()}>
              Stop
            </button>
          )}
        </div>
      </div>
      <p className="muted compare-controls__hint">Temperature 0 is greedy. Both answers are sampled in one batch from the same seed.</p>
    </form>
  );
}
