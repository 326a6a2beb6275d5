"""A second, independent timing of the PyTorch peer of bench/models: the same three models and step
(batch 100, Gumbel-Softmax / BinConcrete at tau = 1, analytic categorical KL, Adam 1e-3), written as
plain functions of a flat parameter list instead of nn.Modules, and timed by
torch.utils.benchmark.Timer.blocked_autorange (its own loop, thread setting and median of blocks)
instead of torch_models.py's windows. Same configuration (torch_setup.py). bench/models flags the two
when they disagree by more than 15 %.
Usage: python3 torch_models_check.py [--threads 1,2] [--seconds 3] [--mnist DIR] [--models a,b]
Prints one JSON line per model and thread count: {"model","impl":"torch-check","threads","examples_per_s",...}.
"""
import argparse
import json

import torch
import torch.nn.functional as F
from torch.utils.benchmark import Timer

from torch_setup import Batches, blas_info, default_mnist_dir, mnist_train, tune_malloc

# name -> layer widths of the encoder (and mirrored decoder) or of the SBN's three layers
NETS = {"vae-cat": [784, 200], "vae-mlp": [784, 512, 256, 200], "sbn-bern": [392, 200, 200, 392]}


def layers(widths):
    """[W0, b0, W1, b1, ...] for a chain of affine maps, W ~ N(0, 1/fan_in)."""
    ps = []
    for i, o in zip(widths, widths[1:]):
        ps += [torch.randn(o, i) / i**0.5, torch.zeros(o)]
    return [p.requires_grad_() for p in ps]


def chain(ps, h, last_act=False):
    """Affine maps with ReLU between them."""
    n = len(ps) // 2
    for j in range(n):
        h = F.linear(h, ps[2 * j], ps[2 * j + 1])
        if j < n - 1 or last_act:
            h = h.relu()
    return h


def noise_logit(shape):
    u = torch.rand(shape).clamp_(2**-24, 1 - 2**-24)
    return u.log() - (-u).log1p()  # logistic noise


def vae_loss(widths):
    enc, dec, prior = layers(widths), layers(widths[::-1]), torch.zeros(20, 10).requires_grad_()

    def loss(x):
        a = chain(enc, x).view(-1, 20, 10)
        g = -(-torch.rand(a.shape).clamp_(2**-24, 1 - 2**-24).log()).log()  # Gumbel noise
        y = torch.softmax(a + g, -1).flatten(1)
        rec = F.binary_cross_entropy_with_logits(chain(dec, y), x, reduction="none").sum(1)
        lq, lp = a.log_softmax(-1), prior.log_softmax(-1)
        return (rec + (lq.exp() * (lq - lp)).sum((1, 2))).mean()

    return loss, enc + dec + [prior]


def sbn_loss(widths):
    ps = layers(widths)

    def loss(x):
        h = x[:, :392]
        for j in range(2):
            a = F.linear(h, ps[2 * j], ps[2 * j + 1])
            h = torch.sigmoid(a + noise_logit(a.shape))
        return F.binary_cross_entropy_with_logits(F.linear(h, ps[4], ps[5]), x[:, 392:], reduction="none").sum(1).mean()

    return loss, ps


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--seconds", type=float, default=3.0)
    ap.add_argument("--mnist", default=default_mnist_dir())
    ap.add_argument("--models", default=",".join(NETS))
    a = ap.parse_args()
    extra = {**blas_info(), "malloc": tune_malloc(), "data": "mnist", "timer": "torch.utils.benchmark blocked_autorange"}
    data = mnist_train(a.mnist)
    for t in (int(s) for s in a.threads.split(",")):
        for name in a.models.split(","):
            widths = NETS[name]
            torch.manual_seed(1)
            loss, params = (sbn_loss if name == "sbn-bern" else vae_loss)(widths)
            opt, batches = torch.optim.Adam(params, lr=1e-3), Batches(data, 100, seed=1)

            def step():
                opt.zero_grad(set_to_none=True)
                loss(batches.next()).backward()
                opt.step()

            timer = Timer("step()", globals={"step": step}, num_threads=t)
            timer.timeit(max(20, round(10 * a.seconds)))  # warm-up
            m = timer.blocked_autorange(min_run_time=a.seconds)
            print(json.dumps({"model": name, "impl": "torch-check", "threads": t, "examples_per_s": round(100 / m.median),
                              "ms_per_step": round(m.median * 1e3, 4), "iqr_ms": round(m.iqr * 1e3, 4), **extra}), flush=True)


if __name__ == "__main__":
    main()
