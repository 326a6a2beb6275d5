// ARM, Augment-REINFORCE-Merge (Yin & Zhou, ICLR 2019, Eq. 5): for Bernoulli units with logits ℓ,
// one u ~ U(0, 1) per unit and the antithetic pair b₁ = 1[u > σ(−ℓ)], b₂ = 1[u < σ(ℓ)]:
//   ĝ_ℓ = (f(b₁) − f(b₂))·(u − ½),
// unbiased, no backpropagation through f for the encoder. Bernoulli only (ARSM is the categorical
// extension, not this). One pair of evaluations per stochastic layer (antithetic.ts).
import { antithetic } from './antithetic.js';
import type { EstimatorDescriptor } from './registry.js';

export const arm = () => antithetic('arm', (df, u) => df * (u - 0.5));

export const armEstimator: EstimatorDescriptor = {
  name: 'arm', summary: 'ARM: antithetic pair b₁, b₂ from one uniform u; (f(b₁) − f(b₂))(u − ½)', reads: [], options: [],
  unbiased: true, evaluations: (_, layers) => 2 * layers, latents: ['bernoulli'], create: arm,
};
