// Straight-Through Gumbel-Softmax (Jang et al. 2017 §2.2):
//   forward  z = one_hot(argmax(ℓ + g))  (Bernoulli: z = [ℓ + L > 0]), an exact discrete sample
//   backward ∂z/∂ℓ := ∂y/∂ℓ with y = softmax((ℓ + g)/τ) (Bernoulli: σ((ℓ + L)/τ)), the same noise.
// Written as z = (z − SG(y)) + y, which is exactly z in the forward pass (numerics P8). The hard
// sample comes from argmax(ℓ + g), not from y, so it is exact at any τ (P8). Biased.
import { relaxed } from '../distributions/index.js';
import { pathwise, straightThrough } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const stGumbelSoftmax = () =>
  pathwise('st_gumbel_softmax', (logits, spec, key, { tau }) => {
    const { hard, soft } = relaxed(logits, spec, tau).sampleWithHard(key);
    return straightThrough(hard, soft);
  });

export const stGumbelSoftmaxEstimator: EstimatorDescriptor = {
  name: 'st_gumbel_softmax', summary: 'straight-through Gumbel-Softmax: exact sample forward, relaxed sample at τ backward', reads: ['tau'],
  options: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: stGumbelSoftmax,
};
