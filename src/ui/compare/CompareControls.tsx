// What to compare: an instruction of the built-in dataset, the columns (model or policy, persona;
// ColumnsEditor), and the sampling settings (seed, temperature, top-p, answer length); Generate
// and Stop. In blind rating, Generate makes rating pairs instead of showing labelled columns.
import { useId } from 'react';
import type { CompareCatalog } from '../../protocol/models';
import { useColumns, useColumnSpecs, useColumnsRun, useCompareMode } from '../../store/columns';
import { useCompare, useCompareSettings } from '../../store/compare';
import { ColumnsEditor } from './ColumnsEditor';

export function CompareControls({ catalog }: { catalog: CompareCatalog }) {
  const instructionId = useCompare((s) => s.instructionId);
  const settings = useCompareSettings();
  const run = useColumnsRun();
  const columns = useColumnSpecs();
  const mode = useCompareMode();
  const { setInstruction, setSettings } = useCompare.getState();
  const { generate, stop } = useColumns.getState();
  const ids = { q: useId(), seed: useId(), temp: useId(), topP: useId(), len: useId() };
  const topics = [...new Set(catalog.instructions.map((q) => q.topic))];
  const running = run.kind === 'running';
  const blind = mode === 'blind';
  const canRun = !running && instructionId !== '' && columns.length >= (blind ? 2 : 1);

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
        if (canRun) void generate(blind ? 'rate' : 'compare');
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
      <ColumnsEditor catalog={catalog} />
      <div className="compare-controls__row">
        {numberField(ids.seed, 'Seed', settings.seed, (v) => setSettings({ seed: Math.round(v) }), { min: 0, max: 2 ** 32 - 1, step: 1 })}
        {numberField(ids.temp, 'Temperature', settings.temperature, (v) => setSettings({ temperature: v }), { min: 0, max: 2, step: 0.1 })}
        {numberField(ids.topP, 'Top-p', settings.topP, (v) => setSettings({ topP: v }), { min: 0.05, max: 1, step: 0.05 })}
        {numberField(ids.len, 'Max tokens', settings.maxNewTokens, (v) => setSettings({ maxNewTokens: Math.round(v) }), { min: 1, max: 512, step: 1 })}
        <div className="compare-controls__buttons">
          <button type="submit" className="button" disabled={!canRun}>
            {blind ? 'Generate rating pairs' : 'Generate'}
          </button>
          {running && (
            <button type="button" className="button button--ghost" onClick={() => void stop()}>
              Stop
            </button>
          )}
        </div>
      </div>
      <p className="muted compare-controls__hint">
        {blind
          ? 'Each sample pairs every two columns, judged for the first column’s persona; the pairs are shown in a seeded order with the models hidden until you vote.'
          : 'Temperature 0 is greedy (then every sample of a column is the same). The columns of one model are sampled in one batch from the seed, each row its own stream.'}
      </p>
    </form>
  );
}
