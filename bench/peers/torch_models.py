"""The benchmark models of bench/models, written directly in PyTorch: the peer for
`npm run bench -- models` (CPU) and the GPU reference run.

(a) vae-cat:    categorical VAE 784-(20x10)-784, Gumbel-Softmax, learned prior, analytic KL
(b) vae-mlp:    784-512-256-(20x10)-256-512-784 with ReLU, otherwise as (a)
(c) sbn-bern:   Bernoulli SBN 392-200-200-392 (structured output), BinConcrete relaxation

One training step = forward, backward, Adam update, at batch 100, tau = 1.
Prints one JSON object per line: {"model","impl","threads","examples_per_s","ms_per_step","blas"}.
Usage: python3 torch_models.py [--device cpu|cuda] [--threads 1,2] [--seconds 3]
"""
import argparse
import json
import time

import torch
import torch.nn.functional as F

B, N, K = 100, 20, 10


def gumbel_softmax(logits, tau):
    u = torch.rand_like(logits).clamp_(2**-24, 1 - 2**-24)
    return F.softmax((logits - torch.log(-torch.log(u))) / tau, dim=-1)


def bin_concrete(logits, tau):
    u = torch.rand_like(logits).clamp_(2**-24, 1 - 2**-24)
    return torch.sigmoid((logits + torch.log(u) - torch.log1p(-u)) / tau)


def mlp(sizes, dev):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers).to(dev)


class VAE(torch.nn.Module):
    def __init__(self, hidden, dev):
        super().__init__()
        self.enc = mlp([784, *hidden, N * K], dev)
        self.dec = mlp([N * K, *hidden[::-1], 784], dev)
        self.prior = torch.nn.Parameter(torch.zeros(N, K, device=dev))

    def loss(self, x, tau=1.0):
        logits = self.enc(x).view(-1, N, K)
        y = gumbel_softmax(logits, tau).view(-1, N * K)
        rec = F.binary_cross_entropy_with_logits(self.dec(y), x, reduction="none").sum(1)
        logq, logp = F.log_softmax(logits, -1), F.log_softmax(self.prior, -1)
        kl = (logq.exp() * (logq - logp)).sum((1, 2))
        return (rec + kl).mean()


class SBN(torch.nn.Module):
    def __init__(self, dev):
        super().__init__()
        self.l1, self.l2, self.l3 = (torch.nn.Linear(a, b).to(dev) for a, b in [(392, 200), (200, 200), (200, 392)])

    def loss(self, x, tau=1.0):
        upper, lower = x[:, :392], x[:, 392:]
        h1 = bin_concrete(self.l1(upper), tau)
        h2 = bin_concrete(self.l2(h1), tau)
        return F.binary_cross_entropy_with_logits(self.l3(h2), lower, reduction="none").sum(1).mean()


def bench(name, model, dev, seconds):
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = (torch.rand(B, 784, device=dev) < 0.13).float()

    def step():
        opt.zero_grad(set_to_none=True)
        loss = model.loss(x)
        loss.backward()
        opt.step()
        return loss

    for _ in range(20):
        step()
    if dev.type == "cuda":
        torch.cuda.synchronize()
    steps, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        for _ in range(10):
            step()
        if dev.type == "cuda":
            torch.cuda.synchronize()
        steps += 10
    dt = (time.perf_counter() - t0) / steps
    return dt


def blas_name():
    """The BLAS library actually mapped into this process after a matmul (Debian picks it with
    update-alternatives; torch's build config may name libraries it does not use)."""
    torch.ones(64, 64) @ torch.ones(64, 64)
    try:
        maps = open("/proc/self/maps").read()
    except OSError:
        return "unknown"
    for name in ("openblas", "mkl", "blis", "atlas"):
        if name in maps:
            return name
    return "reference" if "libblas" in maps else "unknown"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seconds", type=float, default=3.0)
    a = ap.parse_args()
    dev = torch.device(a.device)
    threads = [int(t) for t in a.threads.split(",")] if dev.type == "cpu" else [torch.get_num_threads()]
    impl = "torch" if dev.type == "cpu" else f"torch-{dev.type}"
    extra = {"blas": blas_name(), "torch": torch.__version__}
    if dev.type == "cuda":
        extra["gpu"] = torch.cuda.get_device_name(0)
    for t in threads:
        torch.set_num_threads(t)
        torch.manual_seed(0)
        for name, model in [("vae-cat", VAE([], dev)), ("vae-mlp", VAE([512, 256], dev)), ("sbn-bern", SBN(dev))]:
            dt = bench(name, model, dev, a.seconds)
            print(json.dumps({"model": name, "impl": impl, "threads": t, "examples_per_s": round(B / dt), "ms_per_step": round(dt * 1e3, 4), **extra}), flush=True)


if __name__ == "__main__":
    main()
