// Every CLI command, in the order `--help` lists them. Add new commands here.
import type { CliCommand } from './command';
import { analysisPresets } from './commands/analysis-presets';
import { analysisRun } from './commands/analysis-run';
import { bench } from './commands/bench';
import { dataBench } from './commands/data-bench';
import { dataStats } from './commands/data-stats';
import { experimentPresets } from './commands/experiment-presets';
import { experimentRun } from './commands/experiment-run';
import { exportTrl } from './commands/export-trl';
import { gpuInfo } from './commands/gpu-info';
import { importTrl } from './commands/import-trl';
import { modelGenerate } from './commands/model-generate';
import { modelInspect } from './commands/model-inspect';
import { modelTrainBuiltin } from './commands/model-train-builtin';
import { modelWrite135m } from './commands/model-write-135m';
import { policyPresets } from './commands/policy-presets';
import { policyRun } from './commands/policy-run';
import { serve } from './commands/serve';

export const COMMANDS: CliCommand[] = [gpuInfo, modelInspect, modelGenerate, modelTrainBuiltin, modelWrite135m, dataStats, dataBench, bench, experimentRun, experimentPresets, policyRun, policyPresets, serve, analysisRun, analysisPresets, exportTrl, importTrl];
