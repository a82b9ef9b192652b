// The calibration for "Auto": both backends measured side by side on the same workloads
// (./measure.ts), in one record with the cache key it is stored under.
import type { Calibration } from '../../protocol/backend';
import type { Backend } from '../../tensor';
import { calibrationData, measureBackend, type MeasureOptions } from './measure';

export type GpuForCalibration = { backend: Backend; adapter: string; software: boolean } | { error: string };

/** What the cache is keyed by: a different adapter, CPU or app version measures again. */
export function calibrationKey(adapter: string | null, cpuThreads: number, appVersion: string): string {
  return `${adapter ?? 'no-webgpu'}|threads ${cpuThreads}|app ${appVersion}`;
}

export async function calibrate(cpu: Backend, gpu: GpuForCalibration, key: string, o: MeasureOptions = {}): Promise<Calibration> {
  const t0 = performance.now();
  const data = await calibrationData();
  const cpuTiming = await measureBackend(cpu, data, null, o);
  const base = { key, measuredAt: new Date().toISOString(), cpu: cpuTiming };
  if ('error' in gpu) return { ...base, webgpu: null, webgpuError: gpu.error, adapter: null, softwareAdapter: false, seconds: (performance.now() - t0) / 1000 };
  let webgpu = null;
  let webgpuError: string | undefined;
  try {
    webgpu = await measureBackend(gpu.backend, data, gpu.adapter, o);
  } catch (e) {
    webgpuError = `WebGPU failed during the calibration: ${e instanceof Error ? e.message : String(e)}`;
  }
  const out: Calibration = { ...base, webgpu, adapter: gpu.adapter, softwareAdapter: gpu.software, seconds: (performance.now() - t0) / 1000 };
  if (webgpuError) out.webgpuError = webgpuError;
  return out;
}
