"""Writes tests/fixtures/golden/tiny-llama.json: a tiny Llama-style model's weights, a batch of
token ids and targets, and what an independent PyTorch (float64) implementation computes from
them: logits, the mean cross-entropy loss, the gradient of every parameter, and the losses of ten
AdamW steps with global-norm gradient clipping. Our engine must reproduce these on the cpu and
webgpu backends (tests/unit/golden.test.ts, tests/gpu/golden.test.ts). As llm.c's test_gpt2.

Model: RMSNorm (eps 1e-5), rotary embedding (rotate-half, theta 10000), causal attention with
grouped KV heads, SwiGLU MLP, tied input/output embedding. Sizes: V 64, C 32, 2 layers, 4 query
heads and 2 KV heads of D 8, MLP 64, B 2, T 8. Tensor names follow Hugging Face's Llama.
Arrays are little-endian float32 (int32 for ids/targets), base64; values are computed in
float64 from the float32-rounded weights and rounded to float32 when written.

Run with Debian's torch: /usr/bin/python3 scripts/golden/write_golden.py
"""
import base64
import json
import math
import os

import torch

V, C, L, HQ, HKV, D, F, B, T = 64, 32, 2, 4, 2, 8, 64, 2, 8
EPS, THETA = 1e-5, 10000.0
IGNORE = -100
ADAMW = dict(lr=3e-3, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
CLIP = 1.0
STEPS = 10
OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "golden", "tiny-llama.json")


def make_params(gen):
    """Weights drawn in float64, rounded to float32 (what the fixture stores), used as float64."""

    def w(*shape, std=0.2, mean=0.0):
        t = torch.randn(*shape, generator=gen, dtype=torch.float64) * std + mean
        return t.float().double()

    p = {"model.embed_tokens.weight": w(V, C, std=0.3)}
    for i in range(L):
        pre = f"model.layers.{i}."
        p[pre + "input_layernorm.weight"] = w(C, std=0.1, mean=1.0)
        p[pre + "self_attn.q_proj.weight"] = w(HQ * D, C)
        p[pre + "self_attn.k_proj.weight"] = w(HKV * D, C)
        p[pre + "self_attn.v_proj.weight"] = w(HKV * D, C)
        p[pre + "self_attn.o_proj.weight"] = w(C, HQ * D)
        p[pre + "post_attention_layernorm.weight"] = w(C, std=0.1, mean=1.0)
        p[pre + "mlp.gate_proj.weight"] = w(F, C)
        p[pre + "mlp.up_proj.weight"] = w(F, C)
        p[pre + "mlp.down_proj.weight"] = w(C, F)
    p["model.norm.weight"] = w(C, std=0.1, mean=1.0)
    return p


def rms_norm(x, weight):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + EPS) * weight


def rotate_half(x):
    x1, x2 = x[..., : D // 2], x[..., D // 2 :]
    return torch.cat((-x2, x1), dim=-1)


def rope(x, positions):
    # x [B, H, T, D]; angle[t, i] = pos[t] * theta^(-2i/D), duplicated over both halves.
    inv = 1.0 / THETA ** (torch.arange(0, D, 2, dtype=torch.float64) / D)
    ang = positions.double()[:, None] * inv[None, :]
    emb = torch.cat((ang, ang), dim=-1)
    return x * emb.cos() + rotate_half(x) * emb.sin()


def attention(q, k, v):
    # q [B, HQ, T, D]; k, v [B, HKV, T, D]: each KV head serves HQ / HKV query heads.
    k = k.repeat_interleave(HQ // HKV, dim=1)
    v = v.repeat_interleave(HQ // HKV, dim=1)
    scores = q @ k.transpose(-1, -2) / math.sqrt(D)
    causal = torch.ones(T, T, dtype=torch.bool).tril()
    scores = scores.masked_fill(~causal, float("-inf"))
    return scores.softmax(-1) @ v


def forward(p, ids):
    positions = torch.arange(T)
    x = p["model.embed_tokens.weight"][ids]
    for i in range(L):
        pre = f"model.layers.{i}."
        h = rms_norm(x, p[pre + "input_layernorm.weight"])
        q = (h @ p[pre + "self_attn.q_proj.weight"].T).view(B, T, HQ, D).transpose(1, 2)
        k = (h @ p[pre + "self_attn.k_proj.weight"].T).view(B, T, HKV, D).transpose(1, 2)
        v = (h @ p[pre + "self_attn.v_proj.weight"].T).view(B, T, HKV, D).transpose(1, 2)
        a = attention(rope(q, positions), rope(k, positions), v)
        x = x + a.transpose(1, 2).reshape(B, T, HQ * D) @ p[pre + "self_attn.o_proj.weight"].T
        h = rms_norm(x, p[pre + "post_attention_layernorm.weight"])
        gate = torch.nn.functional.silu(h @ p[pre + "mlp.gate_proj.weight"].T)
        up = h @ p[pre + "mlp.up_proj.weight"].T
        x = x + (gate * up) @ p[pre + "mlp.down_proj.weight"].T
    x = rms_norm(x, p["model.norm.weight"])
    return x @ p["model.embed_tokens.weight"].T  # tied LM head


def loss_of(logits, targets):
    return torch.nn.functional.cross_entropy(logits.reshape(B * T, V), targets.reshape(B * T), ignore_index=IGNORE)


def b64(t, dtype):
    return base64.b64encode(t.detach().contiguous().numpy().astype(dtype).tobytes()).decode("ascii")


def main():
    gen = torch.Generator().manual_seed(20240611)
    params = make_params(gen)
    ids = torch.randint(0, V, (B, T), generator=gen)
    targets = torch.cat((ids[:, 1:], torch.randint(0, V, (B, 1), generator=gen)), dim=1)
    targets[1, 3] = IGNORE  # one ignored position: the mean runs over the other 15

    leaves = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    logits = forward(leaves, ids)
    loss = loss_of(logits, targets)
    loss.backward()
    grads = {k: v.grad for k, v in leaves.items()}

    # Ten AdamW steps from the same weights; the loss is recorded before each update.
    train = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    opt = torch.optim.AdamW(list(train.values()), **ADAMW)
    step_losses, grad_norms = [], []
    for _ in range(STEPS):
        opt.zero_grad()
        l = loss_of(forward(train, ids), targets)
        l.backward()
        grad_norms.append(float(torch.nn.utils.clip_grad_norm_(list(train.values()), CLIP)))
        opt.step()
        step_losses.append(float(l))
    with torch.no_grad():
        final_loss = float(loss_of(forward(train, ids), targets))

    import numpy as np

    fixture = {
        "about": "Written by scripts/golden/write_golden.py (PyTorch %s, float64). Arrays: base64 little-endian float32 (ids, targets: int32)." % torch.__version__,
        "config": dict(vocab=V, channels=C, layers=L, heads=HQ, kvHeads=HKV, headDim=D, mlp=F, batch=B, time=T, rmsNormEps=EPS, ropeTheta=THETA, tiedEmbedding=True, ignoreIndex=IGNORE),
        "adamw": dict(lr=ADAMW["lr"], beta1=ADAMW["betas"][0], beta2=ADAMW["betas"][1], eps=ADAMW["eps"], weightDecay=ADAMW["weight_decay"], clipNorm=CLIP, steps=STEPS),
        "ids": b64(ids, np.int32),
        "targets": b64(targets, np.int32),
        "params": {k: {"shape": list(v.shape), "data": b64(v, np.float32)} for k, v in params.items()},
        "logits": b64(logits, np.float32),
        "loss": float(loss),
        "grads": {k: b64(g, np.float32) for k, g in grads.items()},
        "stepLosses": step_losses,
        "gradNorms": grad_norms,
        "finalLoss": final_loss,
    }
    with open(OUT, "w") as f:
        json.dump(fixture, f, indent=1)
    print(f"wrote {os.path.normpath(OUT)} ({os.path.getsize(OUT)} bytes); loss {float(loss):.6f}, after {STEPS} steps {final_loss:.6f}")


if __name__ == "__main__":
    main()
