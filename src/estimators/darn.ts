// DARN's "1/2" estimator as MuProp defines it (Gu et al. 2016 §4.2, Eqs. 5–7; Gregor et al. 2014;
// Jang et al. 2017 §3.2): per variable j of each stochastic layer,
//   ĝ = Σ_j ∇ log p(z_j | pa)·SG(f′(z)_jᵀ(z_j − z̄)) + ∇f,   z̄ = 1/2 (Bernoulli) or 1/k (categorical),
// with C and VN on the signal (one moving average per layer). f′ = ∂f/∂z at the sample; through later
// stochastic layers it flows by their means (straight-through), since a sampled layer has no
// derivative. One pass: each layer forwards z exactly, and its backward (straight through, to the
// mean) is open only while f′ is taken, so ∇f is then the gradient at fixed z. The
// Taylor correction term is dropped, so it is biased unless f is quadratic in each Bernoulli z_j.
// Per variable is MuProp's Eq. 6/7.
import { customGrad } from '../autograd/custom_grad.js';
import { grad } from '../autograd/tape.js';
import { type Discrete, discrete } from '../distributions/index.js';
import { full, mul, scale, sum } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { addAll, drive, layerKey, objectiveOf } from './pass.js';
import type { EstimatorDescriptor } from './registry.js';
import { SIGNAL_OPTIONS, SignalEstimator, type SignalOptions } from './signal_stats.js';
import type { Objective, Pass } from './estimator.js';

export class Darn extends SignalEstimator {
  readonly name = 'darn';
  readonly unbiased = false;

  objective(pass: Pass, key: Key): Objective {
    const zs: Tensor[] = [], values: Tensor[] = [], dists: Discrete[] = [];
    let probing = true;
    const f = drive(pass, (logits, spec, i) => {
      const d = discrete(logits, spec);
      dists.push(d);
      zs.push(d.sample(layerKey(key, i)));
      // z forward; backward straight through to the mean while f′ is taken, then none (z is fixed in ∇f).
      values.push(customGrad([d.mean()], () => zs[i], (dy) => [probing ? dy : null]));
      return values[i];
    });
    const df = grad(f, values, [full(f.shape, 1, { backend: f.backend })]); // f′ = the cotangent of each layer's value
    probing = false;
    const terms = dists.flatMap((d, i) => {
      if (!df[i]) return []; // f does not depend on this layer
      const zbar = d.kind === 'bernoulli' ? 0.5 : 1 / d.k;
      const { signal } = this.stats.apply(i, d.perVariable(mul(df[i]!, scale(zs[i], 1, -zbar))));
      return [scale(sum(mul(d.logProbUnits(zs[i]), signal)), 1 / f.shape[0])];
    });
    return objectiveOf(f, addAll(terms) ?? undefined);
  }
}

export const darn = (opts?: SignalOptions) => new Darn(opts);

export const darnEstimator: EstimatorDescriptor = {
  name: 'darn', summary: "DARN's ½ estimator (a first-order score term on ∂f/∂z), with C and VN", reads: [],
  options: SIGNAL_OPTIONS, unbiased: false, evaluations: () => 1, latents: ['bernoulli', 'categorical'], create: (o) => darn(o),
};
