// Under the backend selector when it says "Auto": which backend Auto picks for this spec on this
// machine and why, with the calibration's numbers (both backends measured side by side once,
// then cached per adapter), and a button to measure again.
import { useEffect } from 'react';
import { useBackendAdvice, useExperiments, useSpecCheck } from '../../store/experiments';

/** "2026-12-03 18:04 UTC": the same text everywhere (no locale machinery, as ../format.ts). */
function measuredWhen(iso: string): string {
  return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(iso) ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : iso;
}

export function BackendAdviceNote({ disabled }: { disabled: boolean }) {
  const advice = useBackendAdvice();
  const check = useSpecCheck();
  const loadAdvice = useExperiments((s) => s.loadAdvice);
  // The advice depends on the spec's kind of work: ask again when the spec changes (the
  // calibration itself is measured once).
  const specHash = check?.ok ? check.hash : null;
  useEffect(() => {
    if (specHash && !disabled) void loadAdvice();
  }, [specHash, disabled, loadAdvice]);

  if (advice.kind === 'idle') return null;
  if (advice.kind === 'loading') {
    return (
      <p className="exp-advice muted" role="status" data-testid="backend-advice">
        Measuring both backends on this machine (a second or two)…
      </p>
    );
  }
  if (advice.kind === 'error') {
    return (
      <p className="exp-advice exp-error" data-testid="backend-advice">
        Auto could not measure the backends: {advice.message}
      </p>
    );
  }
  const a = advice.value;
  const c = a.calibration;
  return (
    <div className="exp-advice" data-testid="backend-advice">
      <p>
        <strong>Auto picks {a.kind === 'cpu' ? 'the CPU backend' : 'WebGPU'}.</strong> {a.reason}
      </p>
      <p className="muted">
        Measured {a.cached ? `${measuredWhen(c.measuredAt)} (kept for this adapter)` : `just now in ${c.seconds.toFixed(1)} s`}: CPU {c.cpu.stepMs.toFixed(1)} ms per step, {c.cpu.matmulGflops.toFixed(2)} GFLOP/s ({c.cpu.detail})
        {c.webgpu ? `; WebGPU ${c.webgpu.stepMs.toFixed(1)} ms per step, ${c.webgpu.matmulGflops.toFixed(2)} GFLOP/s.` : '; no WebGPU.'}{' '}
        <button type="button" className="button button--ghost button--small" disabled={disabled} onClick={() => void loadAdvice(true)}>
          Measure again
        </button>
      </p>
    </div>
  );
}
