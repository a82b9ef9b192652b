// `bench` (also `npm run bench`): matmul GFLOP/s on the cpu backend and on WebGPU in Node (Dawn)
// and in headless Chromium, with side-by-side ratios against onnxruntime-web (WebGPU EP on the
// same adapter; WASM EP at the cpu backend's thread count), the cpu backend on its threads against
// one thread, against numpy's OpenBLAS sgemm and against the WASM SIMD multiply-add ceiling on one
// thread (../bench/cpu-peers.ts), a training step's tokens/s, and the built-in model's
// generated tokens/s at batch 1 and 16; with --real-size, SmolLM2-135M's shape (random weights) on
// the cpu backend and WebGPU (../bench/real-size.ts). Prints tables and writes JSON to bench-output/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { acquireGpu } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import type { MatmulVariant } from '../../tensor/kernels/matmul';
import { runCpuSuite, runWebgpuSuite, type SuiteOptions, type SuiteResult } from '../../bench/matmul-bench-suite';
import { runChromiumBench } from '../bench/chromium';
import { loadOrtWasm, loadOrtWebgpu } from '../bench/ort-node';
import { formatAdapters, formatRatios, formatTable, formatTrainSteps, targetsMet } from '../bench/report';
import { benchTrainStep, TRAIN_SIZES, type TrainStepResult } from '../bench/train-step';
import { benchGenerate, formatGeneration, type GenerateBenchResult } from '../bench/generate';
import { createBackend } from '../../tensor';
import { cpuThreadInfo, startCpuThreads } from '../../tensor/cpu/thread-pool';
import { setFewRowsPath } from '../../tensor/cpu/matmul-fast';
import { runCpuPeers } from '../bench/cpu-peers';
import { formatFewRows, runFewRowsBench, type FewRowsRow } from '../bench/few-rows';
import { benchRealSize, ensureRealSizeCheckpoint, formatRealSize, REAL_SIZE_DEFAULTS, type RealSizeResult } from '../bench/real-size';
import { DEFAULT_135M_DIR } from './model-write-135m';
import { attentionShapes, benchAttentionFusion, benchMatmulLoads, benchMatvec, formatVariantRatios, type VariantRatio } from '../bench/gpu-variants';
import { parseFlags, UsageError, type CliCommand } from '../command';

function sizeList(value: string | true | undefined, fallback: number[], flag: string): number[] {
  if (value === undefined) return fallback;
  if (value === true || value.trim() === '') return [];
  const out = value.split(',').map((s) => Number(s.trim()));
  if (out.some((n) => !Number.isInteger(n) || n <= 0)) throw new UsageError(`--${flag} wants sizes like 128,256,512, got "${value}"`);
  return out;
}

/** The machine's load when the cpu part starts (a shared machine's numbers need it). */
async function loadAverage(): Promise<string> {
  const { loadavg } = await import('node:os');
  return `; load average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`;
}

function positive(value: string | true | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${flag} wants a positive number, got "${String(value)}"`);
  return n;
}

export const bench: CliCommand = {
  path: ['bench'],
  summary: 'Benchmark matmul (cpu, WebGPU in Node and Chromium) against onnxruntime-web; training steps and generation',
  usage: [
    '--sizes 128,256,512,1024   square sizes (default)',
    '--ort 512,1024             sizes also run on onnxruntime-web for the ratio lines (default)',
    '--no-shapes                skip the transformer-shaped products',
    '--node-only                skip headless Chromium (e.g. on a GPU server)',
    '--no-cpu / --no-webgpu     skip the cpu backend / WebGPU in Node',
    '--variant tiled|direct     force one WGSL variant in Node (default: by adapter)',
    '--no-train                 skip the training-step tokens/s (Node), --train-steps N (default 3)',
    '--no-few-rows              skip the few-rows matmul (cpu) vs packed-path lines',
    '--no-variants              skip the kernel-variant lines (Node webgpu: vec4 / scalar matmul loads,',
    '                           matvec / the adapter kernel with subgroups, fused / unfused attention);',
    '                           --attention-t 64,128 (T of B1 H9 D64, default)',
    '--no-peers                 skip the numpy sgemm lines (cpu backend / native OpenBLAS; the lines',
    '                           against the WASM SIMD multiply-add ceiling stay)',
    '(global) --threads N|auto  the cpu backend\'s threads, also onnxruntime-web wasm\'s in Node',
    '--no-generate              skip the built-in model\'s generated tokens/s (Node, batch 1 and 16)',
    '--gen-tokens N             new tokens per row on cpu (default 64); --gen-webgpu-tokens N (default 8)',
    '--real-size                also SmolLM2-135M\'s shape (random weights): prefill, generation at batch 1',
    '                           and 16, a LoRA step\'s time and peak memory, on cpu and webgpu (minutes);',
    `                           --real-size-dir DIR (default ${DEFAULT_135M_DIR}, written when absent);`,
    '                           --real-size-only runs that section alone',
    '--reps N                   timed rounds per product (default 3), --budget MS per product',
    '--check                    exit 1 when a ratio misses its target',
    '--out FILE                 JSON path (default bench-output/bench-<time>.json)',
  ],
  async run(args) {
    const { flags } = parseFlags(args, ['node-only', 'no-shapes', 'no-cpu', 'no-webgpu', 'no-train', 'no-generate', 'no-peers', 'no-variants', 'check', 'real-size', 'real-size-only', 'no-few-rows']);
    const options: SuiteOptions = {
      sizes: sizeList(flags.sizes, [128, 256, 512, 1024], 'sizes'),
      ortSizes: sizeList(flags.ort, [512, 1024], 'ort'),
      transformerShapes: !flags['no-shapes'],
      reps: positive(flags.reps, 3, 'reps'),
      budgetMs: positive(flags.budget, 20_000, 'budget'),
      log: (line) => console.log(`  ${line}`),
    };
    const variant = flags.variant as MatmulVariant | undefined;
    if (variant !== undefined && variant !== 'tiled' && variant !== 'direct') throw new UsageError('--variant is tiled or direct');
    // Peers of the cpu backend at the --ort sizes that are also measured.
    const cpuOptions = { ...options, ortSizes: options.ortSizes.filter((n) => options.sizes.includes(n)) };
    const trainSteps = positive(flags['train-steps'], 3, 'train-steps');
    const suites: SuiteResult[] = [];
    const training: TrainStepResult[] = [];
    const generation: GenerateBenchResult[] = [];
    const variants: VariantRatio[] = [];
    const attentionTs = sizeList(flags['attention-t'], [64, 128], 'attention-t');
    const realSizeOnly = flags['real-size-only'] === true;
    const realSizeDir = typeof flags['real-size-dir'] === 'string' ? flags['real-size-dir'] : DEFAULT_135M_DIR;
    const realSize = realSizeOnly || flags['real-size'] === true || flags['real-size-dir'] !== undefined;
    const realSizes: RealSizeResult[] = [];
    const fewRows: FewRowsRow[] = [];
    const runRealSize = async (kind: 'cpu' | 'webgpu', be: Awaited<ReturnType<typeof createBackend>>) => {
      if (realSize) realSizes.push(await benchRealSize(be, realSizeDir, REAL_SIZE_DEFAULTS[kind], (line) => options.log!(`node ${line}`)));
    };
    if (realSize) await ensureRealSizeCheckpoint(realSizeDir, options.log!);
    const generate = async (kind: 'cpu' | 'webgpu', be: Awaited<ReturnType<typeof createBackend>>) => {
      if (flags['no-generate']) return;
      // SwiftShader makes a few tokens per second: the webgpu line stays short unless asked.
      const newTokens = kind === 'cpu' ? positive(flags['gen-tokens'], 64, 'gen-tokens') : positive(flags['gen-webgpu-tokens'], 8, 'gen-webgpu-tokens');
      // Batch 16 twice: 16 prompts, and 4 prompts x 4 samples (online methods' shape: shared prefill).
      for (const [batch, samplesPerPrompt] of [[1, 1], [16, 1], [16, 4]]) {
        const r = await benchGenerate(be, { batch, samplesPerPrompt, newTokens, reps: kind === 'cpu' ? 3 : 1 });
        const decode = r.decodeTokensPerSecond === null ? '' : `; decoding ${r.decodeTokensPerSecond.toFixed(0)} (${r.decodeTokensPerCpuSecond!.toFixed(0)})`;
        options.log!(`node ${kind} generation, built-in model, batch ${batch} (${samplesPerPrompt} per prompt): ${r.tokensPerSecond.toFixed(0)} tokens/s (${r.tokensPerCpuSecond.toFixed(0)} per CPU-second)${decode}`);
        generation.push({ ...r, backend: `node ${kind}` });
        if (kind === 'cpu') {
          // The same calls with the few-rows matmul off (every product packed): its before, this run.
          const was = setFewRowsPath(false);
          try {
            const p = await benchGenerate(be, { batch, samplesPerPrompt, newTokens, reps: 3 });
            options.log!(`node cpu generation, built-in model, batch ${batch} (${samplesPerPrompt} per prompt), packed path: ${p.tokensPerSecond.toFixed(0)} tokens/s (${p.tokensPerCpuSecond.toFixed(0)} per CPU-second); few rows / packed ${(r.tokensPerSecond / p.tokensPerSecond).toFixed(2)}x`);
            generation.push({ ...p, backend: 'cpu, packed' });
          } finally {
            setFewRowsPath(was);
          }
        }
      }
    };
    const started = new Date();
    const train = async (kind: 'cpu' | 'webgpu', be: Awaited<ReturnType<typeof createBackend>>) => {
      for (const size of TRAIN_SIZES) {
        const r = await benchTrainStep(be, size, trainSteps);
        options.log!(`node ${kind} training step, ${r.model}: ${r.bestMs.toFixed(1)} ms, ${r.tokensPerSecond.toFixed(0)} tokens/s (loss ${r.firstLoss.toFixed(3)} -> ${r.lastLoss.toFixed(3)})`);
        training.push({ ...r, backend: `node ${kind}` });
      }
    };

    if (!flags['no-cpu']) {
      const threads = await startCpuThreads();
      const uptime = await loadAverage();
      console.log(`cpu backend (node)\n  cpu backend threads: ${threads.threads} (requested ${threads.requested}, ${threads.available} cores${threads.reason ? `; ${threads.reason}` : ''})${uptime}`);
      if (realSizeOnly) await runRealSize('cpu', await createBackend('cpu'));
    }
    if (!flags['no-cpu'] && !realSizeOnly) {
      const threads = cpuThreadInfo();
      const uptime = await loadAverage();
      const suite = await runCpuSuite(await loadOrtWasm(threads.threads), 'node cpu', cpuOptions);
      suite.notes.push(`cpu backend threads: ${cpuThreadInfo().threads}${uptime}`);
      const peers = await runCpuPeers({ ...options, log: options.log!, sizes: cpuOptions.ortSizes, threads: threads.threads, numpy: !flags['no-peers'] });
      suite.ratios.push(...peers.ratios);
      suite.notes.push(...peers.notes);
      suites.push(suite);
      if (!flags['no-few-rows']) fewRows.push(...(await runFewRowsBench({ ...options, log: options.log! })));
      if (!flags['no-train']) await train('cpu', await createBackend('cpu'));
      await generate('cpu', await createBackend('cpu'));
      await runRealSize('cpu', await createBackend('cpu'));
    }
    if (!flags['no-webgpu']) {
      console.log('webgpu (node, Dawn)');
      const gpu = await nodeGpu();
      const ctx = await acquireGpu({ gpu, timeoutMs: 30_000 });
      try {
        if (!realSizeOnly) {
          const ort = options.ortSizes.length > 0 ? await loadOrtWebgpu(gpu) : null;
          suites.push(await runWebgpuSuite(ctx, ort, 'node webgpu', { ...options, variant }));
          if (!flags['no-variants']) {
            variants.push(...(await benchMatmulLoads(ctx, { ...options, variant })));
            variants.push(...(await benchMatvec(ctx, options)));
            variants.push(...(await benchAttentionFusion(ctx, attentionShapes(attentionTs), options)));
          }
          if (!flags['no-train']) await train('webgpu', await createBackend('webgpu', ctx));
          await generate('webgpu', await createBackend('webgpu', ctx));
        }
        await runRealSize('webgpu', await createBackend('webgpu', ctx));
      } finally {
        ctx.destroy();
      }
    }
    if (!flags['node-only'] && !realSizeOnly) {
      console.log('headless chromium');
      const query = new URLSearchParams({
        sizes: options.sizes.join(','),
        ort: options.ortSizes.join(','),
        shapes: options.transformerShapes ? '1' : '0',
        reps: String(options.reps),
        budget: String(options.budgetMs),
        cpu: flags['no-cpu'] ? '0' : '1',
        cpuOrt: cpuOptions.ortSizes.join(','),
      });
      suites.push(...(await runChromiumBench({ query: query.toString(), timeoutMs: 30 * 60_000, log: options.log! })));
    }

    console.log(`\n${formatAdapters(suites)}\n\n${formatTable(suites)}`);
    if (training.length > 0) console.log(`\n${formatTrainSteps(training)}`);
    if (generation.length > 0) console.log(`\n${formatGeneration(generation)}`);
    if (fewRows.length > 0) console.log(`\n${formatFewRows(fewRows)}`);
    if (realSizes.length > 0) console.log(`\n${formatRealSize(realSizes)}`);
    console.log(`\n${formatRatios(suites)}`);
    if (variants.length > 0) console.log(`\n${formatVariantRatios('node webgpu', variants)}`);
    const out = resolve(typeof flags.out === 'string' ? flags.out : `bench-output/bench-${started.toISOString().replace(/[:.]/g, '-')}.json`);
    mkdirSync(resolve(out, '..'), { recursive: true });
    writeFileSync(out, JSON.stringify({ started: started.toISOString(), args, suites, training, generation, variants, realSizes, fewRows }, null, 2));
    console.log(`\nJSON: ${out}`);
    return flags.check && !targetsMet(suites) ? 1 : 0;
  },
};
