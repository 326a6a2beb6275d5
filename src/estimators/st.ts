// Straight-through (Bengio et al. 2013), as MuProp §4.1 (Gu et al. 2016 Eq. 4) and Jang et al. §3.1
// use it: forward the discrete sample z ~ p(z | ℓ); backward through the mean,
//   ĝ = f′(z)·∂μ/∂ℓ,  μ = σ(ℓ) (Bernoulli, the σ′ included) or softmax(ℓ) (categorical).
// Exact for f linear in one layer's z; biased otherwise (e.g. −w_j²(1 − 2σ_j)σ′_j for f = (wᵀz − t)²).
import { discrete } from '../distributions/index.js';
import { pathwise, straightThrough } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const st = () =>
  pathwise('st', (logits, spec, key) => {
    const d = discrete(logits, spec);
    return straightThrough(d.sample(key), d.mean());
  });

export const stEstimator: EstimatorDescriptor = {
  name: 'st', summary: 'straight-through: discrete sample forward, the mean σ(ℓ)/softmax(ℓ) backward', reads: [],
  options: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: st,
};
