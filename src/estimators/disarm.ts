// DisARM (Dong, Mnih & Tucker, NeurIPS 2020, Eq. 9; U2G, Yin et al. 2020): ARM's pair b₁, b₂
// (antithetic.ts) with u integrated out given (b₁, b₂):
//   ĝ_ℓ = ½(f(b₁) − f(b₂))·1[b₁ ≠ b₂]·(−1)^{b₂}·σ(|ℓ|),
// zero where the pair agrees; unbiased with variance ≤ ARM's. Bernoulli only; one pair of
// evaluations per stochastic layer.
import { antithetic } from './antithetic.js';
import type { EstimatorDescriptor } from './registry.js';

export const disarm = () => antithetic('disarm', (df, _u, b1, b2, l) => (b1 === b2 ? 0 : (0.5 * df * (b2 ? -1 : 1)) / (1 + Math.exp(-Math.abs(l)))));

export const disarmEstimator: EstimatorDescriptor = {
  name: 'disarm', summary: 'DisARM: ARM with u integrated out; ½(f(b₁) − f(b₂))·1[b₁≠b₂]·(−1)^b₂·σ(|ℓ|)', reads: [], options: [],
  unbiased: true, evaluations: (_, layers) => 2 * layers, latents: ['bernoulli'], create: disarm,
};
