// Slope-annealed straight-through (Chung et al. 2016 §3.1; a baseline in Jang et al. 2017):
// forward the discrete sample z ~ p(z | ℓ); backward through
//   Bernoulli    hard_sigmoid(a·ℓ) = clip((a·ℓ + 1)/2, 0, 1)   (∂/∂ℓ = a/2 where |a·ℓ| < 1, else 0)
//   categorical  softmax(a·ℓ)                                  (our choice: the paper does not say)
// with slope a = opts.slope, annealed by the caller (schedules.ts: a = min(5, 1 + 0.04·epoch)). Biased.
import { discrete } from '../distributions/index.js';
import { checkNumber } from '../errors.js';
import { relu, scale, softmax, sub } from '../ops.js';
import type { Tensor } from '../tensor.js';
import { pathwise, straightThrough } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

/** clip((v + 1)/2, 0, 1) = relu(u) − relu(u − 1) with u = (v + 1)/2: differentiable, with the clip's derivative. */
function hardSigmoid(v: Tensor): Tensor {
  const u = scale(v, 0.5, 0.5);
  return sub(relu(u), relu(scale(u, 1, -1)));
}

export const slopeSt = () =>
  pathwise('slope_st', (logits, spec, key, { slope }) => {
    const a = checkNumber('slope_st', 'slope', slope, { positive: true });
    const soft = spec.kind === 'bernoulli' ? hardSigmoid(scale(logits, a)) : softmax(scale(logits, a), spec.k);
    return straightThrough(discrete(logits, spec).sample(key), soft);
  });

export const slopeStEstimator: EstimatorDescriptor = {
  name: 'slope_st', summary: 'slope-annealed straight-through: backward through hard-sigmoid(a·ℓ) / softmax(a·ℓ)', reads: ['slope'],
  options: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: slopeSt,
};
