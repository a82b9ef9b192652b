// The GPU panel: which adapter the lab computes on (vendor, features, limits), or, without
// WebGPU, why and what happens instead (the CPU backend); and the CPU backend's threads.
import { useEffect, useState } from 'react';
import type { CpuThreads } from '../../protocol/gpu';
import { applyCpuThreads, savedCpuThreads, type ThreadsSetting } from '../../store/cpu-threads';
import { useGpuState, useLab } from '../../store/lab';
import { SelftestPanel } from './SelftestPanel';

/** Short labels for the reported limits; the WebGPU name is kept as a tooltip. */
const LIMIT_LABELS: Record<string, string> = {
  maxBufferSize: 'Largest buffer',
  maxStorageBufferBindingSize: 'Largest storage binding',
  maxStorageBuffersPerShaderStage: 'Storage buffers per stage',
  maxComputeWorkgroupStorageSize: 'Workgroup memory',
  maxComputeInvocationsPerWorkgroup: 'Threads per workgroup',
  maxComputeWorkgroupSizeX: 'Workgroup size x',
  maxComputeWorkgroupSizeY: 'Workgroup size y',
  maxComputeWorkgroupsPerDimension: 'Workgroups per dimension',
};

function formatLimit(value: number): string {
  if (value >= 1 << 30) return `${(value / (1 << 30)).toFixed(1)} GiB`;
  if (value >= 1 << 20) return `${(value / (1 << 20)).toFixed(0)} MiB`;
  if (value >= 1 << 10 && value % 1024 === 0) return `${value / 1024} KiB`;
  return String(value);
}

/** The CPU backend's threads, why it runs on fewer than asked (e.g. no shared memory), and the
 * setting (Auto: every core; saved, and sent to the runner when the panel first shows). */
function CpuThreadsLine({ cpu }: { cpu: CpuThreads | undefined }) {
  const [setting, setSetting] = useState<ThreadsSetting>(savedCpuThreads);
  useEffect(() => {
    if (cpu && setting !== cpu.requested) void applyCpuThreads(setting);
    // Only when the runner first answers: later changes go through onChange.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cpu === undefined]);
  if (!cpu) return null;
  const choices = Array.from({ length: Math.max(cpu.available, 1) }, (_, i) => i + 1);
  return (
    <div className="gpu-panel__cpu">
      <p className="muted" data-testid="cpu-threads">
        CPU backend: {cpu.threads} thread{cpu.threads === 1 ? '' : 's'} of {cpu.available} cores
        {cpu.reason ? ` (${cpu.reason})` : ''}
      </p>
      <label>
        CPU threads{' '}
        <select
          data-testid="cpu-threads-setting"
          value={String(setting)}
          onChange={(e) => {
            const v = e.currentTarget.value === 'auto' ? 'auto' : Number(e.currentTarget.value);
            setSetting(v);
            void applyCpuThreads(v);
          }}
        >
          <option value="auto">Auto (every core)</option>
          {choices.map((n) => (
            <option key={n} value={String(n)}>
              {n}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function GpuPanel() {
  const gpu = useGpuState();
  const checkGpu = useLab((s) => s.checkGpu);
  return (
    <section className="panel gpu-panel" aria-labelledby="gpu-panel-title" aria-live="polite" data-testid="gpu-panel">
      <h2 id="gpu-panel-title" className="panel__title">
        GPU
      </h2>
      {gpu.kind === 'checking' && <p className="muted">Looking for a WebGPU adapter…</p>}
      {gpu.kind === 'webgpu' && (
        <>
          <p className="gpu-panel__status">
            <span className="badge badge--ok">WebGPU</span>{' '}
            <strong data-testid="gpu-adapter">{gpu.report.summary}</strong>
          </p>
          {gpu.report.isFallbackAdapter && (
            <p className="muted">A software adapter: results are correct, training is slow. Keep models tiny.</p>
          )}
          <dl className="kv">
            <dt>Vendor</dt>
            <dd>{gpu.report.vendor || '—'}</dd>
            <dt>Architecture</dt>
            <dd>{gpu.report.architecture || '—'}</dd>
            {gpu.kernels && (
              <div className="kv__row">
                <dt title="Kernel variants this device runs (subgroups, shader-f16, vec4 loads, fused attention)">Kernels</dt>
                <dd data-testid="gpu-kernels">{gpu.kernels}</dd>
              </div>
            )}
            {Object.entries(gpu.report.limits).map(([name, value]) => (
              <div key={name} className="kv__row">
                <dt title={name}>{LIMIT_LABELS[name] ?? name}</dt>
                <dd>{formatLimit(value)}</dd>
              </div>
            ))}
          </dl>
          <details>
            <summary>Features ({gpu.report.features.length})</summary>
            <ul className="tags">
              {gpu.report.features.map((f) => (
                <li key={f} className="tag">
                  {f}
                </li>
              ))}
            </ul>
          </details>
          <CpuThreadsLine cpu={gpu.cpu} />
          <SelftestPanel />
        </>
      )}
      {gpu.kind === 'cpu' && (
        <div role="status" data-testid="gpu-unavailable">
          <p>
            <span className="badge badge--warn">CPU backend</span> WebGPU is not available here, so the lab computes on the
            CPU: everything works, more slowly.
          </p>
          <p className="muted">
            Why: {gpu.reason}
          </p>
          <CpuThreadsLine cpu={gpu.cpu} />
          <button type="button" className="button" onClick={() => void checkGpu()}>
            Try WebGPU again
          </button>
        </div>
      )}
    </section>
  );
}
