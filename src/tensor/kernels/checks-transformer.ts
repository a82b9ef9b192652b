// The transformer kernels' checks, in one list that ../checks.ts appends to KERNEL_CHECKS.
import type { KernelCheck } from '../checks';
import { layernormCheck } from './layernorm-check';
import { rmsnormCheck } from './rmsnorm-check';
import { ropeCheck } from './rope-check';
import { attentionCheck } from './attention-check';
import { embeddingCheck } from './embedding-check';
import { crossEntropyCheck } from './cross-entropy-check';
import { adamwCheck, globalNormCheck } from './optimizer-check';

export const TRANSFORMER_CHECKS: KernelCheck[] = [rmsnormCheck, layernormCheck, ropeCheck, attentionCheck, embeddingCheck, crossEntropyCheck, globalNormCheck, adamwCheck];
