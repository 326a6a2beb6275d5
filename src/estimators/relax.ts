// RELAX (Grathwohl, Choi, Wu, Roeder & Duvenaud, ICLR 2018, Eq. 7), Bernoulli and categorical:
//   ĝ = [f(b) − c_φ(z̃)]·∇ log p(b) + ∇c_φ(z) − ∇c_φ(z̃),   c_φ(z) = η·f(σ_λ(z)) + r_ρ(σ_λ(z), ℓ),
// REBAR's control plus a learned network r_ρ (the form of DisARM's port of RELAX). Unbiased for any
// φ = (η, λ, ρ); with `learn` (the default) φ are parameters (params()) that the trainer's optimizer
// moves down the variance gradient ∂E‖ĝ‖²/∂φ, a second derivative of f and of r_ρ from our tape's
// createGraph. r_ρ acts on each entry (unit, or class of a categorical variable) and sums:
// r_ρ(s, ℓ) = Σ_j vᵀ tanh(a·s_j + c·ℓ_j + d) + e, with
// `controlHidden` units (default 16), one network shared by every unit and layer, so it exists (and the
// optimizer sees it) before the first pass tells the latent width; a joint network over all units
// would need that width up front. v starts at 0, so RELAX starts as REBAR. Details, several layers
// and the surrogate: relaxed_control.ts. Cost 1 + 2L decoder evaluations, as REBAR.
import { getBackend } from '../engine.js';
import { glorotUniform } from '../nn/linear.js';
import { Params } from '../nn/params.js';
import { add, linear, mul, reshape, sum, tanh } from '../ops.js';
import { key as makeKey } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { REBAR_OPTIONS, type RebarOptions } from './rebar.js';
import type { EstimatorDescriptor } from './registry.js';
import { relaxedControl } from './relaxed_control.js';

export interface RelaxOptions extends RebarOptions {
  /** Hidden tanh units of r_ρ (default 16; not `hidden`, which the CLI gives the VAE's layers). */
  controlHidden?: number;
}

export function relax(opts: RelaxOptions = {}) {
  const h = opts.controlHidden ?? 16;
  const p = new Params(getBackend());
  const eta = p.add('relax.eta', [opts.eta ?? 1], [1]), logTemp = p.add('relax.log_temperature', [Math.log(opts.temperature ?? 0.5)], [1]);
  const [a, c] = [0, 1].map((i) => p.add(`relax.${'ac'[i]}`, glorotUniform(makeKey(0x7e1a + i), 2, h, h), [1, h]));
  const d = p.add('relax.d', new Float32Array(h), [h]), v = p.add('relax.v', new Float32Array(h), [h, 1]), e = p.add('relax.e', [0], [1]);
  /** r_ρ per row [B] from the relaxed value s and the logits ℓ, both [B, n]. */
  const r = (s: Tensor, l: Tensor): Tensor => {
    const units = [s.size, 1];
    const hid = tanh(add(linear(reshape(s, units), a, d), linear(reshape(l, units), c)));
    return add(sum(reshape(linear(hid, v), s.shape), -1), e);
  };
  return relaxedControl('relax', p.list, logTemp, (fi, s, l) => add(mul(fi(s), eta), r(s, l)), opts.learn ?? true);
}

export const relaxEstimator: EstimatorDescriptor = {
  name: 'relax', summary: 'RELAX: REBAR\'s control plus a learned network r_ρ, all trained to minimise the variance', reads: [],
  options: [...REBAR_OPTIONS, { key: 'controlHidden', help: 'hidden tanh units of the control network r_ρ', default: 16, min: 1, max: 1024, integer: true }],
  unbiased: true, evaluations: (_, layers) => 1 + 2 * layers, latents: ['bernoulli', 'categorical'], create: (o) => relax(o as RelaxOptions),
};
