// "Auto" in the runner worker: this machine's calibration (measured once, then read from the
// cache until the adapter, CPU or app version changes, or the user asks to measure again) and the
// backend it advises for a spec.
import type { BackendAdvice, Calibration } from '../protocol/backend';
import { calibrate, calibrationKey, type GpuForCalibration } from '../experiments/calibration/calibrate';
import { cachedCalibration, keepCalibration } from '../experiments/calibration/cache';
import { chooseBackend } from '../experiments/calibration/choose';
import { parseSpec } from '../experiments/spec/validate';
import { APP_VERSION } from '../experiments/version';
import { createBackend } from '../tensor';
import { runnerGpu } from './gpu-status';

let current: Promise<{ calibration: Calibration; cached: boolean }> | null = null;

async function measureOrRead(remeasure: boolean): Promise<{ calibration: Calibration; cached: boolean }> {
  let gpu: GpuForCalibration;
  try {
    const ctx = await runnerGpu();
    gpu = { backend: await createBackend('webgpu', ctx), adapter: ctx.report.summary, software: ctx.report.isFallbackAdapter };
  } catch (e) {
    gpu = { error: e instanceof Error ? e.message : String(e) };
  }
  const key = calibrationKey('adapter' in gpu ? gpu.adapter : null, globalThis.navigator?.hardwareConcurrency ?? 1, APP_VERSION);
  if (!remeasure) {
    const hit = await cachedCalibration(key);
    if (hit) return { calibration: hit, cached: true };
  }
  const calibration = await calibrate(await createBackend('cpu'), gpu, key);
  await keepCalibration(calibration);
  return { calibration, cached: false };
}

/** The calibration, shared by every caller while one is measured. */
export function backendCalibration(remeasure = false): Promise<{ calibration: Calibration; cached: boolean }> {
  if (current && !remeasure) return current;
  const next = measureOrRead(remeasure);
  current = next;
  next.catch(() => {
    if (current === next) current = null;
  });
  return next;
}

/** The backend Auto runs `spec` on, with the reason (throws SpecError for an invalid spec). */
export async function backendAdvice(spec: unknown, remeasure = false): Promise<BackendAdvice> {
  const parsed = parseSpec(spec);
  const { calibration, cached } = await backendCalibration(remeasure);
  return chooseBackend(parsed, calibration, cached);
}
