"""Writes the tiny random checkpoints the model tests load, in Hugging Face layout, and the golden
files an independent PyTorch implementation (llama_ref.py) computes from them.

Run with Debian's python3-torch:  /usr/bin/python3 scripts/tiny-checkpoint/make_tiny_checkpoint.py
Output (committed, ~0.3 MB): tests/fixtures/tiny-checkpoint/
  llama-f32/   LlamaForCausalLM, untied, GQA 4/2, head_dim 8 with hidden 16, llama3 rope scaling;
               F32, sharded in two files
  llama-bf16/  the same weights in BF16, one file
  qwen2-f32/   Qwen2ForCausalLM, tied, q/k/v biases, GQA 4/1, rope_theta 1e6; F32
  qwen2-bf16/  the same weights in BF16
  golden-{llama,qwen2}.safetensors  input_ids [B, T] I64, logits [B, T, V] F32, logprobs [B, T-1]
                                     F32, greedy prompt and continuation I64
  tokenizer-golden.json  ids this script's BPE gives for a few strings
  dtypes.safetensors     F32 values, torch's F16/BF16 conversions of them and their f32 upcasts
Weights are drawn from a fixed seed and rounded to bf16 first, so the F32 and BF16 files hold the
same values and one golden file serves both.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(__file__))
import bpe  # noqa: E402
import llama_ref  # noqa: E402
import safetensors_io  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "tests", "fixtures", "tiny-checkpoint")
NUM_MERGES = 56

COMMON = {
    "hidden_act": "silu",
    "intermediate_size": 48,
    "num_hidden_layers": 2,
    "num_attention_heads": 4,
    "max_position_embeddings": 256,
    "torch_dtype": "float32",
}
VARIANTS = {
    "llama": {
        **COMMON,
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        # head_dim given explicitly and Hq * D (32) != hidden_size (16), as some Llama configs do.
        "hidden_size": 16,
        "head_dim": 8,
        "num_key_value_heads": 2,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        # Every llama3 band is exercised with head_dim 8: wavelengths 2pi, 20pi, 200pi, 2000pi.
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64},
        "tie_word_embeddings": False,
        "attention_bias": False,
        "mlp_bias": False,
    },
    "qwen2": {
        **COMMON,
        "architectures": ["Qwen2ForCausalLM"],
        "model_type": "qwen2",
        "hidden_size": 32,
        "num_key_value_heads": 1,
        "rms_norm_eps": 1e-6,
        "rope_theta": 1000000.0,
        "rope_scaling": None,
        "tie_word_embeddings": True,
        "use_sliding_window": False,
        "sliding_window": 256,
    },
}


def bf16_round(t):
    return t.to(torch.bfloat16).to(torch.float32)


def random_weights(cfg, seed):
    g = torch.Generator().manual_seed(seed)
    C, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    D = llama_ref.head_dim(cfg)
    q, kv = cfg["num_attention_heads"] * D, cfg["num_key_value_heads"] * D
    qwen = cfg["model_type"] == "qwen2"

    def mat(out_f, in_f):  # std 1/sqrt(in): activations stay O(1), logits are not flat
        return torch.randn(out_f, in_f, generator=g) / in_f**0.5

    def vec(n, scale=0.1, base=0.0):
        return base + scale * torch.randn(n, generator=g)

    # std 0.25: with tied embeddings the logits are h . E, and h has norm ~sqrt(C) after the final norm.
    W = {"model.embed_tokens.weight": 0.25 * torch.randn(V, C, generator=g)}
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        W[p + "input_layernorm.weight"] = vec(C, 0.2, 1.0)
        W[p + "self_attn.q_proj.weight"] = mat(q, C)
        W[p + "self_attn.k_proj.weight"] = mat(kv, C)
        W[p + "self_attn.v_proj.weight"] = mat(kv, C)
        if qwen:
            W[p + "self_attn.q_proj.bias"] = vec(q, 0.5)
            W[p + "self_attn.k_proj.bias"] = vec(kv, 0.5)
            W[p + "self_attn.v_proj.bias"] = vec(kv, 0.5)
        W[p + "self_attn.o_proj.weight"] = mat(C, q)
        W[p + "post_attention_layernorm.weight"] = vec(C, 0.2, 1.0)
        W[p + "mlp.gate_proj.weight"] = mat(I, C)
        W[p + "mlp.up_proj.weight"] = mat(I, C)
        W[p + "mlp.down_proj.weight"] = mat(C, I)
    W["model.norm.weight"] = vec(C, 0.2, 1.0)
    if not cfg["tie_word_embeddings"]:
        W["lm_head.weight"] = mat(V, C)
    return {k: bf16_round(v) for k, v in W.items()}


def write_json(path, obj, indent=2):
    with open(path, "w") as f:
        json.dump(obj, f, indent=indent, ensure_ascii=False)
        f.write("\n")


def write_checkpoint(dirname, cfg, W, tok_json, tok_cfg, dtype, shards):
    os.makedirs(dirname, exist_ok=True)
    write_json(os.path.join(dirname, "config.json"), {**cfg, "torch_dtype": "float32" if dtype == torch.float32 else "bfloat16"})
    write_json(os.path.join(dirname, "tokenizer.json"), tok_json, indent=None)
    write_json(os.path.join(dirname, "tokenizer_config.json"), tok_cfg)
    tensors = {k: v.to(dtype) for k, v in W.items()}
    if shards == 1:
        safetensors_io.save(os.path.join(dirname, "model.safetensors"), tensors, {"format": "pt"})
        return
    names = list(tensors)
    per = (len(names) + shards - 1) // shards
    weight_map, total = {}, 0
    for s in range(shards):
        fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
        part = {n: tensors[n] for n in names[s * per : (s + 1) * per]}
        safetensors_io.save(os.path.join(dirname, fname), part, {"format": "pt"})
        for n, t in part.items():
            weight_map[n] = fname
            total += t.numel() * t.element_size()
    write_json(os.path.join(dirname, "model.safetensors.index.json"), {"metadata": {"total_size": total}, "weight_map": weight_map})


def main():
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(HERE, "corpus.txt")) as f:
        corpus = f.read()
    merges = bpe.train(corpus, NUM_MERGES)
    vocab = bpe.build_vocab(merges)
    tok_json = bpe.tokenizer_json(vocab, merges)
    tok_cfg = bpe.tokenizer_config_json(vocab)
    n_tokens = len(vocab) + len(bpe.SPECIAL_TOKENS)
    special = {t: len(vocab) + i for i, t in enumerate(bpe.SPECIAL_TOKENS)}
    vocab_size = (n_tokens + 31) // 32 * 32  # padded above the tokenizer, as Qwen2.5 does

    samples = [
        "Hello world",
        "The farmer would like advice about planning the spring planting.",
        "Which response do you prefer? Response A is formal.",
        "Numbers: 12, 2024 and 3.5; it's fine!",
        "  two  spaces\nand a newline",
    ]
    write_json(os.path.join(OUT, "tokenizer-golden.json"), {
        "vocab_size_tokenizer": n_tokens,
        "special": special,
        "encodings": [{"text": s, "ids": bpe.encode(s, vocab, merges)} for s in samples],
    }, indent=None)

    for seed, (name, base) in enumerate(VARIANTS.items()):
        cfg = {**base, "vocab_size": vocab_size, "bos_token_id": special["<|endoftext|>"], "eos_token_id": special["<|im_end|>"]}
        W = random_weights(cfg, 1234 + seed)
        write_checkpoint(os.path.join(OUT, f"{name}-f32"), cfg, W, tok_json, tok_cfg, torch.float32, 2 if name == "llama" else 1)
        write_checkpoint(os.path.join(OUT, f"{name}-bf16"), cfg, W, tok_json, tok_cfg, torch.bfloat16, 1)

        g = torch.Generator().manual_seed(99 + seed)
        ids = torch.randint(0, n_tokens, (2, 7), generator=g)
        logits = llama_ref.forward(cfg, W, ids)
        logprobs = torch.log_softmax(logits, -1)[:, :-1].gather(-1, ids[:, 1:, None])[..., 0]
        prompt = bpe.encode("Which response do you prefer?", vocab, merges)
        cont = llama_ref.greedy(cfg, W, prompt, 6)
        safetensors_io.save(os.path.join(OUT, f"golden-{name}.safetensors"), {
            "input_ids": ids.to(torch.int64),
            "logits": logits.float(),
            "logprobs": logprobs.float(),
            "greedy_prompt": torch.tensor(prompt, dtype=torch.int64),
            "greedy_continuation": torch.tensor(cont, dtype=torch.int64),
        }, {"torch": torch.__version__, "reference": "scripts/tiny-checkpoint/llama_ref.py (float64)"})

    values = torch.tensor([0.0, -0.0, 1.0, -2.5, 1.0 / 3.0, 3.14159265, 65504.0, 7.0e4, 1.0e-8, 6.0e-5, -1.0e-40,
                           1.0e38, 3.0e38, float("inf"), float("-inf"), 0.1, 1.00390625, 1.005859375], dtype=torch.float32)
    safetensors_io.save(os.path.join(OUT, "dtypes.safetensors"), {
        "f32": values,
        "f16": values.half(),
        "bf16": values.bfloat16(),
        "f16_as_f32": values.half().float(),
        "bf16_as_f32": values.bfloat16().float(),
    })
    print(f"wrote {OUT}: tokenizer {n_tokens} tokens, vocab_size {vocab_size}")


if __name__ == "__main__":
    main()
