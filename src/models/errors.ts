// Typed errors of the model layer: checkpoints (config, safetensors, downloads, cache) and
// tokenizers. Each names the file, field or tensor at fault and what the user can do; the UI shows
// the message as is, and callers catch by class.

export class ModelError extends Error {
  override name = 'ModelError';
}

// ---- config.json ----------------------------------------------------------------------------

/** config.json names an architecture we do not build (only Llama-family decoders are supported). */
export class UnsupportedArchitectureError extends ModelError {
  override name = 'UnsupportedArchitectureError';
  constructor(
    readonly architecture: string,
    readonly supported: readonly string[],
  ) {
    super(
      `config.json: architecture '${architecture}' is not supported. ` +
        `Supported: ${supported.join(', ')} (Llama-family decoders such as SmolLM2 or Qwen2.5).`,
    );
  }
}

/** config.json asks for an option we do not implement (rope_scaling kind, activation, ...). */
export class UnsupportedOptionError extends ModelError {
  override name = 'UnsupportedOptionError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`config.json: ${field} = ${JSON.stringify(value)} is not supported. ${detail}`);
  }
}

/** config.json lacks fields the architecture needs. */
export class MissingConfigFieldError extends ModelError {
  override name = 'MissingConfigFieldError';
  constructor(readonly fields: readonly string[]) {
    super(
      `config.json is missing required field${fields.length > 1 ? 's' : ''}: ${fields.join(', ')}. ` +
        'Is this the config.json of a Hugging Face causal language model?',
    );
  }
}

/** A config.json field has the wrong type or an impossible value. */
export class InvalidConfigFieldError extends ModelError {
  override name = 'InvalidConfigFieldError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    expected: string,
  ) {
    super(`config.json: ${field} = ${JSON.stringify(value)} is invalid; expected ${expected}.`);
  }
}

// ---- safetensors ----------------------------------------------------------------------------

export class SafetensorsError extends ModelError {
  override name = 'SafetensorsError';
}

/** The file is shorter than its header says: an interrupted download or copy. */
export class TruncatedFileError extends SafetensorsError {
  override name = 'TruncatedFileError';
  constructor(
    readonly file: string,
    readonly expectedBytes: number,
    readonly actualBytes: number,
  ) {
    super(
      `${file} is truncated: its header needs ${expectedBytes} bytes but the file has ${actualBytes}. ` +
        'Download it again (an interrupted download leaves a short file).',
    );
  }
}

/** The JSON header is missing, not JSON, or not shaped like a safetensors header. */
export class InvalidHeaderError extends SafetensorsError {
  override name = 'InvalidHeaderError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file} is not a valid safetensors file: ${detail}.`);
  }
}

/** A tensor's offsets disagree with its shape and dtype, overlap another tensor, or leave the data. */
export class TensorOffsetError extends SafetensorsError {
  override name = 'TensorOffsetError';
  constructor(
    readonly file: string,
    readonly tensor: string,
    detail: string,
  ) {
    super(`${file}: tensor '${tensor}' has bad data_offsets: ${detail}. The file is corrupt or was written wrongly.`);
  }
}

/** A tensor's dtype is one we cannot turn into f32 weights. */
export class UnsupportedDtypeError extends SafetensorsError {
  override name = 'UnsupportedDtypeError';
  constructor(
    readonly file: string,
    readonly tensor: string,
    readonly dtype: string,
    supported: readonly string[],
  ) {
    super(
      `${file}: tensor '${tensor}' has dtype ${dtype}, which is not supported (supported: ${supported.join(', ')}). ` +
        'Quantized checkpoints (GPTQ, AWQ, GGUF) cannot be loaded; use the F32/F16/BF16 release.',
    );
  }
}

/** model.safetensors.index.json is malformed or names a shard that is not there. */
export class ShardIndexError extends SafetensorsError {
  override name = 'ShardIndexError';
  constructor(detail: string) {
    super(`model.safetensors.index.json: ${detail}.`);
  }
}

/** The architecture needs a tensor the checkpoint does not have, or the shape differs. */
export class MissingTensorError extends SafetensorsError {
  override name = 'MissingTensorError';
  constructor(
    readonly tensor: string,
    detail = 'is not in the checkpoint',
  ) {
    super(`Tensor '${tensor}' ${detail}. Do config.json and the weights come from the same model?`);
  }
}

export class TensorShapeError extends SafetensorsError {
  override name = 'TensorShapeError';
  constructor(
    readonly tensor: string,
    readonly expected: readonly number[],
    readonly actual: readonly number[],
  ) {
    super(
      `Tensor '${tensor}' has shape [${actual.join(', ')}] but config.json implies [${expected.join(', ')}]. ` +
        'Do config.json and the weights come from the same model?',
    );
  }
}

// ---- memory ---------------------------------------------------------------------------------

/** The model cannot fit this adapter's buffer limits (or a memory budget the caller set). */
export class ModelTooLargeError extends ModelError {
  override name = 'ModelTooLargeError';
  constructor(
    readonly what: string,
    readonly requiredBytes: number,
    readonly limitBytes: number,
    readonly limitName: string,
  ) {
    super(
      `${what} needs ${formatBytes(requiredBytes)} but this adapter's ${limitName} is ${formatBytes(limitBytes)}. ` +
        'Pick a smaller model (e.g. SmolLM2-135M), or use a GPU with larger limits.',
    );
  }
}

// ---- downloads and cache --------------------------------------------------------------------

export class DownloadError extends ModelError {
  override name = 'DownloadError';
}

/** The server answered with an HTTP error status. */
export class HttpStatusError extends DownloadError {
  override name = 'HttpStatusError';
  constructor(
    readonly url: string,
    readonly status: number,
    readonly statusText: string,
  ) {
    super(`${url} answered ${status} ${statusText}. ${httpAdvice(status)}`);
  }
}

/** The connection failed mid-download and could not be resumed; nothing was cached. */
export class DownloadInterruptedError extends DownloadError {
  override name = 'DownloadInterruptedError';
  constructor(
    readonly url: string,
    readonly receivedBytes: number,
    readonly totalBytes: number | undefined,
    readonly attempts: number,
    cause: unknown,
  ) {
    super(
      `Downloading ${url} failed after ${formatBytes(receivedBytes)}` +
        `${totalBytes !== undefined ? ` of ${formatBytes(totalBytes)}` : ''} (${attempts} attempt${attempts > 1 ? 's' : ''}): ` +
        `${cause instanceof Error ? cause.message : String(cause)}. Nothing was cached; check the connection and retry.`,
      { cause },
    );
  }
}

/** The download was cancelled through its AbortSignal; nothing was cached. */
export class DownloadAbortedError extends DownloadError {
  override name = 'DownloadAbortedError';
  constructor(readonly url: string) {
    super(`Downloading ${url} was cancelled. Nothing was cached.`);
  }
}

/** A hub repo id or revision that cannot be right. */
export class InvalidRepoIdError extends DownloadError {
  override name = 'InvalidRepoIdError';
  constructor(readonly repo: string, detail: string) {
    super(`'${repo}' is not a valid Hugging Face repo id: ${detail} (expected 'owner/name', e.g. 'HuggingFaceTB/SmolLM2-135M-Instruct').`);
  }
}

/** A cached file is missing or incomplete (evicted by the browser, or cleared). */
export class CacheEntryError extends DownloadError {
  override name = 'CacheEntryError';
  constructor(readonly key: string, detail: string) {
    super(`Cached file '${key}' ${detail}. Delete it from the model cache and download it again.`);
  }
}

/** A checkpoint folder/file set lacks a file the model needs. */
export class MissingFileError extends ModelError {
  override name = 'MissingFileError';
  constructor(
    readonly file: string,
    readonly where: string,
  ) {
    super(`No '${file}' in ${where}. A Hugging Face checkpoint needs config.json, tokenizer.json and model.safetensors (or model.safetensors.index.json with its shards).`);
  }
}

// ---- tokenizer ------------------------------------------------------------------------------

export class TokenizerError extends ModelError {
  override name = 'TokenizerError';
}

/** tokenizer.json does not belong with config.json (ids beyond the embedding, unknown special ids). */
export class TokenizerMismatchError extends TokenizerError {
  override name = 'TokenizerMismatchError';
  constructor(detail: string) {
    super(`tokenizer.json does not match config.json: ${detail}. Use the tokenizer files from the same model repository.`);
  }
}

/** The tokenizer has no chat template, or rendering it failed. */
export class ChatTemplateError extends TokenizerError {
  override name = 'ChatTemplateError';
}

// ---- helpers --------------------------------------------------------------------------------

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 ? 2 : 1)} ${units[i]}`;
}

function httpAdvice(status: number): string {
  if (status === 401 || status === 403) return 'The repository may be gated or private: supply a Hugging Face access token.';
  if (status === 404) return 'Check the repo id, revision and file name.';
  if (status === 416) return 'The server refused the byte range; the download will restart from the beginning.';
  if (status === 429) return 'Too many requests: wait a minute and retry.';
  if (status >= 500) return 'The server had a problem: retry later.';
  return '';
}
