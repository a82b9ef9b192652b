// Where a run computes, for every run panel (Experiments, Policies): Auto, WebGPU or the CPU, and
// when one is forced, the adapter it means on this machine. Auto's reasons are the caller's note.
import type { BackendChoice } from '../../protocol/spec';
import { useGpuState } from '../../store/lab';

interface Props {
  /** The select's id (its label points at it) and the test id of the "where" line. */
  id: string;
  whereTestId: string;
  backend: BackendChoice;
  disabled: boolean;
  onChange: (choice: BackendChoice) => void;
}

export function BackendSelect({ id, whereTestId, backend, disabled, onChange }: Props) {
  const gpu = useGpuState();
  const where = backend === 'cpu' ? 'CPU backend' : gpu.kind === 'webgpu' ? `WebGPU: ${gpu.report.summary}` : gpu.kind === 'cpu' ? 'CPU backend (no WebGPU here)' : 'looking for WebGPU…';
  return (
    <div className="exp-row">
      <div className="exp-field">
        <label htmlFor={id}>Backend</label>
        <select id={id} value={backend} disabled={disabled} onChange={(e) => onChange(e.currentTarget.value as BackendChoice)}>
          <option value="auto">Auto (the faster one here)</option>
          <option value="webgpu">WebGPU</option>
          <option value="cpu">CPU</option>
        </select>
      </div>
      {backend !== 'auto' && (
        <p className="exp-run__where" data-testid={whereTestId}>
          {where}
        </p>
      )}
    </div>
  );
}
