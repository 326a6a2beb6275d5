// REBAR (Tucker, Mnih, Maddison, Lawson & Sohl-Dickstein, NIPS 2017, Eq. 5), Bernoulli and categorical:
//   ĝ = [f(b) − η·f(σ_λ(z̃))]·∇ log p(b) + η·∇f(σ_λ(z)) − η·∇f(σ_λ(z̃)),
// z = ℓ + Logistic (Gumbel) noise, b = H(z), z̃ ~ p(z | b), σ_λ(z) = σ(z / e^λ) (softmax per group).
// Unbiased for any η, λ; with
// `learn` (the default) η and λ are parameters (params()) that the trainer's optimizer moves down
// the variance gradient ∂E‖ĝ‖²/∂(η, λ) ("Dynamic REBAR"). The gradient in λ is a second derivative
// of f, from our tape's createGraph. Formula details, several layers and the surrogate:
// relaxed_control.ts. Cost 1 + 2L decoder evaluations (L stochastic layers), each relaxed one
// with a recorded backward pass, then a second backward pass for the variance gradient.
import { getBackend } from '../engine.js';
import { Params } from '../nn/params.js';
import { mul } from '../ops.js';
import type { EstimatorDescriptor } from './registry.js';
import { relaxedControl } from './relaxed_control.js';

export interface RebarOptions {
  /** Initial η, the control variate's scale (default 1). */
  eta?: number;
  /** Initial temperature e^λ of the relaxation (default 0.5). */
  temperature?: number;
  /** Learn η and λ by minimising the variance (default true); false keeps them fixed. */
  learn?: boolean;
}

export function rebar(opts: RebarOptions = {}) {
  const p = new Params(getBackend());
  const eta = p.add('rebar.eta', [opts.eta ?? 1], [1]), logTemp = p.add('rebar.log_temperature', [Math.log(opts.temperature ?? 0.5)], [1]);
  return relaxedControl('rebar', p.list, logTemp, (fi, s) => mul(fi(s), eta), opts.learn ?? true);
}

export const REBAR_OPTIONS = [
  { key: 'eta', help: 'initial scale η of the control variate', default: 1, min: -100, max: 100 },
  { key: 'temperature', help: 'initial temperature e^λ of the relaxation', default: 0.5, min: 1e-3, max: 1e3 },
  { key: 'learn', help: 'learn η and λ by minimising the estimator variance', default: true },
] as const;

export const rebarEstimator: EstimatorDescriptor = {
  name: 'rebar', summary: 'REBAR: score function with the relaxed control η·f(σ_λ(z̃)), η and λ learned to minimise variance', reads: [],
  options: REBAR_OPTIONS, unbiased: true, evaluations: (_, layers) => 1 + 2 * layers, latents: ['bernoulli', 'categorical'], create: (o) => rebar(o as RebarOptions),
};
