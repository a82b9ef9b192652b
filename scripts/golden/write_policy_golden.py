"""Writes tests/fixtures/golden/policy-losses.json: what an independent PyTorch (float64)
implementation of TRL's formulas computes for Stage 2's losses, so src/train/policy can be held to
it (tests/unit/train-policy-golden.test.ts, 1e-5):

- DPO family (TRL DPOTrainer.dpo_loss, rpo_alpha; CPOTrainer's simpo): for each input set (random,
  ties, large margins) and each variant (sigmoid, sigmoid with label smoothing, robust, hinge, ipo,
  simpo, rpo): the mean loss, its gradient with respect to the policy's chosen and rejected
  log-prob sums, and TRL's metrics. IPO and SimPO use per-token mean log-probs, RPO adds
  rpo_alpha times the token-mean NLL of the chosen answers, as TRL does.
- PPO (TRL PPOTrainer): per-token KL (k1 and k3), rewards with the score at the last response
  token, GAE, returns, masked whitening, rollout metrics; the clipped policy and value losses with
  their gradients and clip fractions.
- RLOO (TRL RLOOTrainer): leave-one-out advantages, with and without normalisation, and the
  sequence-level clipped loss with its gradient.

Inputs are drawn in float64 and rounded to float32 (what our engine reads); everything is computed
in float64 from them. Run with Debian's torch: /usr/bin/python3 scripts/golden/write_policy_golden.py
"""
import json
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "fixtures", "golden", "policy-losses.json")
torch.manual_seed(0)
GEN = torch.Generator().manual_seed(20261203)
D = torch.float64


def f32(t):
    return t.to(torch.float32).to(D)


def uniform(n, lo, hi):
    return f32(torch.rand(n, generator=GEN, dtype=D) * (hi - lo) + lo)


def normal(shape, std=1.0, mean=0.0):
    return f32(torch.randn(*shape, generator=GEN, dtype=D) * std + mean)


def lst(t):
    return [float(x) for x in t.detach().reshape(-1).tolist()]


# --- DPO family -----------------------------------------------------------------------------------

def dpo_inputs():
    sets = {}
    B = 8
    counts_c = torch.randint(3, 21, (B,), generator=GEN).to(D)
    counts_r = torch.randint(3, 21, (B,), generator=GEN).to(D)
    sets["random"] = dict(
        pc=uniform(B, -40, -5), pr=uniform(B, -40, -5), rc=uniform(B, -40, -5), rr=uniform(B, -40, -5),
        nc=counts_c, nr=counts_r,
    )
    # Ties: chosen and rejected equal under both models (z = 0, rewards equal: accuracy 0).
    t = uniform(4, -30, -10)
    r = uniform(4, -30, -10)
    n = torch.tensor([5.0, 7.0, 9.0, 11.0], dtype=D)
    sets["ties"] = dict(pc=t.clone(), pr=t.clone(), rc=r.clone(), rr=r.clone(), nc=n.clone(), nr=n.clone())
    # Large margins: |z| of several hundred nats, both signs (the sigmoid saturates).
    sets["large"] = dict(
        pc=torch.tensor([-5.0, -400.0, -12.5, -300.0], dtype=D), pr=torch.tensor([-405.0, -6.0, -250.0, -20.0], dtype=D),
        rc=torch.tensor([-20.0, -30.0, -15.0, -25.0], dtype=D), rr=torch.tensor([-21.0, -28.0, -14.0, -26.0], dtype=D),
        nc=torch.tensor([10.0, 40.0, 3.0, 30.0], dtype=D), nr=torch.tensor([40.0, 4.0, 25.0, 5.0], dtype=D),
    )
    return sets


VARIANTS = [
    dict(name="sigmoid", loss="sigmoid", beta=0.1),
    dict(name="sigmoid-ls", loss="sigmoid", beta=0.1, labelSmoothing=0.1),
    dict(name="robust", loss="robust", beta=0.1, labelSmoothing=0.1),
    dict(name="hinge", loss="hinge", beta=0.1),
    dict(name="ipo", loss="ipo", beta=0.1),
    dict(name="simpo", loss="simpo", beta=2.0, simpoGamma=0.5),
    dict(name="simpo-ls", loss="simpo", beta=2.0, simpoGamma=1.0, labelSmoothing=0.05),
    dict(name="rpo", loss="rpo", beta=0.1, rpoAlpha=1.0),
]


def trl_dpo(x, v):
    beta = v["beta"]
    ls = v.get("labelSmoothing", 0.0)
    pc = x["pc"].clone().requires_grad_(True)
    pr = x["pr"].clone().requires_grad_(True)
    rc, rr, nc, nr = x["rc"], x["rr"], x["nc"], x["nr"]
    kind = v["loss"]
    # TRL divides IPO's log-probs by the completion length (policy and reference alike); CPO's
    # SimPO averages them (average_log_prob) and has no reference.
    if kind in ("ipo", "simpo"):
        c, r, c_ref, r_ref = pc / nc, pr / nr, rc / nc, rr / nr
    else:
        c, r, c_ref, r_ref = pc, pr, rc, rr
    if kind == "simpo":
        logits = (c - r) - v["simpoGamma"] / beta
        losses = -F.logsigmoid(beta * logits) * (1 - ls) - F.logsigmoid(-beta * logits) * ls
        chosen_rewards = beta * c.detach()
        rejected_rewards = beta * r.detach()
    else:
        logits = (c - r) - (c_ref - r_ref)
        if kind in ("sigmoid", "rpo"):
            losses = -F.logsigmoid(beta * logits) * (1 - ls) - F.logsigmoid(-beta * logits) * ls
        elif kind == "robust":
            losses = (-F.logsigmoid(beta * logits) * (1 - ls) + F.logsigmoid(-beta * logits) * ls) / (1 - 2 * ls)
        elif kind == "hinge":
            losses = torch.relu(1 - beta * logits)
        elif kind == "ipo":
            losses = (logits - 1 / (2 * beta)) ** 2
        else:
            raise ValueError(kind)
        chosen_rewards = beta * (c - c_ref).detach()
        rejected_rewards = beta * (r - r_ref).detach()
    metrics = {}
    if kind == "rpo":
        # F.cross_entropy(ignore_index) over every chosen token: minus the summed log-probs over the token count.
        nll = -pc.sum() / nc.sum()
        losses = losses + v["rpoAlpha"] * nll
        metrics["nll_loss"] = float(nll.detach())
    loss = losses.mean()
    loss.backward()
    metrics.update({
        "rewards/chosen": float(chosen_rewards.mean()),
        "rewards/rejected": float(rejected_rewards.mean()),
        "rewards/accuracies": float((chosen_rewards > rejected_rewards).to(D).mean()),
        "rewards/margins": float((chosen_rewards - rejected_rewards).mean()),
        "logps/chosen": float(c.detach().mean()),
        "logps/rejected": float(r.detach().mean()),
    })
    return dict(loss=float(loss.detach()), grad_chosen=lst(pc.grad), grad_rejected=lst(pr.grad), metrics=metrics)


def dpo_golden():
    out = {"inputs": {}, "cases": []}
    for set_name, x in dpo_inputs().items():
        out["inputs"][set_name] = {k: lst(t) for k, t in x.items()}
        for v in VARIANTS:
            out["cases"].append(dict(inputs=set_name, variant=v, **trl_dpo(x, v)))
    return out


# --- PPO ------------------------------------------------------------------------------------------

def masked_mean(values, mask):
    return (values * mask).sum() / mask.sum()


def masked_var(values, mask):
    mean = masked_mean(values, mask)
    variance = masked_mean((values - mean) ** 2, mask)
    n = mask.sum()
    return variance * (n / (n - 1))


def masked_whiten(values, mask, shift_mean=True):
    mean, var = masked_mean(values, mask), masked_var(values, mask)
    whitened = (values - mean) * torch.rsqrt(var + 1e-8)
    if not shift_mean:
        whitened = whitened + mean
    return whitened


PPO_B, PPO_T = 3, 6
LENGTHS = [6, 4, 2]
PPO_CONFIGS = [
    dict(name="default", klCoef=0.05, klEstimator="k1", gamma=1.0, lam=0.95, whitenRewards=False),
    dict(name="k3-discounted-whitened", klCoef=0.2, klEstimator="k3", gamma=0.9, lam=0.8, whitenRewards=True),
]
CLIPRANGE, CLIPRANGE_VALUE = 0.2, 0.2


def ppo_golden():
    B, T = PPO_B, PPO_T
    idx = torch.arange(T).expand(B, T)
    seq_len = torch.tensor(LENGTHS).unsqueeze(1)
    padding_mask = idx >= seq_len  # True off the response (TRL's padding_mask)
    mask = (~padding_mask).to(D)
    logprobs = f32(torch.where(padding_mask, torch.zeros(B, T, dtype=D), uniform(B * T, -3.0, -0.1).reshape(B, T)))
    ref_logprobs = f32(torch.where(padding_mask, torch.zeros(B, T, dtype=D), logprobs + normal((B, T), 0.3)))
    values = f32(torch.where(padding_mask, torch.zeros(B, T, dtype=D), normal((B, T), 1.0)))
    scores = normal((B,), 1.0)
    inputs = dict(B=B, T=T, mask=lst(mask), logprobs=lst(logprobs), ref_logprobs=lst(ref_logprobs), values=lst(values), scores=lst(scores))
    configs = []
    for c in PPO_CONFIGS:
        logr = ref_logprobs - logprobs
        kl = -logr if c["klEstimator"] == "k1" else (logr.exp() - 1) - logr
        kl = torch.where(padding_mask, torch.zeros_like(kl), kl)
        non_score_reward = -c["klCoef"] * kl
        rewards = non_score_reward.clone()
        rewards[torch.arange(B), seq_len.squeeze(1) - 1] += scores
        if c["whitenRewards"]:
            rewards = masked_whiten(rewards, mask, shift_mean=False)
            rewards = torch.masked_fill(rewards, padding_mask, 0)
        lastgaelam = torch.zeros(B, dtype=D)
        rev = []
        for t in reversed(range(T)):
            nextvalues = values[:, t + 1] if t < T - 1 else torch.zeros(B, dtype=D)
            delta = rewards[:, t] + c["gamma"] * nextvalues - values[:, t]
            lastgaelam = delta + c["gamma"] * c["lam"] * lastgaelam
            rev.append(lastgaelam)
        raw = torch.stack(rev[::-1], dim=1)
        returns = raw + values
        adv = torch.masked_fill(masked_whiten(raw, mask), padding_mask, 0)
        mean_kl = kl.sum(1).mean()
        nsr = non_score_reward.sum(1).mean()
        configs.append(dict(
            config=c, kl=lst(kl), non_score_reward=lst(non_score_reward), rewards_for_gae=lst(rewards),
            raw_advantages=lst(raw), returns=lst(returns), advantages=lst(adv),
            metrics={
                "objective/kl": float(mean_kl),
                "objective/entropy": float((-logprobs * mask).sum(1).mean()),
                "objective/non_score_reward": float(nsr),
                "objective/rlhf_reward": float(nsr + scores.mean()),
                "objective/scores": float(scores.mean()),
            },
        ))
    # The clipped losses on the first config's advantages and returns, with log-probs and values that
    # moved enough for some ratios and values to clip.
    adv = torch.tensor(configs[0]["advantages"], dtype=D).reshape(B, T)
    returns = torch.tensor(configs[0]["returns"], dtype=D).reshape(B, T)
    new_logprobs = f32(torch.where(padding_mask, torch.zeros(B, T, dtype=D), logprobs + normal((B, T), 0.3)))
    # Values moved most of the way to the returns: where that is more than the clip range, the clipped
    # prediction is the worse one (vf_losses2 > vf_losses1) and the value clip fraction is not 0.
    vpred_in = f32(torch.where(padding_mask, torch.zeros(B, T, dtype=D), values + 0.7 * (returns - values) + normal((B, T), 0.2)))
    nl = new_logprobs.clone().requires_grad_(True)
    diff = nl - logprobs
    ratio = torch.exp(diff)
    pg_losses = -adv * ratio
    pg_losses2 = -adv * torch.clamp(ratio, 1.0 - CLIPRANGE, 1.0 + CLIPRANGE)
    pg_loss = masked_mean(torch.max(pg_losses, pg_losses2), mask)
    pg_loss.backward()
    vp = vpred_in.clone().requires_grad_(True)
    vpredclipped = torch.clamp(vp, values - CLIPRANGE_VALUE, values + CLIPRANGE_VALUE)
    vf1 = torch.square(vp - returns)
    vf2 = torch.square(vpredclipped - returns)
    vf_loss = 0.5 * masked_mean(torch.max(vf1, vf2), mask)
    vf_loss.backward()
    losses = dict(
        cliprange=CLIPRANGE, cliprange_value=CLIPRANGE_VALUE,
        new_logprobs=lst(new_logprobs), vpred=lst(vpred_in),
        pg_loss=float(pg_loss.detach()), grad_logprobs=lst(nl.grad),
        pg_clipfrac=float(masked_mean((pg_losses2 > pg_losses).to(D), mask)),
        approxkl=float(0.5 * masked_mean(diff.detach() ** 2, mask)),
        vf_loss=float(vf_loss.detach()), grad_values=lst(vp.grad),
        vf_clipfrac=float(masked_mean((vf2 > vf1).to(D), mask)),
    )
    return dict(inputs=inputs, configs=configs, losses=losses)


# --- RLOO -----------------------------------------------------------------------------------------

def rloo_golden():
    P, K, kl_coef = 3, 4, 0.05
    # TRL stores the K samples k-major: index k * P + p. Ours are prompt-major: p * K + k.
    scores_km = normal((K * P,), 1.0)
    kl_sums_km = f32(uniform(K * P, 0.0, 4.0))
    rlhf_km = scores_km - kl_coef * kl_sums_km
    r = rlhf_km.reshape(K, P)
    baseline = (r.sum(0) - r) / (K - 1)
    adv_km = (r - baseline).flatten()
    adv_norm_km = (adv_km - adv_km.mean()) / (adv_km.std() + 1e-8)
    to_ours = lambda t: t.reshape(K, P).t().reshape(-1)  # noqa: E731
    # The sequence-level clipped loss (RLOO's): ratio of summed log-probs.
    old = f32(uniform(K * P, -30.0, -5.0))
    new = f32(old + normal((K * P,), 0.25))
    adv = to_ours(adv_km)
    nl = new.clone().requires_grad_(True)
    ratio = torch.exp(nl - old)
    pg1 = -adv * ratio
    pg2 = -adv * torch.clamp(ratio, 1.0 - CLIPRANGE, 1.0 + CLIPRANGE)
    loss = torch.max(pg1, pg2).mean()
    loss.backward()
    return dict(
        P=P, K=K, kl_coef=kl_coef, scores=lst(to_ours(scores_km)), kl_sums=lst(to_ours(kl_sums_km)),
        rlhf_reward=lst(to_ours(rlhf_km)), advantages=lst(adv), advantages_normalized=lst(to_ours(adv_norm_km)),
        old_logps=lst(old), new_logps=lst(new), cliprange=CLIPRANGE, pg_loss=float(loss.detach()), grad_logps=lst(nl.grad),
        pg_clipfrac=float((pg2 > pg1).to(D).mean()),
    )


def main():
    data = dict(
        about="Written by scripts/golden/write_policy_golden.py (PyTorch %s, float64): TRL's DPO-family, PPO and RLOO formulas." % torch.__version__,
        dpo=dpo_golden(), ppo=ppo_golden(), rloo=rloo_golden(),
    )
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(data, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(OUT), os.path.getsize(OUT), "bytes")


if __name__ == "__main__":
    main()
