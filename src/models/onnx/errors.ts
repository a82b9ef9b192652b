// Typed errors of the ONNX model source. Each says what is wrong with which file and what to do;
// the UI and the CLI show the message as is.
import { ModelError } from '../errors';

/** The .onnx file ends inside a field: cut off by a failed download or copy. */
export class OnnxTruncatedError extends ModelError {
  override name = 'OnnxTruncatedError';
  constructor(
    readonly file: string,
    readonly bytes: number,
    detail: string,
  ) {
    super(`${file} is not a complete ONNX model (${bytes} bytes; ${detail}): the file was probably cut off while downloading or copying. Fetch it again.`);
  }
}

/** The graph is not a causal LM decoder with past key values in the transformers.js layout. */
export class NotAnOnnxDecoderError extends ModelError {
  override name = 'NotAnOnnxDecoderError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(
      `${file} is not a language-model decoder with past key values as transformers.js exports them (${detail}). ` +
        'Expected inputs input_ids, attention_mask, past_key_values.{i}.key/value (position_ids optional) and outputs logits, present.{i}.key/value: use a text-generation export such as onnx/model.onnx of an onnx-community model.',
    );
  }
}

/** The weights or the cache are not float32 (fp16, q4, q8 exports). */
export class OnnxDtypeError extends ModelError {
  override name = 'OnnxDtypeError';
  constructor(
    readonly file: string,
    readonly found: string,
  ) {
    super(
      `${file} holds ${found}: the ONNX source runs fp32 exports only (log-probs are compared against our engine's f32). ` +
        'Pick the fp32 file (onnx/model.onnx) of the same repository instead of model_fp16.onnx, model_q4.onnx or model_quantized.onnx.',
    );
  }
}

/** No .onnx file where the transformers.js layout puts it, or only variants we refuse. */
export class MissingOnnxFileError extends ModelError {
  override name = 'MissingOnnxFileError';
  constructor(
    readonly where: string,
    readonly found: readonly string[],
  ) {
    super(
      `${where} has no fp32 ONNX model (onnx/model.onnx or model.onnx)` +
        (found.length > 0 ? `; it has ${found.join(', ')}, which the ONNX source refuses (fp32 only).` : '.') +
        ' An ONNX model folder holds config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx.',
    );
  }
}

/** Too large for onnxruntime-web's WebAssembly heap (or the caller's budget). */
export class OnnxTooLargeError extends ModelError {
  override name = 'OnnxTooLargeError';
  constructor(
    readonly needBytes: number,
    readonly limitBytes: number,
    why: string,
  ) {
    super(`This ONNX model needs about ${gib(needBytes)} to run and ${why} allows ${gib(limitBytes)}: pick a smaller model.`);
  }
}

/** Weights in a separate .onnx_data file (models over 2 GB): not supported by this source. */
export class OnnxExternalDataError extends ModelError {
  override name = 'OnnxExternalDataError';
  constructor(
    readonly file: string,
    readonly locations: readonly string[],
  ) {
    super(`${file} keeps its weights in ${locations.join(', ')} (external data, used by models over 2 GB): the ONNX source loads single-file models only; pick a smaller model.`);
  }
}

function gib(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** config.json or tokenizer.json is not there. */
export class OnnxMissingFileError extends ModelError {
  override name = 'OnnxMissingFileError';
  constructor(
    readonly file: string,
    readonly where: string,
  ) {
    super(`No '${file}' in ${where}. An ONNX model in the transformers.js layout needs config.json, tokenizer.json (tokenizer_config.json is optional) and onnx/model.onnx.`);
  }
}
