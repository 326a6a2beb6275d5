// VIMCO (Mnih & Rezende, ICML 2016, Eqs. 3, 8–10): K independent samples h_k of every stochastic
// layer, log-weights log w_k = −f_k, the K-sample bound L̂ = log (1/K) Σ_k w_k and its gradient
//   ∇L̂ ≈ Σ_k (L̂ − L̂_{−k})·∇ log q(h_k) + Σ_k w̃_k ∇ log w_k,   w̃_k = w_k / Σ_j w_j,
//   L̂_{−k} = log (1/K)(Σ_{j≠k} w_j + exp(mean_{j≠k} log w_j))   (a geometric mean stands in for w_k),
// each baseline independent of h_k: unbiased for ∇E[L̂]. The objective is −L̂ (its loss is reported).
// f must be a single-sample log-weight, −log p(x, h) + log q(h | x) (the SBN's pass is: q = p); with
// an analytic KL inside f it is a different objective. K evaluations: the pass is run K times.
import { mean, mul, stopGradient, sub, tensor } from '../ops.js';
import { addAll, sampleRuns, stateless } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

const logMeanExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0) / xs.length);
};

export const vimco = (samples: number) =>
  stateless('vimco', true, (pass, key) => {
    const runs = sampleRuns(pass, key, samples).map((r) => ({ ...r, lw: Array.from(r.f.data(), (v) => -v) }));
    const rows = runs[0].lw.length, K = samples, be = runs[0].f.backend;
    const weight = runs.map(() => new Float64Array(rows)), signal = runs.map(() => new Float64Array(rows)), bound = new Float64Array(rows);
    for (let b = 0; b < rows; b++) {
      const lw = runs.map((r) => r.lw[b]), L = logMeanExp(lw), total = lw.reduce((a, v) => a + v, 0);
      bound[b] = -L;
      lw.forEach((v, k) => {
        weight[k][b] = Math.exp(v - L) / K;
        signal[k][b] = L - logMeanExp(lw.map((x, j) => (j === k ? (total - v) / (K - 1) : x)));
      });
    }
    const constant = (x: Float64Array) => stopGradient(tensor(x, [rows], { backend: be }));
    const pathwise = addAll(runs.map((r, k) => mul(constant(weight[k]), r.f)))!;
    const score = addAll(runs.flatMap((r, k) => (r.logq ? [mul(constant(signal[k]), r.logq)] : [])));
    return { loss: mean(constant(bound)), surrogate: mean(score ? sub(pathwise, score) : pathwise) };
  });

export const vimcoEstimator: EstimatorDescriptor = {
  name: 'vimco', summary: 'VIMCO: K samples, the K-sample bound log mean_k w_k with leave-one-out baselines',
  reads: [], options: [{ key: 'samples', help: 'samples K of the bound (decoder evaluations)', default: 5, min: 2, max: 1000, integer: true }],
  unbiased: true, logWeight: true, boundSamples: (o) => o.samples as number, evaluations: (o) => o.samples as number,
  latents: ['bernoulli', 'categorical'], create: (o) => vimco(o.samples as number),
};
