// `model write-135m`: writes a checkpoint of SmolLM2-135M's shape with seeded random weights
// (src/cli/random-checkpoint) into a folder, for benchmarks at a real model's size
// (`npm run bench -- --real-size` writes it itself when its folder is absent). Never committed:
// the default folder is under bench-output/, which git ignores.
import { resolve } from 'node:path';
import { formatBytes } from '../../models/errors';
import { writeShapedCheckpoint, type WriteShapedOptions } from '../random-checkpoint/write';
import { parseFlags, UsageError, type CliCommand } from '../command';

export const DEFAULT_135M_DIR = 'bench-output/smollm2-135m-shape';

export const modelWrite135m: CliCommand = {
  path: ['model', 'write-135m'],
  summary:
    "Write a random-weight checkpoint of SmolLM2-135M's shape (Llama, 30 layers, C 576, V 49152)",
  usage: [
    `[DIR]                 the folder (default ${DEFAULT_135M_DIR})`,
    "--seed N (0)          the weights' seed    --dtype bf16|f32 (bf16, as SmolLM2 ships)",
    '--layers N --hidden N --heads N --kv-heads N --intermediate N --vocab N   a reduced shape',
  ],
  async run(args) {
    const { flags, rest } = parseFlags(args);
    if (rest.length > 1) throw new UsageError('give at most one folder');
    const int = (name: string): number | undefined => {
      const v = flags[name];
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n <= 0)
        throw new UsageError(`--${name} wants a positive integer, got "${String(v)}"`);
      return n;
    };
    const dtype = String(flags.dtype ?? 'bf16');
    if (dtype !== 'bf16' && dtype !== 'f32')
      throw new UsageError(`--dtype is bf16 or f32, not '${dtype}'`);
    const o: WriteShapedOptions = {
      dtype: dtype === 'bf16' ? 'BF16' : 'F32',
      seed: flags.seed === undefined ? 0 : Number(flags.seed),
      layers: int('layers'),
      hiddenSize: int('hidden'),
      heads: int('heads'),
      kvHeads: int('kv-heads'),
      intermediateSize: int('intermediate'),
      vocabSize: int('vocab'),
    };
    if (!Number.isInteger(o.seed)) throw new UsageError('--seed wants an integer');
    const w = await writeShapedCheckpoint(resolve(rest[0] ?? DEFAULT_135M_DIR), o);
    console.log(
      `wrote ${w.dir}: ${w.parameters.toLocaleString('en-US')} parameters, model.safetensors ${formatBytes(w.bytes)} (${dtype}), ${(w.ms / 1000).toFixed(1)} s`,
    );
    return 0;
  },
};
