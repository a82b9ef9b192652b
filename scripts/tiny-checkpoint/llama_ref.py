"""An independent reference of the Llama-family decoder (LlamaForCausalLM / Qwen2ForCausalLM as
transformers defines them), written from the papers and transformers' modeling files in plain
PyTorch, float64. It reads the same config.json fields and tensor names as the TypeScript model,
so its logits are the golden values that model must reproduce."""
import math

import torch


def inv_freq(cfg):
    d = head_dim(cfg)
    theta = cfg["rope_theta"]
    inv = 1.0 / theta ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    rs = cfg.get("rope_scaling")
    if rs is None:
        return inv
    kind = rs.get("rope_type", rs.get("type"))
    if kind == "linear":
        return inv / rs["factor"]
    assert kind == "llama3", kind
    factor, lo, hi, old = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"], rs["original_max_position_embeddings"]
    out = []
    for f in inv.tolist():
        wavelen = 2 * math.pi / f
        if wavelen < old / hi:
            out.append(f)
        elif wavelen > old / lo:
            out.append(f / factor)
        else:
            s = (old / wavelen - lo) / (hi - lo)
            out.append((1 - s) * f / factor + s * f)
    return torch.tensor(out, dtype=torch.float64)


def head_dim(cfg):
    return cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat([-x[..., h:], x[..., :h]], dim=-1)


def linear(x, W, name):
    y = x @ W[name + ".weight"].T
    b = W.get(name + ".bias")
    return y if b is None else y + b


def forward(cfg, W, ids):
    """ids [B, T] (int64) -> logits [B, T, V], float64. No padding: every position is a token."""
    W = {k: v.double() for k, v in W.items()}
    B, T = ids.shape
    Hq, Hkv, D = cfg["num_attention_heads"], cfg["num_key_value_heads"], head_dim(cfg)
    eps = cfg["rms_norm_eps"]
    pos = torch.arange(T, dtype=torch.float64)
    ang = pos[:, None] * inv_freq(cfg)[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1)
    sin = torch.cat([ang.sin(), ang.sin()], -1)
    causal = torch.ones(T, T, dtype=torch.bool).tril()

    x = W["model.embed_tokens.weight"][ids]
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        h = rms_norm(x, W[p + "input_layernorm.weight"], eps)
        q = linear(h, W, p + "self_attn.q_proj").view(B, T, Hq, D).transpose(1, 2)
        k = linear(h, W, p + "self_attn.k_proj").view(B, T, Hkv, D).transpose(1, 2)
        v = linear(h, W, p + "self_attn.v_proj").view(B, T, Hkv, D).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # Grouped-query attention: query head j reads key/value head j // (Hq / Hkv).
        k = k.repeat_interleave(Hq // Hkv, dim=1)
        v = v.repeat_interleave(Hq // Hkv, dim=1)
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        scores = scores.masked_fill(~causal, float("-inf"))
        att = torch.softmax(scores, dim=-1) @ v
        att = att.transpose(1, 2).reshape(B, T, Hq * D)
        x = x + linear(att, W, p + "self_attn.o_proj")
        h = rms_norm(x, W[p + "post_attention_layernorm.weight"], eps)
        gate = linear(h, W, p + "mlp.gate_proj")
        up = linear(h, W, p + "mlp.up_proj")
        x = x + linear(torch.nn.functional.silu(gate) * up, W, p + "mlp.down_proj")
    x = rms_norm(x, W["model.norm.weight"], eps)
    head = W["model.embed_tokens.weight"] if cfg["tie_word_embeddings"] else W["lm_head.weight"]
    return x @ head.T


def greedy(cfg, W, prompt, steps):
    """Greedy continuation without a cache (the full prefix each step): the reference for KV caching."""
    ids = list(prompt)
    for _ in range(steps):
        logits = forward(cfg, W, torch.tensor([ids]))
        ids.append(int(logits[0, -1].argmax()))
    return ids[len(prompt):]
