// MuProp (Gu et al. 2016 Eq. 3, Algorithm 1) with C and VN. A deterministic mean-field pass gives
// x̄_i (each layer replaced by its mean given mean-field parents), f(x̄) and f′_i = ∂f(x̄)/∂x̄_i (through
// every later layer); then, on the sampled pass with z_i ~ p(z_i | pa) and μ_i = E[z_i | pa],
//   surrogate = mean_b [ f + Σ_i log p(z_i | pa)·SG(r̂_i) + μ_iᵀ·SG(f′_i) ],
//   r_i = f(z) − f(x̄) − f′_iᵀ(z_i − x̄_i),  r̂_i = (r_i − c_i)/max(1, √v_i).
// The first-order Taylor control variate is added back analytically through μ_i, so it is unbiased
// (while √v_i ≤ 1; VN rescales the score term otherwise). Layers are matched by call order.
import { grad } from '../autograd/tape.js';
import { type Discrete, discrete } from '../distributions/index.js';
import { GumbelError } from '../errors.js';
import { full, mean, mul, stopGradient, sub, sum } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { addAll, drive, layerKey, objectiveOf, probe } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';
import { SIGNAL_OPTIONS, SignalEstimator, type SignalOptions } from './signal_stats.js';
import type { Objective, Pass } from './estimator.js';

export class MuProp extends SignalEstimator {
  readonly name = 'muprop';
  readonly unbiased = true;

  objective(pass: Pass, key: Key): Objective {
    const bars: { value: Tensor; leaf: Tensor }[] = [];
    const fbar = drive(pass, (logits, spec) => {
      bars.push(probe(discrete(logits, spec).mean()));
      return bars[bars.length - 1].value;
    });
    const df = grad(fbar, bars.map((b) => b.leaf), [full(fbar.shape, 1, { backend: fbar.backend })]);
    const layers: { d: Discrete; z: Tensor }[] = [];
    const f = drive(pass, (logits, spec, i) => {
      const d = discrete(logits, spec), z = d.sample(layerKey(key, i));
      layers.push({ d, z });
      return z;
    });
    if (layers.length !== bars.length) throw new GumbelError(`muprop: the pass reached ${bars.length} stochastic layers in the mean-field pass and ${layers.length} in the sampled one; it must reach the same layers each time`);
    const r0 = sub(stopGradient(f), stopGradient(fbar));
    const terms = layers.flatMap(({ d, z }, i) => {
      const g = df[i]; // null: f does not depend on this layer
      const r = g ? sub(r0, sum(mul(g, sub(z, stopGradient(bars[i].value))), -1)) : r0;
      const score = mean(mul(d.logProb(z), this.stats.apply(i, r).signal));
      return g ? [score, mean(sum(mul(d.mean(), g), -1))] : [score];
    });
    return objectiveOf(f, addAll(terms) ?? undefined);
  }
}

export const muprop = (opts?: SignalOptions) => new MuProp(opts);

export const mupropEstimator: EstimatorDescriptor = {
  name: 'muprop', summary: 'MuProp: score function with a first-order Taylor control variate, C and VN', reads: [],
  options: SIGNAL_OPTIONS, unbiased: true, evaluations: () => 2, latents: ['bernoulli', 'categorical'], create: (o) => muprop(o),
};
