// `npm run bench -- --real-size`: SmolLM2-135M's shape (random weights; ../random-checkpoint,
// written into the folder when it is absent) on a backend: prefill tokens/s, generated tokens/s at
// batch 1 and 16 through generate() and its KV cache, and one LoRA training step's time and
// memory. Token counts are per backend (SwiftShader runs this model at about a token a second), and
// printed with the results. Every timed call follows an untimed warm-up of the same shapes
// (pipelines compile per shape on webgpu); times are the best of `reps` calls.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { backward } from '../../autograd';
import { openCheckpoint } from '../../models/checkpoint';
import { parameterCount } from '../../models/config';
import { generate } from '../../models/generate/generate';
import { folderFiles } from '../../models/io/node-files';
import { LlamaModel } from '../../models/llama/model';
import { LoraAdapter } from '../../models/lora/adapter';
import { DEFAULT_LORA } from '../../models/lora/config';
import { writeShapedCheckpoint } from '../random-checkpoint/write';
import { SPECIAL_TOKENS } from '../random-checkpoint/smollm2-shape';
import { tidy, type Backend } from '../../tensor';
import { setFewRowsPath } from '../../tensor/cpu/matmul-fast';
import { AdamW, crossEntropyLoss } from '../../train';
import { Rng } from '../../util/rng';

export interface RealSizeSizes {
  /** Prompt tokens of the prefill line (batch 1). */
  prefillTokens: number;
  /** Prompt tokens per row of the generation lines. */
  genPromptTokens: number;
  newTokens: number;
  batches: number[];
  /** LoRA step: one sequence of this many tokens. */
  trainTokens: number;
  /** Timed calls after the warm-up (the best is reported). */
  reps: number;
}

export const REAL_SIZE_DEFAULTS: Record<'cpu' | 'webgpu', RealSizeSizes> = {
  cpu: {
    prefillTokens: 128,
    genPromptTokens: 16,
    newTokens: 16,
    batches: [1, 16],
    trainTokens: 64,
    reps: 2,
  },
  webgpu: {
    prefillTokens: 32,
    genPromptTokens: 4,
    newTokens: 4,
    batches: [1, 16],
    trainTokens: 16,
    reps: 1,
  },
};

interface Timing {
  ms: number;
  cpuMs: number;
}

export interface RealSizeGeneration {
  batch: number;
  promptTokens: number;
  newTokens: number;
  ms: number;
  tokensPerSecond: number;
  tokensPerCpuSecond: number;
  /** Tokens after the first over the time they add to a one-token call (null: lost in noise). */
  decodeTokensPerSecond: number | null;
  /** cpu: the same calls with every product on the packed path (the few-rows path off), timed
   * in the same run: the before of src/tensor/cpu/matmul-rows.ts. */
  packed?: { ms: number; tokensPerSecond: number; tokensPerCpuSecond: number; decodeTokensPerSecond: number | null };
}

export interface RealSizeResult {
  backend: string;
  dir: string;
  parameters: number;
  sizes: RealSizeSizes;
  loadMs: number;
  prefill: { tokens: number; ms: number; tokensPerSecond: number; tokensPerCpuSecond: number };
  generation: RealSizeGeneration[];
  lora: {
    rank: number;
    targets: string[];
    tokens: number;
    bestMs: number;
    tokensPerSecond: number;
    loss: number;
    /** Backend tensor bytes before the step: the weights (and the adapter). */
    restingBytes: number;
    /** The largest of the backend's tensor bytes sampled after the forward, after the backward
     * (the step's intermediates still held) and after AdamW. */
    peakBytes: number;
    /** What peakBytes counts on this backend. */
    memorySource: string;
  };
  /** The process's peak resident set so far (getrusage maxrss): weights on the host included. */
  maxRssBytes: number;
}

/** Writes the checkpoint when `dir` has no config.json; returns whether it wrote. */
export async function ensureRealSizeCheckpoint(
  dir: string,
  log: (line: string) => void,
): Promise<boolean> {
  if (existsSync(resolve(dir, 'config.json'))) return false;
  log(`writing SmolLM2-135M-shaped checkpoint (random weights, bf16) to ${dir}`);
  const w = await writeShapedCheckpoint(resolve(dir));
  log(
    `  ${w.parameters.toLocaleString('en-US')} parameters, ${(w.bytes / 2 ** 20).toFixed(1)} MiB, ${(w.ms / 1000).toFixed(1)} s`,
  );
  return true;
}

async function timeIt(fn: () => Promise<void>): Promise<Timing> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** One warm-up, then the best wall and CPU time of `reps` calls. */
async function best(reps: number, fn: () => Promise<void>): Promise<Timing> {
  await fn();
  const out = { ms: Infinity, cpuMs: Infinity };
  for (let r = 0; r < reps; r++) {
    const t = await timeIt(fn);
    out.ms = Math.min(out.ms, t.ms);
    out.cpuMs = Math.min(out.cpuMs, t.cpuMs);
  }
  return out;
}

export async function benchRealSize(
  be: Backend,
  dir: string,
  sizes: RealSizeSizes,
  log: (line: string) => void,
): Promise<RealSizeResult> {
  const ck = await openCheckpoint(await folderFiles(resolve(dir)));
  const t0 = performance.now();
  const model = await LlamaModel.load(be, ck.config, ck.weights);
  be.flush();
  await be.sync();
  const loadMs = performance.now() - t0;
  const V = ck.config.vocabSize;
  const rng = new Rng(135);
  // Random ids past the special tokens: the prompts' text does not matter to the timing.
  const prompt = (n: number) =>
    Array.from({ length: n }, () => SPECIAL_TOKENS.length + rng.int(V - SPECIAL_TOKENS.length));
  const run = (prompts: number[][], n: number, seed: number) => async () => {
    const out = await generate(model, ck.tokenizer, prompts, {
      maxNewTokens: n,
      temperature: 1,
      seed,
      eosIds: [],
    });
    const made = out.reduce((s, g) => s + g.ids.length, 0);
    if (made !== prompts.length * n)
      throw new Error(`real-size bench: ${made} tokens made, expected ${prompts.length * n}`);
  };
  const s = sizes;
  log(
    `${be.name}: ${parameterCount(ck.config).toLocaleString('en-US')} parameters loaded in ${(loadMs / 1000).toFixed(1)} s; prefill ${s.prefillTokens} tokens, generation prompts of ${s.genPromptTokens} + ${s.newTokens} new at batch ${s.batches.join(' and ')}, LoRA step on 1 x ${s.trainTokens}, best of ${s.reps} after a warm-up`,
  );
  try {
    // Prefill: the prompt's forward through generate() (KV cache written) and its one sampled token.
    const p = await best(s.reps, run([prompt(s.prefillTokens)], 1, 1));
    const prefill = {
      tokens: s.prefillTokens,
      ms: p.ms,
      tokensPerSecond: s.prefillTokens / (p.ms / 1000),
      tokensPerCpuSecond: s.prefillTokens / (p.cpuMs / 1000),
    };
    log(
      `${be.name} prefill ${s.prefillTokens} tokens: ${p.ms.toFixed(0)} ms, ${prefill.tokensPerSecond.toFixed(1)} tokens/s (${prefill.tokensPerCpuSecond.toFixed(1)} per CPU-second)`,
    );

    const generation: RealSizeGeneration[] = [];
    for (const batch of s.batches) {
      const prompts = Array.from({ length: batch }, () => prompt(s.genPromptTokens));
      const rates = async () => {
        const first = await best(s.reps, run(prompts, 1, 2)); // prefill + first token: subtracted for the decode rate
        const all = await best(s.reps, run(prompts, s.newTokens, 3));
        const added = all.ms - first.ms;
        return {
          ms: all.ms,
          tokensPerSecond: (batch * s.newTokens) / (all.ms / 1000),
          tokensPerCpuSecond: (batch * s.newTokens) / (all.cpuMs / 1000),
          decodeTokensPerSecond: s.newTokens > 1 && added > all.ms / 10 ? (batch * (s.newTokens - 1)) / (added / 1000) : null,
        };
      };
      const g: RealSizeGeneration = { batch, promptTokens: s.genPromptTokens, newTokens: s.newTokens, ...(await rates()) };
      if (be.name === 'cpu') {
        const was = setFewRowsPath(false);
        try {
          g.packed = await rates();
        } finally {
          setFewRowsPath(was);
        }
      }
      generation.push(g);
      const decode =
        g.decodeTokensPerSecond === null
          ? ''
          : `; decoding ${g.decodeTokensPerSecond.toFixed(1)} tokens/s`;
      const packed = g.packed
        ? `; packed path ${g.packed.tokensPerSecond.toFixed(1)} tokens/s (${g.packed.tokensPerCpuSecond.toFixed(1)} per CPU-second), few rows / packed ${(g.tokensPerSecond / g.packed.tokensPerSecond).toFixed(2)}x`
        : '';
      log(
        `${be.name} generation batch ${batch}: ${batch} x ${s.newTokens} tokens in ${g.ms.toFixed(0)} ms, ${g.tokensPerSecond.toFixed(1)} tokens/s (${g.tokensPerCpuSecond.toFixed(1)} per CPU-second)${decode}${packed}`,
      );
    }

    const lora = await loraStep(be, model, s, rng);
    log(
      `${be.name} LoRA step (rank ${lora.rank}, ${lora.targets.join(', ')}; 1 x ${lora.tokens}): ${lora.bestMs.toFixed(0)} ms, ${lora.tokensPerSecond.toFixed(1)} tokens/s; peak ${(lora.peakBytes / 2 ** 20).toFixed(0)} MiB (${lora.memorySource}; ${(lora.restingBytes / 2 ** 20).toFixed(0)} MiB before the step)`,
    );
    const maxRssBytes = process.resourceUsage().maxRSS * 1024;
    return {
      backend: be.name,
      dir,
      parameters: parameterCount(ck.config),
      sizes: s,
      loadMs,
      prefill,
      generation,
      lora,
      maxRssBytes,
    };
  } finally {
    model.dispose();
  }
}

async function loraStep(
  be: Backend,
  model: LlamaModel,
  s: RealSizeSizes,
  rng: Rng,
): Promise<RealSizeResult['lora']> {
  const config = { ...DEFAULT_LORA };
  const adapter = LoraAdapter.create(be, model.config, config, rng.fork('lora'));
  const opt = new AdamW(adapter.parameters(), { lr: 1e-4, clipNorm: 1 });
  const T = s.trainTokens;
  const V = model.config.vocabSize;
  const ids = Int32Array.from({ length: T }, () => rng.int(V));
  const targets = Int32Array.from({ length: T }, (_, i) => (i + 1 < T ? ids[i + 1] : rng.int(V)));
  const restingBytes = be.memory().bytes;
  let peakBytes = restingBytes;
  const sample = () => (peakBytes = Math.max(peakBytes, be.memory().bytes));
  let loss = NaN;
  const step = async () => {
    const l = tidy(() => {
      const out = crossEntropyLoss(model.forward(ids, 1, T, { adapter }), targets);
      sample();
      backward(out);
      sample();
      return out;
    });
    opt.update()?.dispose();
    sample();
    be.flush();
    await be.sync();
    loss = await l.item();
    l.dispose();
  };
  try {
    const t = await best(s.reps, step);
    return {
      rank: config.rank,
      targets: [...config.targets],
      tokens: T,
      bestMs: t.ms,
      tokensPerSecond: T / (t.ms / 1000),
      loss,
      restingBytes,
      peakBytes,
      memorySource:
        be.name === 'webgpu'
          ? 'GPU buffer bytes in use (the buffer pool)'
          : 'bytes of the typed arrays tensors hold',
    };
  } finally {
    opt.dispose();
    adapter.dispose();
  }
}

/** The table `npm run bench -- --real-size` prints, one block per backend. */
export function formatRealSize(results: readonly RealSizeResult[]): string {
  const lines = [
    "SmolLM2-135M's shape (random weights; generate() with its KV cache; temperature 1, no stop)",
  ];
  const f = (x: number | null) => (x === null ? '-' : x.toFixed(1));
  for (const r of results) {
    lines.push(
      `${r.backend}: load ${(r.loadMs / 1000).toFixed(1)} s; process peak RSS ${(r.maxRssBytes / 2 ** 20).toFixed(0)} MiB`,
    );
    lines.push(
      `  prefill, batch 1 x ${r.prefill.tokens} tokens         ${f(r.prefill.tokensPerSecond).padStart(8)} tokens/s  (${f(r.prefill.tokensPerCpuSecond)} per CPU-s)`,
    );
    for (const g of r.generation) {
      lines.push(
        `  generated, batch ${String(g.batch).padStart(2)} (prompt ${g.promptTokens}, ${g.newTokens} new) ${f(g.tokensPerSecond).padStart(8)} tokens/s  (${f(g.tokensPerCpuSecond)} per CPU-s; decoding alone ${f(g.decodeTokensPerSecond)})`,
      );
      const p = g.packed;
      if (p) {
        lines.push(
          `    packed path, same run                  ${f(p.tokensPerSecond).padStart(8)} tokens/s  (${f(p.tokensPerCpuSecond)} per CPU-s; decoding alone ${f(p.decodeTokensPerSecond)}); few rows / packed ${(g.tokensPerSecond / p.tokensPerSecond).toFixed(2)}x, per CPU-s ${(g.tokensPerCpuSecond / p.tokensPerCpuSecond).toFixed(2)}x`,
        );
      }
    }
    const l = r.lora;
    lines.push(
      `  LoRA step r${l.rank} ${l.targets.join('+')}, 1 x ${l.tokens}  ${l.bestMs.toFixed(0).padStart(8)} ms      (${f(l.tokensPerSecond)} tokens/s; loss ${l.loss.toFixed(3)})`,
    );
    lines.push(
      `  LoRA step peak memory ${(l.peakBytes / 2 ** 20).toFixed(0)} MiB, ${(l.restingBytes / 2 ** 20).toFixed(0)} MiB before the step (${l.memorySource})`,
    );
  }
  return lines.join('\n');
}
