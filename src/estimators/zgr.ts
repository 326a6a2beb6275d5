// ZGR, the zero-temperature limit of Gumbel-Rao (Shekhovtsov, ICML 2023, Eq. 16): forward the exact
// sample D ~ Cat(p), p = softmax(ℓ) (Bernoulli: σ(ℓ)); backward through the surrogate
//   ½(p + SG(D − p)·log p_D),
// the mean of ST's Jacobian J(p) and the DARN-like term (D − p)∇ log p_D:
//   ĝ = ½(J(p)ᵀg + ⟨D − p, g⟩∇ log p_D)   (Bernoulli: ½(b(1 − p) + (1 − b)p)·g).
// For Bernoulli units it coincides, sample by sample, with darn without C and VN. Biased; one evaluation.
import { discrete } from '../distributions/index.js';
import { add, scale, stopGradient, sub } from '../ops.js';
import { pathwise, timesPerVariable, withGradientOf } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const zgr = () =>
  pathwise('zgr', (logits, spec, key) => {
    const d = discrete(logits, spec), D = d.sample(key), p = d.mean();
    const score = timesPerVariable(stopGradient(sub(D, p)), d.logProbUnits(D), spec);
    return withGradientOf(D, scale(add(p, score), 0.5));
  });

export const zgrEstimator: EstimatorDescriptor = {
  name: 'zgr', summary: 'ZGR: exact sample forward, ½(ST + DARN-like score term) backward (cold Gumbel-Rao)',
  reads: [], options: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: zgr,
};
