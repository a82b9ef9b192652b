// `export trl SPEC OUT`: an experiment or policy spec (a JSON file or a preset name) as a TRL
// project in OUT — per arm the dataset with the lab's split and persona ids (Parquet and JSONL),
// train.py (RewardTrainer / DPOTrainer), accelerate configs and a README (src/experiments/export/trl).
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { trlExportFiles, type TrlExportInput } from '../../experiments/export/trl';
import { loadDataNode } from '../../experiments/node/load-data';
import { POLICY_PRESETS, policyPresetSpec } from '../../experiments/policy/presets';
import { parsePolicySpec } from '../../experiments/policy/spec';
import { prepare } from '../../experiments/prepare';
import { PRESETS, presetSpec } from '../../experiments/presets';
import { parseSpec } from '../../experiments/spec/validate';
import type { PolicySpec } from '../../protocol/policy';
import type { ExperimentSpec } from '../../protocol/spec';
import { parseFlags, UsageError, type CliCommand } from '../command';

type AnySpec = { kind: 'experiment'; spec: ExperimentSpec } | { kind: 'policy'; spec: PolicySpec };

/** A spec file (a policy spec has a `base`) or a preset name (experiment presets first, then policy presets). */
export async function resolveSpec(arg: string): Promise<AnySpec> {
  if (existsSync(arg)) {
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(arg, 'utf8'));
    } catch (e) {
      throw new UsageError(`${arg} is not JSON: ${(e as Error).message}`);
    }
    const isPolicy = typeof raw === 'object' && raw !== null && 'base' in raw;
    return isPolicy ? { kind: 'policy', spec: parsePolicySpec(raw) } : { kind: 'experiment', spec: parseSpec(raw) };
  }
  if (PRESETS.some((p) => p.name === arg)) return { kind: 'experiment', spec: presetSpec(arg) };
  if (POLICY_PRESETS.some((p) => p.name === arg)) return { kind: 'policy', spec: policyPresetSpec(arg) };
  throw new UsageError(`${arg} is neither a spec file nor a preset (see \`experiment presets\` and \`policy presets\`)`);
}

export async function exportInput(s: AnySpec): Promise<TrlExportInput> {
  if (s.kind === 'experiment') return { kind: 'experiment', spec: s.spec, prepared: await prepare(s.spec, loadDataNode) };
  return { kind: 'policy', spec: s.spec, dataset: await loadDataNode(s.spec.data) };
}

export const exportTrl: CliCommand = {
  path: ['export', 'trl'],
  summary: 'Export a spec as a TRL project: dataset (Parquet, JSONL), train.py, accelerate configs, README',
  usage: ['SPEC OUT   SPEC: an experiment or policy spec file, or a preset name; OUT: an empty or new folder', '--force writes into a folder that has files'],
  async run(args) {
    const { flags, rest } = parseFlags(args, ['force']);
    if (rest.length !== 2) throw new UsageError('give SPEC and OUT');
    const [specArg, out] = rest;
    if (existsSync(out) && (await readdir(out)).length > 0 && !flags.force) throw new UsageError(`${out} is not empty (give --force to write into it)`);
    const files = trlExportFiles(await exportInput(await resolveSpec(specArg)));
    for (const f of files) {
      await mkdir(dirname(join(out, f.path)), { recursive: true });
      await writeFile(join(out, f.path), f.bytes);
    }
    const bytes = files.reduce((n, f) => n + f.bytes.byteLength, 0);
    console.log(`wrote ${files.length} files (${(bytes / 1024).toFixed(0)} KiB) to ${out}; see ${join(out, 'README.md')}`);
    return 0;
  },
};
