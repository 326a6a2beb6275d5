// Gumbel-Softmax / Concrete (Jang et al. 2017 Eq. 2; Maddison et al. 2017):
//   categorical  y = softmax((ℓ + g)/τ) per group of k,  g ~ Gumbel(0, 1)
//   Bernoulli    y = σ((ℓ + L)/τ),                         L ~ Logistic(0, 1)  (BinConcrete)
// The model consumes the relaxed y and the gradient is pathwise (reparameterised). Unbiased for the
// relaxed objective, biased for the discrete one; the bias shrinks as τ → 0 while the variance grows.
import { relaxed } from '../distributions/index.js';
import { pathwise } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const gumbelSoftmax = () => pathwise('gumbel_softmax', (logits, spec, key, { tau }) => relaxed(logits, spec, tau).sample(key));

export const gumbelSoftmaxEstimator: EstimatorDescriptor = {
  name: 'gumbel_softmax', summary: 'Gumbel-Softmax / Concrete: the relaxed sample at temperature τ, pathwise', reads: ['tau'],
  options: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: gumbelSoftmax,
};
