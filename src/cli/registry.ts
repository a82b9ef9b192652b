// Every CLI command, in the order `--help` lists them. Add new commands here.
import type { CliCommand } from './command';
import { gpuInfo } from './commands/gpu-info';
import { modelGenerate } from './commands/model-generate';
import { modelInspect } from './commands/model-inspect';

export const COMMANDS: CliCommand[] = [gpuInfo, modelInspect, modelGenerate];
