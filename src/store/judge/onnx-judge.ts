// A cached ONNX model as the Compare view's judge: the pair goes to the runner worker, where the
// model (from this browser's model cache, run by onnxruntime-web) judges it by the likelihood
// method (models/reply-judge.ts: each answer scored alone as its reply; the likelier wins), and the
// worker's scores come back as the same JudgeVerdict an endpoint's likelihood judge gives.
import { runner } from '../../protocol/client';
import { JudgeConfigError, JudgeError, type JudgePair, type JudgeVerdict } from './openai-judge';

/** The ONNX model could not be loaded or run (deleted from the cache, too long a pair, an onnxruntime-web failure). */
export class OnnxJudgeError extends JudgeError {
  override name = 'OnnxJudgeError';
  override readonly kind = 'model';
}

/** Where an ONNX judge's verdicts say they came from (a record's endpoint.baseUrl). */
export const ONNX_JUDGE_WHERE = 'onnxruntime-web in this browser';

export async function judgeWithOnnx(group: string, pair: JudgePair): Promise<JudgeVerdict & { provider: 'wasm' | 'webgpu' }> {
  if (!group.trim()) throw new JudgeConfigError("pick the ONNX model to judge with in the judge's settings (models stored in Compare → Model → ONNX models)");
  let v;
  try {
    v = await runner().judgeWithOnnx({ group, persona: pair.persona, question: pair.question, answers: [pair.answers[0], pair.answers[1]] });
  } catch (e) {
    throw new OnnxJudgeError(`The ONNX model ${group} could not judge this pair: ${(e as Error).message}`);
  }
  return { preferred: v.preferred, orders: [], model: group, method: 'likelihood', scores: v.scores, provider: v.provider, ...(v.reading !== undefined ? { reading: v.reading } : {}) };
}
