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

/**
 * Conditional noise G given the sample z (k = 1: Bernoulli, logistic). What does not depend on the
 * draw is computed once per layer (k = 1: q = 1 − σ(ℓ); else log Z, π and the sample's class d per
 * group); the returned function fills G from uniforms u per draw, into one buffer (tensor() copies it).
 * Double arithmetic in the order of the plain formula, so G has the same bits as computing it per draw.
 */
function conditionalNoise(l: ArrayLike<number>, z: ArrayLike<number>, k: number): (u: ArrayLike<number>) => Float64Array {
  const n = l.length, out = new Float64Array(n);
  if (k === 1) {
    const q = new Float64Array(n); // a loop: Float64Array.from with a map function is slow in V8
    for (let j = 0; j < n; j++) q[j] = 1 / (1 + Math.exp(l[j]));
    return (u) => {
      for (let j = 0; j < n; j++) {
        const p = z[j] ? q[j] + u[j] * (1 - q[j]) : u[j] * q[j];
        out[j] = Math.log(p) - Math.log1p(-p);
      }
      return out;
    };
  }
  const lse = new Float64Array(n / k), pi = new Float64Array(n), d = new Int32Array(n / k);
  for (let o = 0, c = 0; o < n; o += k, c++) {
    let top = -Infinity, sum = 0;
    for (let j = 0; j < k; j++) top = Math.max(top, l[o + j]);
    for (let j = 0; j < k; j++) sum += Math.exp(l[o + j] - top);
    lse[c] = top + Math.log(sum);
    for (let j = 0; j < k; j++) if (z[o + j] === 1) d[c] = j;
    for (let j = 0; j < k; j++) pi[o + j] = Math.exp(l[o + j] - lse[c]);
  }
  return (u) => {
    for (let o = 0, c = 0; o < n; o += k, c++) {
      const ed = -Math.log(u[o + d[c]]); // E_i
      for (let j = 0; j < k; j++) {
        const x = j === d[c] ? -Math.log(ed) : -Math.log(-Math.log(u[o + j]) / pi[o + j] + ed);
        out[o + j] = x + lse[c] - l[o + j]; // perturbed logit x + log Z, minus ℓ
      }
    }
    return out;
  };
}

export const gumbelRao = (samples: number) =>
  pathwise('gumbel_rao', (logits, spec, key, { tau }) => {
    const D = discrete(logits, spec).sample(key), k = spec.kind === 'bernoulli' ? 1 : spec.k;
    const noise = conditionalNoise(logits.data(), D.data(), k);
    const soft = addAll(Array.from({ length: samples }, (_, s): Tensor => {
      const u = uniform(foldIn(key, 1 + s), logits.shape, logits.backend).data();
      const x = scale(add(logits, tensor(noise(u), logits.shape, { backend: logits.backend })), 1 / tau);
      return k === 1 ? sigmoid(x) : softmax(x, k);
    }))!;
    return withGradientOf(D, scale(soft, 1 / samples));
  });

export const gumbelRaoEstimator: EstimatorDescriptor = {
  name: 'gumbel_rao', summary: 'Gumbel-Rao GR-MCK: ST Gumbel-Softmax backward averaged over K noises conditioned on the sample',
  reads: ['tau'], options: [{ key: 'samples', help: 'conditional Gumbel samples K per variable', default: 10, min: 1, max: 1000, integer: true }],
  unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: (o) => gumbelRao(o.samples as number),
};
