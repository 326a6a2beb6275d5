"""A PyTorch twin of a Table 1 cell of `gumbel reproduce table1`: the categorical VAE (or, with
--latent bernoulli, the Bernoulli one) of Jang, Gu & Poole (ICLR 2017, Section 4.2) as our standard
budget (SGD with momentum) or, with --optimizer adam, our long budget trains it, written from the papers'
formulas and from reading src/models/vae.ts, src/estimators/{darn,slope_st,gumbel_softmax,signal_stats}.ts,
src/optim/optimizer.ts and src/train/{config,schedules}.ts, so that a curve both sides share is the
protocol's and a curve only ours shows is our code's.

Model (vae.ts, no --hidden: the paper's affine VAE): q(z|x) = Cat(softmax(l)), l = W_e x + b_e (784 -> 20x10);
p(x|z) = Bernoulli(sigmoid(W_d z + b_d)) (200 -> 784); learned prior p(z) = Cat(softmax(l_p)), l_p = 0 at start.
Glorot-uniform weights, zero biases, b_d = logit(clip(mean of the training pixels, 1e-3, 1 - 1e-3)).
f(z) = -log p(x|z) + KL(q(z|x) || p(z)) per example, the KL analytic.
Estimators (categorical, k = 10, one layer of 20 variables):
  darn      (Gu et al. 2016 Eqs. 5-7; Gregor et al. 2014) surrogate = mean_b f_b(z) + (1/B) sum_{b,j} log q(z_bj|x_b) * s_bj,
            s_bj = SG(f'(z)_bj . (z_bj - 1/k)), f' = df/dz at the discrete sample, then C and VN:
            s <- (s - c) / max(1, sqrt(v)), c and v the bias-corrected moving means (decay 0.99) of s and of
            (s - c)^2 over earlier steps (all variables and examples pooled).
  slope_st  (Chung et al. 2016) forward the one-hot z ~ q, backward through softmax(a * l),
            a = min(5, 1 + 0.04 * epoch), epoch = floor(t * batch / 50000).
  gumbel_softmax  (Jang et al. 2017 Eq. 2) forward y = softmax((l + g)/tau), tau = max(0.5, exp(-r N floor(t/N))).
SGD with momentum (optimizer.ts): v <- mu v + g, p <- p - lr v (torch.optim.SGD with dampening 0 is this).
Validation (vae.ts evaluate): -log((1/m) sum_i p(x|z_i) p(z_i)/q(z_i|x)), z_i ~ q discrete, on the first
`valid_size` validation examples with the same noise every time.

Data: the .npy files of scripts/export_mnist.mjs (our loader's fixed binarization and split). Batches:
a fresh random permutation per epoch, dropping the last partial batch (as our Batcher), from numpy's
generator: the same in distribution as ours, not bit for bit.

Usage (CPU, 1 thread):
  node scripts/export_mnist.mjs runs/mnist-npy
  /usr/bin/python3 bench/peers/table1_twin.py --data runs/mnist-npy --estimator darn --seed 1 --out runs/twins/darn-s1.jsonl
Ablations: --normalise false (DARN without VN), --slope-max 1 (slope-ST with a = 1, i.e. ST),
--bern-soft sigmoid (Bernoulli slope-ST through sigmoid(a l) instead of the hard sigmoid).
Bernoulli (200 units): q = Bernoulli(sigmoid(l)), KL analytic against the learned prior's logits; DARN's
signal is f'(z)_j (z_j - 1/2) per unit; slope-ST backs through hard_sigmoid(a l) = clip((a l + 1)/2, 0, 1);
Gumbel-Softmax is the binary Concrete sigmoid((l + log u - log(1 - u))/tau).
Prints and writes one JSON line per --every steps (default 1,000: step, train loss averaged over those steps, KL, encoder
gradient norm, validation bound). Findings: results/twins/table1-darn-slope-st.md.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

N_VARS, K, DIM, WIDTH = 20, 10, 784, 200


def glorot(fan_in, fan_out, gen):
    a = math.sqrt(6 / (fan_in + fan_out))
    # Stored [out, in] as torch.nn.functional.linear wants; the bound is symmetric in the fans.
    return ((torch.rand(fan_out, fan_in, generator=gen) * 2 - 1) * a).requires_grad_()


class Vae:
    """The categorical VAE (20 variables of k = 10; logits [B, 20, 10]) or, with `bernoulli`, the
    Bernoulli one (200 units; logits [B, 200]), as vae.ts builds both."""

    def __init__(self, train, gen, bernoulli=False):
        self.bern = bernoulli
        self.we, self.be = glorot(DIM, WIDTH, gen), torch.zeros(WIDTH, requires_grad=True)
        self.wd = glorot(WIDTH, DIM, gen)
        p = train.mean(0).clamp(1e-3, 1 - 1e-3)
        self.bd = (torch.log(p) - torch.log1p(-p)).requires_grad_()
        self.prior = torch.zeros(WIDTH, requires_grad=True)

    def params(self):
        return [self.we, self.be, self.wd, self.bd, self.prior]

    def encode(self, x):
        l = F.linear(x, self.we, self.be)
        return l if self.bern else l.view(-1, N_VARS, K)

    def nll(self, z, x):
        """-log p(x|z) per row: [B]."""
        logits = F.linear(z.reshape(-1, WIDTH), self.wd, self.bd)
        return (F.softplus(logits) - x * logits).sum(-1)  # torch 1.13's BCE-with-logits is ~10x slower on CPU

    def log_prob(self, logits, z):
        """log q(z) per variable: [B, 200] (Bernoulli) or [B, 20] (categorical)."""
        if self.bern:
            return z * F.logsigmoid(logits) + (1 - z) * F.logsigmoid(-logits)
        return (F.log_softmax(logits, -1) * z).sum(-1)

    def log_ratio(self, logits, z):
        """log p(z) - log q(z|x) per row."""
        p = self.prior.expand_as(logits) if self.bern else self.prior.view(N_VARS, K).expand_as(logits)
        return (self.log_prob(p, z) - self.log_prob(logits, z)).sum(-1)

    def kl(self, logits):
        if self.bern:
            q, lp = torch.sigmoid(logits), self.prior
            return (q * (F.logsigmoid(logits) - F.logsigmoid(lp)) + (1 - q) * (F.logsigmoid(-logits) - F.logsigmoid(-lp))).sum(-1)
        lq, lp = F.log_softmax(logits, -1), F.log_softmax(self.prior.view(N_VARS, K), -1)
        return (lq.exp() * (lq - lp)).sum((1, 2))

    def sample(self, logits, gen):
        """z ~ q: Bernoulli(sigmoid(logits)), or one-hot by the Gumbel-max trick."""
        u = torch.rand(logits.shape, generator=gen)
        if self.bern:
            return (u < torch.sigmoid(logits)).to(logits.dtype)
        g = -torch.log(-torch.log(u.clamp(1e-20, 1 - 1e-7)))
        return F.one_hot((logits + g).argmax(-1), K).to(logits.dtype)

    def relaxed(self, logits, tau, gen):
        """The Gumbel-Softmax (binary Concrete for Bernoulli) sample at temperature tau."""
        u = torch.rand(logits.shape, generator=gen).clamp(1e-20, 1 - 1e-7)
        if self.bern:
            return torch.sigmoid((logits + torch.log(u) - torch.log1p(-u)) / tau)
        return F.softmax((logits - torch.log(-torch.log(u))) / tau, -1)


class SignalStats:
    """C and VN (signal_stats.ts): the averages of earlier steps only, bias-corrected by 1 - d^t."""

    def __init__(self, decay=0.99, normalise=True):
        self.d, self.c, self.v, self.t, self.normalise = decay, 0.0, 0.0, 0, normalise

    def apply(self, s):
        c = self.c / (1 - self.d ** self.t) if self.t else 0.0
        v = self.v / (1 - self.d ** self.t) if self.t else 0.0
        m = max(1.0, math.sqrt(v)) if self.normalise else 1.0
        s64 = s.double()
        self.c = self.d * self.c + (1 - self.d) * s64.mean().item()
        self.v = self.d * self.v + (1 - self.d) * ((s64 - c) ** 2).mean().item()
        self.t += 1
        return (s - c) / m, m


def objective(model, x, est, t, a, gen, stats):
    """(loss, surrogate, extras) for one batch."""
    logits = model.encode(x)
    kl = model.kl(logits)
    if est == "gumbel_softmax":
        f = model.nll(model.relaxed(logits, a["tau"], gen), x) + kl
        return f.mean(), f.mean(), {"kl": kl.mean().item()}
    z = model.sample(logits.detach(), gen)
    if est == "slope_st":
        if not model.bern:
            soft = F.softmax(a["slope"] * logits, -1)
        elif a["bern_soft"] == "hard":  # Chung et al.'s hard sigmoid, as slope_st.ts
            soft = torch.clamp((a["slope"] * logits + 1) / 2, 0, 1)
        else:
            soft = torch.sigmoid(a["slope"] * logits)
        f = model.nll(z - soft.detach() + soft, x) + kl
        return f.mean(), f.mean(), {"kl": kl.mean().item()}
    # darn: f' at the sample, then the score term on the per-variable first-order signal.
    zp = z.clone().requires_grad_()
    rec = model.nll(zp, x)
    (dfdz,) = torch.autograd.grad(rec.sum(), zp, retain_graph=True)
    s = dfdz * (z - 0.5) if model.bern else (dfdz * (z - 1 / K)).sum(-1)  # [B, 200] or [B, 20]
    signal, m = stats.apply(s)
    logq = model.log_prob(logits, z)
    f = rec.detach() + kl
    surrogate = (rec + kl).mean() + (logq * signal).sum() / x.shape[0]
    return f.mean(), surrogate, {"kl": kl.mean().item(), "vn": m, "signal_sd": s.std().item()}


@torch.no_grad()
def bound(model, data, m, seed, chunk=50):
    gen = torch.Generator().manual_seed(seed)  # the same noise at every validation, as ours
    total = 0.0
    for i in range(0, data.shape[0], chunk):
        x = data[i:i + chunk]
        e = x.shape[0]
        lqr = model.encode(x).repeat_interleave(m, 0)  # [e*m, ...]
        z = model.sample(lqr, gen)
        logw = -model.nll(z, x.repeat_interleave(m, 0)) + model.log_ratio(lqr, z)
        total += -(torch.logsumexp(logw.view(e, m).double(), 1) - math.log(m)).sum().item()
    return total / data.shape[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", required=True, help="folder with train.npy and valid.npy (scripts/export_mnist.mjs)")
    ap.add_argument("--estimator", choices=["darn", "slope_st", "gumbel_softmax"], required=True)
    ap.add_argument("--latent", choices=["categorical", "bernoulli"], default="categorical")
    ap.add_argument("--optimizer", choices=["sgd", "adam"], default="sgd", help="adam: betas 0.9, 0.999, eps 1e-8 (budget long)")
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--momentum", type=float, default=0.9)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--steps", type=int, default=20000)
    ap.add_argument("--tau-rate", type=float, default=1e-4)
    ap.add_argument("--tau-every", type=int, default=500)
    ap.add_argument("--slope-max", type=float, default=5.0, help="slope_st: the cap of a (1: plain straight-through)")
    ap.add_argument("--bern-soft", choices=["hard", "sigmoid"], default="hard",
                    help="slope_st on Bernoulli: backward through hard_sigmoid(a l) (ours, Chung et al.) or sigmoid(a l)")
    ap.add_argument("--normalise", choices=["true", "false"], default="true", help="darn: VN on (ours: --normalise)")
    ap.add_argument("--valid-size", type=int, default=1000)
    ap.add_argument("--valid-samples", type=int, default=100)
    ap.add_argument("--every", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", help="also write the JSON lines here")
    a = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    train = torch.from_numpy(np.load(os.path.join(a.data, "train.npy")).astype(np.float32))
    valid = torch.from_numpy(np.load(os.path.join(a.data, "valid.npy"))[:a.valid_size].astype(np.float32))
    model = Vae(train, gen, a.latent == "bernoulli")
    if a.optimizer == "adam":
        opt = torch.optim.Adam(model.params(), lr=a.lr, betas=(0.9, 0.999), eps=1e-8)
    else:
        opt = torch.optim.SGD(model.params(), lr=a.lr, momentum=a.momentum)
    stats = SignalStats(normalise=a.normalise == "true")
    per_epoch = train.shape[0] // a.batch
    out = open(a.out + ".tmp", "w") if a.out else None
    acc, t0, perm = {}, time.time(), None
    for t in range(a.steps):
        if t % per_epoch == 0:
            perm = torch.from_numpy(rng.permutation(train.shape[0]))
        x = train[perm[(t % per_epoch) * a.batch:(t % per_epoch + 1) * a.batch]]
        sched = {
            "tau": max(0.5, math.exp(-a.tau_rate * a.tau_every * (t // a.tau_every))),
            "slope": min(a.slope_max, 1 + 0.04 * (t * a.batch // train.shape[0])),
            "bern_soft": a.bern_soft,
        }
        loss, surrogate, extra = objective(model, x, a.estimator, t, sched, gen, stats)
        opt.zero_grad()
        surrogate.backward()
        enc_grad = torch.cat([model.we.grad.flatten(), model.be.grad]).norm().item()
        opt.step()
        if not math.isfinite(loss.item()):
            sys.exit(f"table1_twin: the loss is {loss.item()} at step {t}")
        for k, v in {"loss": loss.item(), "enc_grad": enc_grad, **extra}.items():
            acc[k] = acc.get(k, 0.0) + v
        if (t + 1) % a.every == 0:
            line = {"step": t + 1, **{k: v / a.every for k, v in acc.items()}, "slope": sched["slope"], "tau": sched["tau"],
                    "valid": bound(model, valid, a.valid_samples, 12345), "seconds": round(time.time() - t0, 1),
                    "estimator": a.estimator, "latent": a.latent, "bern_soft": a.bern_soft, "optimizer": a.optimizer, "seed": a.seed, "lr": a.lr}
            acc = {}
            print(json.dumps(line), flush=True)
            if out:
                out.write(json.dumps(line) + "\n")
                out.flush()
    if out:
        out.close()
        os.replace(a.out + ".tmp", a.out)


if __name__ == "__main__":
    main()
