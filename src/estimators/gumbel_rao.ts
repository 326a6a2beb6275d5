// Gumbel-Rao, GR-MCK (Paulus, Maddison & Krause, ICLR 2021, Eq. 9): forward the exact sample
// D = argmax(ℓ + g) of ST Gumbel-Softmax; backward through the Monte Carlo Rao-Blackwellisation of its
// surrogate over the noise given D,
//   ŷ = (1/K) Σ_k softmax((ℓ + G_k)/τ),  G_k ~ Gumbel noise conditioned on argmax(ℓ + G) = D,
// drawn top-down with exponentials E (π = softmax ℓ, i = D): ℓ_i + G_i = −log E_i + log Z and
// ℓ_j + G_j = −log(E_j/π_j + E_i) + log Z (Bernoulli: logistic noise on the side of 0 that b says).
// No gradient flows through G_k: the estimator is E[∂/∂ℓ softmax((ℓ + G)/τ) | D] with G held fixed,
// so its expectation equals ST Gumbel-Softmax's (differentiating the conditional sampler in ℓ would
// add a term ST-GS does not have), and only its variance drops. Biased; one evaluation + K softmaxes.
import { discrete } from '../distributions/index.js';
import { add, scale, softmax, sigmoid, tensor, uniform } from '../ops.js';
import { foldIn } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { addAll, pathwise, withGradientOf } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

/** Conditional noise G given the sample z, from uniforms u (k = 1: Bernoulli, logistic). */
function conditionalNoise(l: ArrayLike<number>, z: ArrayLike<number>, u: ArrayLike<number>, k: number): number[] {
  const logit = (p: number) => Math.log(p) - Math.log1p(-p);
  if (k === 1) return Array.from(l, (v, j) => { const q = 1 / (1 + Math.exp(v)); return logit(z[j] ? q + u[j] * (1 - q) : u[j] * q); });
  const g = new Array<number>(l.length), e = Array.from(u, (x) => -Math.log(x));
  for (let o = 0; o < l.length; o += k) {
    let top = -Infinity, lse = 0, d = 0;
    for (let j = 0; j < k; j++) top = Math.max(top, l[o + j]);
    for (let j = 0; j < k; j++) lse += Math.exp(l[o + j] - top);
    lse = top + Math.log(lse);
    for (let j = 0; j < k; j++) if (z[o + j] === 1) d = j;
    for (let j = 0; j < k; j++) {
      const x = j === d ? -Math.log(e[o + d]) : -Math.log(e[o + j] / Math.exp(l[o + j] - lse) + e[o + d]);
      g[o + j] = x + lse - l[o + j]; // perturbed logit x + log Z, minus ℓ
    }
  }
  return g;
}

export const gumbelRao = (samples: number) =>
  pathwise('gumbel_rao', (logits, spec, key, { tau }) => {
    const D = discrete(logits, spec).sample(key), k = spec.kind === 'bernoulli' ? 1 : spec.k, lv = logits.data(), zv = D.data();
    const soft = addAll(Array.from({ length: samples }, (_, s): Tensor => {
      const u = uniform(foldIn(key, 1 + s), logits.shape, logits.backend).data();
      const x = scale(add(logits, tensor(conditionalNoise(lv, zv, u, k), logits.shape, { backend: logits.backend })), 1 / tau);
      return k === 1 ? sigmoid(x) : softmax(x, k);
    }))!;
    return withGradientOf(D, scale(soft, 1 / samples));
  });

export const gumbelRaoEstimator: EstimatorDescriptor = {
  name: 'gumbel_rao', summary: 'Gumbel-Rao GR-MCK: ST Gumbel-Softmax backward averaged over K noises conditioned on the sample',
  reads: ['tau'], options: [{ key: 'samples', help: 'conditional Gumbel samples K per variable', default: 10, min: 1, max: 1000, integer: true }],
  unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: (o) => gumbelRao(o.samples as number),
};
