// Node only: the base policy a policy spec names, read from its folder — the persona-blind SFT
// policy (public/models/builtin-policy), the built-in persona-reading model (public/models/builtin)
// or any Llama/Qwen2 checkpoint folder — with Stage 1's folder loader (weights hash in its name).
// An ONNX base (kind "onnx") is not a checkpoint: the runner reads it through env.loadOnnx.
import type { PolicyBaseSpec } from '../../protocol/policy';
import type { Backend } from '../../tensor';
import { ModelUnavailableError, type LoadedLm } from '../lm/loaded';
import { DEFAULT_MODEL_DIR, folderLmLoader } from './load-lm';

export const BUILTIN_POLICY_DIR = 'public/models/builtin-policy';

export function policyBaseDir(base: PolicyBaseSpec): string {
  return base.kind === 'builtin-policy' ? BUILTIN_POLICY_DIR : base.kind === 'builtin' ? DEFAULT_MODEL_DIR : base.kind === 'onnx' ? base.onnx : base.path;
}

export function loadPolicyBaseNode(base: PolicyBaseSpec, backend: Backend): Promise<LoadedLm> {
  if (base.kind === 'onnx') throw new ModelUnavailableError(`base.onnx: ${base.onnx} is an ONNX model, which runs through the ONNX loader (nodeOnnxLoader), not as an engine checkpoint`);
  const dir = policyBaseDir(base);
  const name = base.kind === 'builtin-policy' ? 'persona-blind SFT policy' : base.kind === 'builtin' ? 'built-in persona-reading model' : dir;
  return folderLmLoader(dir, name)('builtin', backend);
}
