// `gpu info`: the capability report of the WebGPU adapter Node sees (Dawn via `webgpu`).
import { acquireGpu, describeKernelVariants } from '../../gpu';
import { nodeGpu } from '../../gpu/node';
import { parseFlags, type CliCommand } from '../command';

export const gpuInfo: CliCommand = {
  path: ['gpu', 'info'],
  summary: 'Show the WebGPU adapter, features and limits Node sees',
  usage: ['--json   print the report as JSON'],
  async run(args) {
    const { flags } = parseFlags(args, ['json']);
    const ctx = await acquireGpu({ gpu: await nodeGpu() });
    const r = ctx.report;
    if (flags.json) console.log(JSON.stringify({ ...r, kernels: ctx.variants }, null, 2));
    else {
      console.log(`adapter:  ${r.summary}`);
      console.log(`vendor:   ${r.vendor || '-'}  architecture: ${r.architecture || '-'}`);
      console.log(`features: ${r.features.join(', ') || '(none)'}`);
      console.log(`kernels:  ${describeKernelVariants(ctx.variants)}`);
      for (const [k, v] of Object.entries(r.limits)) console.log(`${k.padEnd(36)} ${v}`);
    }
    ctx.destroy();
    return 0;
  },
};
