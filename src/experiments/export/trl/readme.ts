// README.md of an export: what is in the folder, the install line, the accelerate commands per
// arm, what differs from the lab's arms, and how to bring the result back (`import trl`).
import type { ExportPlan } from './plan';
import type { DataSplitName } from './rows';

export function exportReadme(plan: ExportPlan, counts: ReadonlyMap<string, Record<DataSplitName, number>>, specFile: string): string {
  const arm = plan.arms[0].slug;
  const lines = [
    `# ${plan.name}: the Persona Lab ${plan.kind} run, exported to TRL`,
    '',
    `Seed ${plan.seed}. The lab's base model: ${plan.base}. The spec is in \`${specFile}\`.`,
    '',
    '## Files',
    '',
    '- `data/ARM/{train,test,unseen}.{parquet,jsonl}`: the preference pairs of each arm, in TRL\'s conversational',
    '  preference format (`prompt`: the persona as the system message and the question as the user\'s turn;',
    '  `chosen` / `rejected`: one assistant message each), with the lab\'s `pair_id`, `set` (generic, cross,',
    '  unseen), `persona_id`, `question_id` and `strength`. Same split, seed and persona ids as the lab\'s run:',
    '  `train` what the arm trains on, `test` the seen personas\' held-out pairs, `unseen` the unseen personas\'.',
    '- `train.py`: RewardTrainer (reward-model arms) or DPOTrainer (DPO arms) with the spec\'s hyper-parameters.',
    '- `accelerate/`: launch configs for one GPU, every GPU of a machine, and DeepSpeed ZeRO-3.',
    '- `requirements.txt`.',
    '',
    '## Run',
    '',
    '```sh',
    'pip install -r requirements.txt',
    `accelerate launch --config_file accelerate/single_gpu.yaml train.py --arm ${arm} --model MODEL --bf16`,
    `accelerate launch --config_file accelerate/multi_gpu.yaml --num_processes 8 train.py --arm ${arm} --model MODEL --bf16`,
    `accelerate launch --config_file accelerate/deepspeed_zero3.yaml --num_processes 8 train.py --arm ${arm} --model MODEL --bf16`,
    '```',
    '',
    'MODEL is a Hugging Face model id or a local folder (the lab\'s built-in model folder works). The lab\'s batch',
    'size is global: train.py divides it over the processes. Results go to `runs/ARM` (override with --output-dir).',
    '',
    '## Arms',
    '',
    '| --arm | lab arm | trainer | training | subset | train / test / unseen pairs |',
    '|---|---|---|---|---|---|',
  ];
  for (const a of plan.arms) {
    const c = counts.get(a.slug)!;
    const training = a.mode === 'lora' ? `LoRA r${a.lora!.r} α${a.lora!.lora_alpha}` : a.mode === 'head' ? 'score head only' : 'full';
    lines.push(`| \`${a.slug}\` | ${a.label} | ${a.trainer === 'reward' ? 'RewardTrainer' : `DPOTrainer (${a.dpo!.loss_type}, β ${a.dpo!.beta})`} | ${training} | ${a.subset} | ${c.train} / ${c.test} / ${c.unseen} |`);
  }
  const notes = plan.arms.flatMap((a) => a.notes.map((n) => `- ${a.label}: ${n}`));
  if (notes.length) lines.push('', 'Differences from the lab:', '', ...notes);
  if (plan.skipped.length) lines.push('', 'Not exported:', '', ...plan.skipped.map((s) => `- ${s.label}: ${s.reason}`));
  lines.push(
    '',
    '## Back into the lab',
    '',
    'A DPO arm trained with LoRA leaves a PEFT adapter (adapter_config.json, adapter_model.safetensors) in its',
    'output folder; a full run leaves a checkpoint (config.json, model.safetensors, tokenizer.json). Either way,',
    'with the `trainer_state.json` that train.py saves:',
    '',
    '```sh',
    `npm run cli -- import trl runs/${arm} --base BASE_MODEL_DIR   # BASE_MODEL_DIR: for an adapter, the folder of MODEL`,
    '```',
    '',
    'The import merges an adapter into its base, checks it was trained for that base, and keeps the training',
    'curves of trainer_state.json for the Results view.',
    '',
  );
  return lines.join('\n');
}
