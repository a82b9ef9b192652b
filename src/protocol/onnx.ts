// Plain data of the ONNX model source between the UI and the worker (src/worker/onnx-models.ts).

/** An ONNX model stored in the model cache, checked and ready for a spec to name. */
export interface OnnxModelView {
  /** The cache group, e.g. 'onnx:Qwen2.5-0.5B-Instruct': what model.onnx names in a spec. */
  group: string;
  /** The .onnx file's name as found (onnx/model.onnx, or model.onnx among picked files). */
  file: string;
  bytes: number;
  layers: number;
  vocabSize: number;
  contextLength: number;
  /** Estimated bytes to run it (weights, KV cache and logits at batch 8 x 512). */
  estimateBytes: number;
}

/** Where to download an ONNX model from: a hub repo (token optional) or a base URL. */
export type OnnxFetchRequest = { kind: 'hub'; repo: string; revision?: string; token?: string; endpoint?: string } | { kind: 'url'; baseUrl: string; token?: string };

export interface OnnxFetchProgressView {
  file: string;
  receivedBytes: number;
  totalBytes: number | null;
}

/** A pair for a cached ONNX model to judge by the likelihood method (src/models/reply-judge.ts). */
export interface OnnxJudgeRequest {
  /** The cache group, 'onnx:NAME'. */
  group: string;
  persona: string;
  question: string;
  answers: [string, string];
}

/** Its verdict: each answer's total log-probability as the model's reply, the likelier preferred. */
export interface OnnxJudgeView {
  preferred: 0 | 1 | 'tie';
  scores: [number, number];
  tokens: [number, number];
  /** The onnxruntime-web execution provider that ran it. */
  provider: 'wasm' | 'webgpu';
  /** The built-in model's export: how it read the persona first (its style line). */
  reading?: string;
}
