#!/usr/bin/env python3
"""PyTorch twins of gumbel's estimators after the paper, written from the papers' formulas.

Reads a JSON request on stdin: {seed, n, problems: {name: {kind, k?, theta, w, b, v, t, s}},
cases: [{estimator, problem, tau, opts}]}; writes one JSON list of {mean, var, varSe} per case,
per coordinate of the gradient with respect to the logits θ, from n independent per-sample
gradients drawn with torch's own RNG (float64). The decoder is f(z) = s·(vᵀ tanh(Wᵀz + b) − t)².

Notation: π = softmax θ per variable (Bernoulli: two classes with logits (θ, 0), class 0 is z = 1),
D the one-hot sample, g = ∂f/∂z at D, J(p)ᵀg = p ⊙ (g − ⟨p, g⟩).
  ReinMax (Liu et al. 2023, Alg. 2):   ĝ = 2J(π₁)ᵀg − ½J(π)ᵀg, π₁ = ½(softmax(θ/τ) + D)
  GST (Fan et al. 2022, Alg. 1):       ĝ = J(softmax(m*/τ))ᵀg/τ, m*_D = max θ, m*_j = min(θ_j, max θ − gap);
                                       gap = 1 (GST-1.0) or −log(1 − π_D)/π_D (GST-p)
  GR-MCK (Paulus et al. 2021, Eq. 9):  ĝ = (1/K)Σ_k J(softmax((θ + G_k)/τ))ᵀg/τ, G_k Gumbel given argmax = D
                                       (top-down: T = log Z + Gumbel, others −log(e^−T + e^−(θ_j + g_j)))
  ZGR (Shekhovtsov 2023, Eq. 16):      ĝ = ½(J(π)ᵀg + ⟨D − π, g⟩(D − π))
  decoupled ST (Shah et al. 2024):     x = θ/τ_f + G, D = onehot argmax x, ĝ = J(softmax(x/τ))ᵀg/(τ τ_f)
  RLOO (Kool et al. 2019):             ĝ = (1/K)Σ_k (f_k − mean_{j≠k} f_j)(D_k − π)
  ARM (Yin & Zhou 2019, Eq. 5):        ĝ = (f(1[u > σ(−θ)]) − f(1[u < σ(θ)]))(u − ½)
  DisARM (Dong et al. 2020, Eq. 9):    ĝ = ½(f(b) − f(b̃))·1[b ≠ b̃]·(−1)^b̃·σ(|θ|), b, b̃ ARM's pair
  REBAR / RELAX (Tucker et al. 2017 Eq. 5; Grathwohl et al. 2018 Eq. 7):
      ĝ = [f(b) − c(z̃)](b − π) + ∇θ c(z) − ∇θ c(z̃), c(z) = η f(σ_λ(z)) + r(σ_λ(z), θ),
      r(s, θ) = Σ_j vᵀ tanh(a s_j + c θ_j + d) + e (RELAX; r = 0 for REBAR), σ_λ(z) = σ(z/temperature),
      Bernoulli z̃ = θ + logit(v′), v′ = v(1 − σ(θ)) + (1 − σ(θ)) if b = 1 else v(1 − σ(θ)) (REBAR App.),
      categorical: z = log π + Gumbel, z̃ top-down as GR-MCK's.
  double CV (Titsias & Shi 2022):      h_k = f_k − α⟨ḡ₋ₖ, b_k − σ⟩, ĝ = (1/K)Σ_k (h_k − mean_{j≠k} h_j)(b_k − σ)
                                       + α·mean_k g_k ⊙ σ(1 − σ), g_k = ∂f/∂b at b_k
  VIMCO (Mnih & Rezende 2016, Eqs. 8–10): gradient of −L̂, L̂ = log mean_k e^{−f_k}:
      ĝ = −Σ_k (L̂ − L̂₋ₖ)(D_k − π), L̂₋ₖ = log (1/K)(Σ_{j≠k} e^{−f_j} + exp(mean_{j≠k} −f_j))
"""
import json
import math
import sys

import torch

torch.set_default_dtype(torch.float64)
F = torch.nn.functional


def decoder(p):
    w, b, v = torch.tensor(p['w']), torch.tensor(p['b']), torch.tensor(p['v'])
    return lambda z: p['s'] * (torch.tanh(z @ w + b) @ v - p['t']) ** 2


class View:
    """Logits θ [N, D] as groups [N, n, k] (Bernoulli: k = 2, logits (θ, 0)), and back."""

    def __init__(self, p, n):
        self.bern, self.n = p['kind'] == 'bernoulli', n
        self.k = 2 if self.bern else p['k']

    def groups(self, theta):
        if self.bern:
            return torch.stack([theta, torch.zeros_like(theta)], -1)
        return theta.reshape(self.n, -1, self.k)

    def flat(self, x):
        return x[..., 0] if self.bern else x.reshape(self.n, -1)


def jt(p, g):
    return p * (g - (p * g).sum(-1, keepdim=True))


def onehot(idx, k):
    return F.one_hot(idx, k).to(torch.get_default_dtype())


def gumbel(shape):
    return -torch.log(-torch.log(torch.rand(shape)))


def sample(logits):
    return onehot(torch.argmax(logits + gumbel(logits.shape), -1), logits.shape[-1])


def upstream(f, view, d):
    """f at the one-hot sample D and g = ∂f/∂D (per row: rows share nothing)."""
    d = d.clone().requires_grad_(True)
    out = f(view.flat(d))
    return out.detach(), torch.autograd.grad(out.sum(), d)[0]


def truncated(logits, d, top):
    """Perturbed logits given argmax = D with value `top` at D: others Gumbel(θ_j) truncated below top."""
    others = -torch.log(torch.exp(-top) + torch.exp(-(logits + gumbel(logits.shape))))
    return d * top + (1 - d) * others


def pathwise(name, f, view, theta, tau, o):
    logits = view.groups(theta)
    pi = F.softmax(logits, -1)
    if name == 'decoupled_st':
        x = logits / o['forwardTau'] + gumbel(logits.shape)
        d = onehot(torch.argmax(x, -1), view.k)
        _, g = upstream(f, view, d)
        return jt(F.softmax(x / tau, -1), g) / (tau * o['forwardTau'])
    d = sample(logits)
    _, g = upstream(f, view, d)
    if name == 'reinmax':
        return 2 * jt((F.softmax(logits / tau, -1) + d) / 2, g) - 0.5 * jt(pi, g)
    if name == 'zgr':
        return 0.5 * (jt(pi, g) + ((d - pi) * g).sum(-1, keepdim=True) * (d - pi))
    if name == 'gst':
        pd = (pi * d).sum(-1, keepdim=True)
        gap = -torch.log(1 - pd * (1 - 1e-5)) / (pd * (1 - 1e-5)) if o['adaptive'] else o['gap']
        top = logits.max(-1, keepdim=True).values
        m = d * top + (1 - d) * torch.minimum(logits, top - gap)
        return jt(F.softmax(m / tau, -1), g) / tau
    if name == 'gumbel_rao':
        lz = torch.logsumexp(logits, -1, keepdim=True)
        acc = 0
        for _ in range(o['samples']):
            top = lz + gumbel(lz.shape)
            acc = acc + jt(F.softmax(truncated(logits, d, top) / tau, -1), g) / tau
        return acc / o['samples']
    raise ValueError(name)


def score_runs(f, view, theta, k):
    logits = view.groups(theta)
    pi = F.softmax(logits, -1)
    ds = [sample(logits) for _ in range(k)]
    return torch.stack([f(view.flat(d)) for d in ds]), torch.stack([d - pi for d in ds])


def rloo(f, view, theta, o):
    k = o['samples']
    fs, sc = score_runs(f, view, theta, k)
    signal = k / (k - 1) * (fs - fs.mean(0))
    return (signal[..., None, None] * sc).mean(0)


def vimco(f, view, theta, o):
    k = o['samples']
    fs, sc = score_runs(f, view, theta, k)
    lw = -fs
    bound = torch.logsumexp(lw, 0) - math.log(k)
    signal = []
    for j in range(k):
        geo = (lw.sum(0) - lw[j]) / (k - 1)
        rest = torch.cat([lw[:j], lw[j + 1:], geo[None]])
        signal.append(bound - (torch.logsumexp(rest, 0) - math.log(k)))
    return -(torch.stack(signal)[..., None, None] * sc).sum(0)


def arm_pair(f, theta):
    u = torch.rand(theta.shape)
    b1, b2 = (u > torch.sigmoid(-theta)).double(), (u < torch.sigmoid(theta)).double()
    return u, b1, b2, (f(b1) - f(b2))[:, None]


def arm(f, theta):
    u, _, _, df = arm_pair(f, theta)
    return df * (u - 0.5)


def disarm(f, theta):
    _, b1, b2, df = arm_pair(f, theta)
    return 0.5 * df * (b1 != b2).double() * (1 - 2 * b2) * torch.sigmoid(theta.abs())


def double_cv(f, theta, o):
    k, alpha, sig = o['samples'], o['cvAlpha'], torch.sigmoid(theta)
    bs = [(torch.rand(theta.shape) < sig).double().requires_grad_(True) for _ in range(k)]
    fs = [f(b) for b in bs]
    gs = torch.stack(torch.autograd.grad(sum(x.sum() for x in fs), bs))
    fs, bs = torch.stack([x.detach() for x in fs]), torch.stack([b.detach() for b in bs])
    g_others = (gs.sum(0) - gs) / (k - 1)
    h = fs - alpha * (g_others * (bs - sig)).sum(-1)
    return (k / (k - 1) * (h - h.mean(0))[..., None] * (bs - sig)).mean(0) + alpha * gs.mean(0) * sig * (1 - sig)


def relaxed(name, f, view, theta, o):
    """REBAR / RELAX at fixed η, temperature and control network."""
    theta = theta.detach().requires_grad_(True)
    net = o.get('net')

    def r(s, l):
        if net is None:
            return 0
        a, c, d, v = (torch.tensor(net[x]) for x in 'acdv')
        return (torch.tanh(s[..., None] * a + l[..., None] * c + d) @ v).flatten(1).sum(-1) + net['e']

    if view.bern:
        sig = torch.sigmoid(theta)
        u, v = torch.rand(theta.shape), torch.rand(theta.shape)
        z = theta + torch.log(u) - torch.log(1 - u)
        b = (z > 0).double()
        vp = torch.where(b > 0, v * sig + (1 - sig), v * (1 - sig))
        zt = theta + torch.log(vp) - torch.log(1 - vp)
        relax_at = lambda x: torch.sigmoid(x / o['temperature'])
        score, fb = b - sig, f(b)
    else:
        logits = view.groups(theta)
        lp = F.log_softmax(logits, -1)
        z = lp + gumbel(lp.shape)
        b3 = onehot(torch.argmax(z, -1), view.k)
        zt = truncated(lp, b3, gumbel(lp[..., :1].shape))
        relax_at = lambda x: view.flat(F.softmax(x / o['temperature'], -1))
        score, fb = view.flat(b3 - F.softmax(logits, -1)), f(view.flat(b3))
    control = lambda x: o['eta'] * f(relax_at(x)) + r(relax_at(x), theta)
    cz, czt = control(z), control(zt)
    dc = torch.autograd.grad((cz - czt).sum(), theta)[0]
    return ((fb - czt).detach()[:, None] * score + dc).detach()


def estimate(case, problems, n):
    p = problems[case['problem']]
    f, view, o, name = decoder(p), View(p, n), case.get('opts', {}), case['estimator']
    theta = torch.tensor(p['theta']).repeat(n, 1)
    if name in ('reinmax', 'zgr', 'gst', 'gumbel_rao', 'decoupled_st'):
        g = view.flat(pathwise(name, f, view, theta, case['tau'], o))
    elif name == 'rloo':
        g = view.flat(rloo(f, view, theta, o))
    elif name == 'vimco':
        g = view.flat(vimco(f, view, theta, o))
    elif name == 'arm':
        g = arm(f, theta)
    elif name == 'disarm':
        g = disarm(f, theta)
    elif name == 'double_cv':
        g = double_cv(f, theta, o)
    elif name in ('rebar', 'relax'):
        g = relaxed(name, f, view, theta, o)
    else:
        raise ValueError(f'torch_twins: no twin for estimator {name!r}')
    g = g.detach()
    mean, c = g.mean(0), g - g.mean(0)
    var = (c ** 2).sum(0) / (n - 1)
    m4 = (c ** 4).mean(0)
    se = torch.sqrt(torch.clamp(m4 - var ** 2 * (n - 3) / (n - 1), min=0) / n)
    return {'mean': mean.tolist(), 'var': var.tolist(), 'varSe': se.tolist()}


def main():
    req = json.load(sys.stdin)
    torch.manual_seed(req['seed'])
    out = [estimate(c, req['problems'], req['n']) for c in req['cases']]
    json.dump(out, sys.stdout)


if __name__ == '__main__':
    main()
