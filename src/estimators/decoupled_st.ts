// Decoupled straight-through Gumbel-Softmax (Shah, Yan, Mozer & Liu 2024, arXiv 2410.13331): ST
// Gumbel-Softmax (Jang et al. 2017) with separate temperatures for the forward sample and the
// backward surrogate, with one Gumbel noise g:
//   forward  z = one_hot(argmax(ℓ/τ_f + g)), a sample of Cat(softmax(ℓ/τ_f))   (τ_f: own option)
//   backward ∂z/∂ℓ := ∂/∂ℓ softmax((ℓ/τ_f + g)/τ_b)                             (τ_b: the scheduled τ)
// τ_f = 1 is ST Gumbel-Softmax at τ = τ_b. τ_f ≠ 1 samples a tempered distribution (the paper's
// "exploration"): biased for the model's own one. Bernoulli: σ, logistic noise. One evaluation.
import { relaxed } from '../distributions/index.js';
import { scale } from '../ops.js';
import { pathwise, straightThrough } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const decoupledSt = (forwardTau: number) =>
  pathwise('decoupled_st', (logits, spec, key, { tau }) => {
    const { hard, soft } = relaxed(scale(logits, 1 / forwardTau), spec, tau).sampleWithHard(key);
    return straightThrough(hard, soft);
  });

export const decoupledStEstimator: EstimatorDescriptor = {
  name: 'decoupled_st', summary: 'decoupled ST Gumbel-Softmax: sample at forward temperature τ_f, backward at τ',
  reads: ['tau'], options: [{ key: 'forwardTau', help: 'forward (sampling) temperature τ_f', default: 1, min: 0.01, max: 100 }],
  unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: (o) => decoupledSt(o.forwardTau as number),
};
