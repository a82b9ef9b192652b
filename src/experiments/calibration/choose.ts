// "Auto": which backend a spec runs faster on, from this machine's calibration, with the reason
// in words and numbers. Pure (the measuring is ./measure.ts, the cache the worker's).
import type { BackendAdvice, Calibration, Workload } from '../../protocol/backend';
import type { ExperimentSpec } from '../../protocol/spec';

/** Language-model arms are matmul-bound and dominate a run's time; features arms are small steps. */
export function workloadOf(spec: Pick<ExperimentSpec, 'arms'>): Workload {
  return spec.arms.some((a) => a.model.kind === 'lm') ? 'lm' : 'features';
}

function times(x: number): string {
  return x >= 10 ? `${Math.round(x)}×` : `${x.toFixed(1)}×`;
}

function ms(x: number): string {
  return x >= 10 ? `${Math.round(x)} ms` : `${x.toFixed(1)} ms`;
}

function gflops(x: number): string {
  return x >= 10 ? `${Math.round(x)} GFLOP/s` : `${x.toFixed(2)} GFLOP/s`;
}

export function chooseBackend(spec: Pick<ExperimentSpec, 'arms'>, cal: Calibration, cached: boolean): BackendAdvice {
  const workload = workloadOf(spec);
  const base = { workload, calibration: cal, cached };
  const gpu = cal.webgpu;
  if (!gpu) return { ...base, kind: 'cpu', reason: `No WebGPU here (${cal.webgpuError ?? 'no adapter'}): the CPU backend runs it.` };
  const where = `WebGPU (${cal.adapter ?? gpu.detail}${cal.softwareAdapter && !/software/i.test(cal.adapter ?? '') ? ', a software adapter' : ''})`;
  if (workload === 'features') {
    const cpuFaster = cal.cpu.stepMs <= gpu.stepMs;
    const ratio = cpuFaster ? gpu.stepMs / cal.cpu.stepMs : cal.cpu.stepMs / gpu.stepMs;
    const numbers = `A reward-model training step takes ${ms(cal.cpu.stepMs)} on the CPU backend and ${ms(gpu.stepMs)} on ${where}`;
    return cpuFaster
      ? { ...base, kind: 'cpu', reason: `${numbers}: the CPU is ${times(ratio)} faster for this spec's reward models.` }
      : { ...base, kind: 'webgpu', reason: `${numbers}: WebGPU is ${times(ratio)} faster for this spec's reward models.` };
  }
  const gpuFaster = gpu.matmulGflops > cal.cpu.matmulGflops;
  const ratio = gpuFaster ? gpu.matmulGflops / cal.cpu.matmulGflops : cal.cpu.matmulGflops / gpu.matmulGflops;
  const numbers = `Matrix products run at ${gflops(cal.cpu.matmulGflops)} on the CPU backend and ${gflops(gpu.matmulGflops)} on ${where}`;
  return gpuFaster
    ? { ...base, kind: 'webgpu', reason: `${numbers}: WebGPU is ${times(ratio)} faster for this spec's language model.` }
    : { ...base, kind: 'cpu', reason: `${numbers}: the CPU is ${times(ratio)} faster for this spec's language model.` };
}
