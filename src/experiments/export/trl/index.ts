// `export trl`: a lab spec and its data as the files of a TRL project — per arm the dataset (JSONL
// and Parquet, train / test / unseen), train.py, accelerate configs, requirements.txt, README.md
// and the spec itself. Pure: files come back as {path, bytes}, for the CLI to write to a folder and
// the app to zip.
import type { Dataset } from '../../../data';
import type { PolicySpec } from '../../../protocol/policy';
import type { ExperimentSpec } from '../../../protocol/spec';
import type { Prepared } from '../../prepare';
import { accelerateConfigs } from './accelerate';
import { jsonlBytes, parquetBytes } from './files';
import { planExperiment, planPolicy, plannedExperimentArms, type ExportPlan } from './plan';
import { exportReadme } from './readme';
import { DATA_SPLITS, experimentArmRows, policyArmRows, policyPairSets, type DataSplitName, type TrlRow } from './rows';
import { trainScript } from './script';

export { TrlExportError, type ExportPlan } from './plan';
export type { TrlRow } from './rows';

export interface ExportFile {
  path: string;
  bytes: Uint8Array;
}

export type TrlExportInput = { kind: 'experiment'; spec: ExperimentSpec; prepared: Prepared } | { kind: 'policy'; spec: PolicySpec; dataset: Dataset };

/** Pinned from below only: the APIs train.py uses (processing_class, eval_strategy) are in these and later. */
export const REQUIREMENTS = ['trl>=0.12', 'transformers>=4.46', 'peft>=0.13', 'datasets>=3.0', 'accelerate>=1.0', 'deepspeed  # only for accelerate/deepspeed_zero3.yaml', ''].join('\n');

const text = (s: string) => new TextEncoder().encode(s);

export type DataFormat = 'parquet' | 'jsonl';

/** `formats`: which dataset files to write (JSONL is ~10x Parquet's size; the app's zip defaults to Parquet). */
export function trlExportFiles(input: TrlExportInput, formats: readonly DataFormat[] = ['parquet', 'jsonl']): ExportFile[] {
  let plan: ExportPlan;
  const rows = new Map<string, Record<DataSplitName, TrlRow[]>>();
  if (input.kind === 'experiment') {
    plan = planExperiment(input.spec);
    const arms = plannedExperimentArms(input.spec, plan);
    plan.arms.forEach((p, i) => rows.set(p.slug, experimentArmRows(input.prepared, input.spec, arms[i])));
  } else {
    plan = planPolicy(input.spec);
    const sets = policyPairSets(input.spec, input.dataset);
    const byLabel = new Map(input.spec.arms.map((a) => [a.label, a]));
    for (const p of plan.arms) rows.set(p.slug, policyArmRows(input.spec, input.dataset, sets, byLabel.get(p.label)!));
  }
  const files: ExportFile[] = [];
  const counts = new Map<string, Record<DataSplitName, number>>();
  for (const [slug, splits] of rows) {
    counts.set(slug, { train: splits.train.length, test: splits.test.length, unseen: splits.unseen.length });
    for (const name of DATA_SPLITS) {
      if (formats.includes('jsonl')) files.push({ path: `data/${slug}/${name}.jsonl`, bytes: jsonlBytes(splits[name]) });
      if (formats.includes('parquet')) files.push({ path: `data/${slug}/${name}.parquet`, bytes: parquetBytes(splits[name]) });
    }
  }
  const specFile = input.kind === 'experiment' ? 'experiment-spec.json' : 'policy-spec.json';
  files.push({ path: specFile, bytes: text(JSON.stringify(input.spec, null, 2) + '\n') });
  files.push({ path: 'train.py', bytes: text(trainScript(plan)) });
  for (const [name, body] of Object.entries(accelerateConfigs())) files.push({ path: `accelerate/${name}`, bytes: text(body) });
  files.push({ path: 'requirements.txt', bytes: text(REQUIREMENTS) });
  files.push({ path: 'README.md', bytes: text(exportReadme(plan, counts, specFile)) });
  return files;
}
