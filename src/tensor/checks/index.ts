// The kernel-check registry: each check (./<op>.ts) compares a WebGPU kernel with its CPU reference
// on seeded random inputs at several sizes (including non-multiples of the workgroup size) and
// extreme values. The same checks run in Node on Dawn (tests/gpu) and in the browser (the GPU
// panel's self-test, in the runner worker: src/worker/selftest.ts). Types: ./types.ts.
import { adamwCheck } from './adamw';
import { attentionCheck } from './attention';
import { attentionDecodeCheck } from './attention-decode';
import { binaryCheck } from './binary';
import { crossEntropyCheck } from './cross-entropy';
import { embeddingCheck } from './embedding';
import { globalNormCheck } from './global-norm';
import { layernormCheck } from './layernorm';
import { matmulCheck } from './matmul';
import { reduceCheck } from './reduce';
import { rmsnormCheck } from './rmsnorm';
import { ropeCheck } from './rope';
import { saxpyCheck } from './saxpy';
import { softmaxCheck } from './softmax';
import { stridedCopyCheck } from './strided-copy';
import type { KernelCheck } from './types';
import { unaryCheck } from './unary';

export type { CheckOptions, CheckResult, KernelCheck } from './types';

/** Every check, in the order the self-test runs and lists them. */
export const KERNEL_CHECKS: KernelCheck[] = [
  saxpyCheck,
  matmulCheck,
  unaryCheck,
  binaryCheck,
  stridedCopyCheck,
  reduceCheck,
  softmaxCheck,
  rmsnormCheck,
  layernormCheck,
  ropeCheck,
  attentionCheck,
  attentionDecodeCheck,
  embeddingCheck,
  crossEntropyCheck,
  globalNormCheck,
  adamwCheck,
];
