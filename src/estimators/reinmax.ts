// ReinMax (Liu, Jiang, Cheng, Gao & Sun, NeurIPS 2023, Algorithm 2; microsoft/ReinMax): forward the
// exact sample D ~ Cat(π₀), π₀ = softmax(ℓ) (Bernoulli: σ(ℓ), as two classes); backward by Heun's
// second-order step instead of ST's first-order one,
//   ∇ℓ = 2·J(π₁)ᵀg − ½·J(π₀)ᵀg,  π₁ = ½(softmax(ℓ/τ) + D),  J(p) = diag(p) − ppᵀ,
// g the upstream gradient at D. Requires τ ≥ 1 (as the reference code). At τ = 1 it equals ZGR
// (zgr.ts): for one-hot D, 2J(½(p + D)) − ½J(p) = ½J(p) + ½(D − p)(D − p)ᵀ. Biased; one evaluation.
import { discrete } from '../distributions/index.js';
import { ArgumentError } from '../errors.js';
import { add, scale, stopGradient, sub } from '../ops.js';
import { jacobianAt, pathwise, withGradientOf } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';

export const reinmax = () =>
  pathwise('reinmax', (logits, spec, key, { tau }) => {
    if (!(tau >= 1) || !Number.isFinite(tau)) throw new ArgumentError(`reinmax: tau must be a finite number >= 1, found ${tau}`);
    const d = discrete(logits, spec), D = d.sample(key);
    const p1 = stopGradient(scale(add(discrete(scale(logits, 1 / tau), spec).mean(), D), 0.5));
    return withGradientOf(D, sub(scale(jacobianAt(logits, p1, spec), 2), scale(d.mean(), 0.5)));
  });

export const reinmaxEstimator: EstimatorDescriptor = {
  name: 'reinmax', summary: "ReinMax: exact sample forward, Heun's step 2·J(½(softmax(ℓ/τ) + D)) − ½·J(softmax ℓ) backward; τ ≥ 1",
  reads: ['tau'], minTau: 1, options: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: reinmax,
};
