"""Writes what a TRL run leaves in its output folder, for the import tests: a PEFT LoRA adapter
(adapter_config.json, adapter_model.safetensors with PEFT's tensor names) trained "for" the tiny
qwen2-f32 checkpoint, the trainer_state.json of a DPOTrainer run (log_history with TRL's metric
names, eval entries for the test and unseen sets, the closing summary), an adapter for another base
(hidden size 40, not 32), and golden.safetensors: log-probs the independent float64 reference
(scripts/tiny-checkpoint/llama_ref.py) computes for the base and for the base with the adapter
merged in closed form, W + (alpha / r) B A.

    /usr/bin/python3 scripts/trl-fixture/make_trl_fixture.py   (Debian's python3-torch; no peft needed)
"""
import json
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
sys.path.insert(0, os.path.join(HERE, "..", "tiny-checkpoint"))
import llama_ref  # noqa: E402
import safetensors_io  # noqa: E402

BASE = os.path.join(ROOT, "tests", "fixtures", "tiny-checkpoint", "qwen2-f32")
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "tests", "fixtures", "trl-output")
R, ALPHA = 4, 8
TARGETS = ["q_proj", "v_proj", "down_proj"]


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info
        a, b = info["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[a:b]), dtype=torch.float32).reshape(info["shape"]).clone()
    return out


def modules(cfg):
    C, I = cfg["hidden_size"], cfg["intermediate_size"]
    D = C // cfg["num_attention_heads"]
    dims = {"q_proj": ("self_attn", C, cfg["num_attention_heads"] * D), "v_proj": ("self_attn", C, cfg["num_key_value_heads"] * D), "down_proj": ("mlp", I, C)}
    for layer in range(cfg["num_hidden_layers"]):
        for t in TARGETS:
            block, fan_in, fan_out = dims[t]
            yield f"model.layers.{layer}.{block}.{t}", fan_in, fan_out


def adapter(cfg, seed, base_name):
    g = torch.Generator().manual_seed(seed)
    tensors = {}
    for path, fan_in, fan_out in modules(cfg):
        # Trained adapters have B != 0 (PEFT starts it at zero); 0.3 keeps the change visible but small.
        tensors[f"base_model.model.{path}.lora_A.weight"] = torch.rand(R, fan_in, generator=g) * 2 / fan_in ** 0.5 - 1 / fan_in ** 0.5
        tensors[f"base_model.model.{path}.lora_B.weight"] = torch.randn(fan_out, R, generator=g) * 0.3
    config = {
        "alpha_pattern": {}, "auto_mapping": None, "base_model_name_or_path": base_name, "bias": "none",
        "fan_in_fan_out": False, "inference_mode": True, "init_lora_weights": True, "layers_pattern": None,
        "layers_to_transform": None, "lora_alpha": ALPHA, "lora_dropout": 0.05, "modules_to_save": None,
        "peft_type": "LORA", "r": R, "rank_pattern": {}, "revision": None, "target_modules": sorted(TARGETS),
        "task_type": "CAUSAL_LM", "use_dora": False, "use_rslora": False,
    }
    return config, tensors


def write(folder, config, tensors):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "adapter_config.json"), "w") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    safetensors_io.save(os.path.join(folder, "adapter_model.safetensors"), tensors, {"format": "pt"})


def trainer_state():
    g = torch.Generator().manual_seed(7)
    log, step = [], 0
    for epoch in range(2):
        for k in range(1, 4):
            step += 5
            acc = min(1.0, 0.5 + 0.07 * step / 5)
            margin = 0.1 * step / 5
            log.append({
                "epoch": round(epoch + k / 3, 4), "grad_norm": round(2.0 / (1 + step / 10), 4), "learning_rate": round(5e-6 * (1 - step / 31), 10),
                "logits/chosen": round(-1.2 + 0.01 * step, 4), "logits/rejected": round(-1.25 + 0.005 * step, 4),
                "logps/chosen": round(-80 + step * 0.2, 4), "logps/rejected": round(-82 - step * 0.3, 4),
                "loss": round(0.6931 - 0.01 * step + 0.002 * float(torch.rand(1, generator=g)), 4),
                "rewards/accuracies": round(acc, 4), "rewards/chosen": round(margin / 2, 4), "rewards/margins": round(margin, 4),
                "rewards/rejected": round(-margin / 2, 4), "step": step,
            })
        for name in ("test", "unseen"):
            log.append({"epoch": float(epoch + 1), f"eval_{name}_loss": round(0.66 - 0.05 * epoch - (0.02 if name == "test" else 0), 4),
                        f"eval_{name}_rewards/accuracies": round(0.6 + 0.05 * epoch, 4), f"eval_{name}_runtime": 3.2,
                        f"eval_{name}_samples_per_second": 50.0, f"eval_{name}_steps_per_second": 3.1, "step": step})
    log.append({"epoch": 2.0, "step": step, "total_flos": 0.0, "train_loss": 0.612, "train_runtime": 41.5, "train_samples_per_second": 14.4, "train_steps_per_second": 0.72})
    return {
        "best_global_step": None, "best_metric": None, "best_model_checkpoint": None, "epoch": 2.0, "eval_steps": 500,
        "global_step": step, "is_hyper_param_search": False, "is_local_process_zero": True, "is_world_process_zero": True,
        "log_history": log, "logging_steps": 5, "max_steps": step, "num_input_tokens_seen": 0, "num_train_epochs": 2,
        "save_steps": 500, "stateful_callbacks": {}, "total_flos": 0.0, "train_batch_size": 8, "trial_name": None, "trial_params": None,
    }


def main():
    with open(os.path.join(BASE, "config.json")) as f:
        cfg = json.load(f)
    W = read_safetensors(os.path.join(BASE, "model.safetensors"))
    config, tensors = adapter(cfg, 11, "tiny-checkpoint/qwen2-f32")
    write(os.path.join(OUT, "lora-dpo"), config, tensors)
    with open(os.path.join(OUT, "lora-dpo", "trainer_state.json"), "w") as f:
        json.dump(trainer_state(), f, indent=2)
        f.write("\n")

    merged = dict(W)
    for path, _, _ in modules(cfg):
        A = tensors[f"base_model.model.{path}.lora_A.weight"].double()
        B = tensors[f"base_model.model.{path}.lora_B.weight"].double()
        merged[path + ".weight"] = (W[path + ".weight"].double() + (ALPHA / R) * (B @ A)).float()
    ids = torch.randint(0, 300, (2, 9), generator=torch.Generator().manual_seed(5))
    lp = {}
    for name, weights in (("base", W), ("merged", merged)):
        logits = llama_ref.forward(cfg, weights, ids)
        lp[name] = torch.log_softmax(logits, -1)[:, :-1].gather(-1, ids[:, 1:, None])[..., 0].float()
    safetensors_io.save(os.path.join(OUT, "lora-dpo-golden.safetensors"), {"input_ids": ids.to(torch.int64), "base_logprobs": lp["base"], "merged_logprobs": lp["merged"]},
                        {"torch": torch.__version__, "reference": "scripts/tiny-checkpoint/llama_ref.py (float64), adapter merged as W + (alpha/r) B A"})

    other = dict(cfg, hidden_size=40)
    config, tensors = adapter(other, 12, "tiny-checkpoint/qwen2-f32")
    write(os.path.join(OUT, "lora-other-base"), config, tensors)


if __name__ == "__main__":
    main()
