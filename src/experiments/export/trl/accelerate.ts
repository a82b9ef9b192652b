// accelerate launch configs: one GPU, every GPU of a machine (DDP), and DeepSpeed ZeRO-3 (weights,
// gradients and optimizer state sharded over the GPUs), in accelerate's config-file format.
const COMMON = `compute_environment: LOCAL_MACHINE
debug: false
downcast_bf16: 'no'
machine_rank: 0
main_training_function: main
mixed_precision: bf16
num_machines: 1
rdzv_backend: static
same_network: true
tpu_env: []
tpu_use_cluster: false
tpu_use_sudo: false
use_cpu: false
`;

export function accelerateConfigs(): Record<string, string> {
  return {
    'single_gpu.yaml': `# One GPU.\ndistributed_type: 'NO'\ngpu_ids: '0'\nnum_processes: 1\n${COMMON}`,
    'multi_gpu.yaml': `# Data parallel over the GPUs of one machine (set num_processes to their count).\ndistributed_type: MULTI_GPU\ngpu_ids: all\nnum_processes: 8\n${COMMON}`,
    'deepspeed_zero3.yaml': `# DeepSpeed ZeRO-3: parameters, gradients and optimizer state sharded over the GPUs (models that do not fit one GPU).\ndistributed_type: DEEPSPEED\ndeepspeed_config:\n  deepspeed_multinode_launcher: standard\n  offload_optimizer_device: none\n  offload_param_device: none\n  zero3_init_flag: true\n  zero3_save_16bit_model: true\n  zero_stage: 3\nnum_processes: 8\n${COMMON}`,
  };
}
