// What "Auto" decided and why: the short calibration the runner measures on each backend of this
// machine (cached per adapter), and the advice for one spec. Plain, structured-cloneable data.

/** One backend's numbers from the calibration. */
export interface BackendTiming {
  /** Milliseconds per training step of a features reward model (the science presets' model;
   * batch 128, 16 dims): small steps where per-step overhead decides. Median of a few steps. */
  stepMs: number;
  /** Matmul throughput on a 256×256×256 product (GFLOP/s): what language-model arms need. */
  matmulGflops: number;
  /** In words: "WebAssembly SIMD matmul" / "JS matmul" (cpu), or the adapter (webgpu). */
  detail: string;
}

export interface Calibration {
  /** The cache key: adapter info, CPU threads, app version. */
  key: string;
  measuredAt: string;
  cpu: BackendTiming;
  /** Null when WebGPU is not available here (see webgpuError). */
  webgpu: BackendTiming | null;
  webgpuError?: string;
  /** The adapter's summary, e.g. "SwiftShader Device (Subzero) (software fallback)". */
  adapter: string | null;
  softwareAdapter: boolean;
  /** Wall time the calibration took. */
  seconds: number;
}

/** The work a spec is mostly made of, which decides the comparison. */
export type Workload = 'features' | 'lm';

export interface BackendAdvice {
  kind: 'cpu' | 'webgpu';
  workload: Workload;
  /** One sentence with the numbers, e.g. "CPU: 3.1 ms per training step, WebGPU: 95 ms (31× slower)". */
  reason: string;
  calibration: Calibration;
  /** True when the calibration came from the cache (not measured just now). */
  cached: boolean;
}
