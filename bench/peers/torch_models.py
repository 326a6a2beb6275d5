"""The benchmark models of bench/models, written directly in PyTorch: the peer for
`npm run bench -- models` (CPU) and the GPU reference run.

(a) vae-cat:    categorical VAE 784-(20x10)-784, Gumbel-Softmax, learned prior, analytic KL
(b) vae-mlp:    784-512-256-(20x10)-256-512-784 with ReLU, otherwise as (a)
(c) sbn-bern:   Bernoulli SBN 392-200-200-392 (structured output), BinConcrete relaxation

One training step = forward, backward, Adam update, at batch 100, tau = 1, on a fresh shuffled batch
of fixed-binarized MNIST. Timing: a warm-up of a quarter of --seconds (at least 20 steps), then
--windows windows of wall clock; the median window counts and the spread (max/min) is reported.
Configuration (malloc, data, BLAS report): torch_setup.py; torch_models_check.py times the same
models with independent code and torch.utils.benchmark.
Prints one JSON object per line: {"model","impl","threads","examples_per_s","ms_per_step","spread",...}.
Usage: python3 torch_models.py [--device cpu|cuda] [--threads 1,2] [--seconds 3] [--mnist DIR] [--models a,b]
                               [--default-malloc]   # glibc's default thresholds (the old, slow peer)
"""
import argparse
import json
import resource
import statistics
import time

import torch
import torch.nn.functional as F

from torch_setup import Batches, blas_info, default_mnist_dir, mnist_train, tune_malloc

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


def bench(model, data, dev, seconds, windows):
    """Seconds per step (the median of `windows` wall-clock windows after the warm-up), max/min of the windows,
    and page faults per timed step (0 once the allocator keeps its memory)."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    batches = Batches(data, B)

    def steps(n):
        for _ in range(n):
            x = batches.next()
            opt.zero_grad(set_to_none=True)
            model.loss(x).backward()
            opt.step()
        if dev.type == "cuda":
            torch.cuda.synchronize()

    t0, warm = time.perf_counter(), 0
    while warm < 20 or time.perf_counter() - t0 < seconds / 4:  # warm-up: allocator, OpenMP pool, caches
        steps(10)
        warm += 10
    per_window = max(10, round(warm / (time.perf_counter() - t0) * seconds * 3 / 4 / windows))
    times, faults = [], resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(windows):
        t = time.perf_counter()
        steps(per_window)
        times.append((time.perf_counter() - t) / per_window)
    faults = (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults) / (windows * per_window)
    return statistics.median(times), max(times) / min(times), faults


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--windows", type=int, default=5)
    ap.add_argument("--models", default="vae-cat,vae-mlp,sbn-bern")
    ap.add_argument("--mnist", default=default_mnist_dir())
    ap.add_argument("--default-malloc", action="store_true")
    a = ap.parse_args()
    malloc = "glibc default" if a.default_malloc else tune_malloc()
    dev = torch.device(a.device)
    data = mnist_train(a.mnist).to(dev)  # on the device, as the reference training keeps it
    threads = [int(t) for t in a.threads.split(",")] if dev.type == "cpu" else [torch.get_num_threads()]
    impl = "torch" if dev.type == "cpu" else f"torch-{dev.type}"
    extra = {**blas_info(), "malloc": malloc, "data": "mnist"}
    if dev.type == "cuda":
        extra["gpu"] = torch.cuda.get_device_name(0)
    for t in threads:
        torch.set_num_threads(t)
        torch.manual_seed(0)
        for name in a.models.split(","):
            model = {"vae-cat": lambda: VAE([], dev), "vae-mlp": lambda: VAE([512, 256], dev), "sbn-bern": lambda: SBN(dev)}[name]()
            dt, spread, faults = bench(model, data, dev, a.seconds, a.windows)
            row = {"model": name, "impl": impl, "threads": torch.get_num_threads(), "examples_per_s": round(B / dt),
                   "ms_per_step": round(dt * 1e3, 4), "spread": round(spread, 3), "page_faults_per_step": round(faults), **extra}
            print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
