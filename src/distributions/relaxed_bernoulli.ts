// BinConcrete / relaxed Bernoulli (Maddison et al. 2017 App. B, Eq. 17; Jang et al. 2017 §3.1):
// y = σ((ℓ + L)/τ), L = log u − log(1 − u) ~ Logistic(0, 1), the two-class Gumbel-Softmax.
// Sampled and scored in logit space (numerics P5): x = (ℓ + L)/τ has
//   log p(x) = log τ + d − 2·softplus(d),  d = ℓ − τ·x,
// and log p(y) = log p(logit y) − log y − log(1 − y) on (0, 1). The hard sample of the same key is
// [ℓ + L > 0] ~ Bernoulli(σ(ℓ)). τ is a number or one value per row in TAU_RANGE (common.ts), else
// ArgumentError; a NaN logit samples NaN.
import { add, bernoulliSample, gumbelSigmoid, log, logistic, scale, sigmoid, softplus, sub } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { Tau, type Temperature, perExample } from './common.js';

export interface RelaxedSample {
  /** The relaxed sample y. */
  soft: Tensor;
  /** The discrete sample of the same noise: 0/1 or one-hot. */
  hard: Tensor;
}

export class RelaxedBernoulli {
  readonly tau: Tau;

  constructor(readonly logits: Tensor, tau: Temperature) {
    this.tau = Tau.of('RelaxedBernoulli', tau, logits);
  }

  /** x = (ℓ + L)/τ, the pre-sigmoid sample (differentiable in ℓ and τ). */
  sampleLogit(key: Key): Tensor {
    return this.tau.divide(add(this.logits, logistic(key, this.logits.shape, this.logits.backend)));
  }

  /** y = σ((ℓ + L)/τ) ∈ (0, 1); one fused kernel when τ is a number (bitwise the same as sigmoid(sampleLogit)). */
  sample(key: Key): Tensor {
    const tau = this.tau.value;
    if (typeof tau === 'number') return gumbelSigmoid(this.logits, key, tau);
    return sigmoid(this.sampleLogit(key));
  }

  /** The relaxed sample and the Bernoulli sample [ℓ + L > 0] of the same noise. */
  sampleWithHard(key: Key): RelaxedSample {
    return { soft: this.sample(key), hard: bernoulliSample(this.logits, key) };
  }

  /** log τ + d − 2·softplus(d), d = ℓ − τx, per unit: the density of the logit-space sample. */
  logProbLogitUnits(x: Tensor): Tensor {
    const d = sub(this.logits, this.tau.times(x));
    return this.tau.addLog(sub(d, scale(softplus(d), 2)), 1);
  }

  logProbLogit(x: Tensor): Tensor {
    return perExample(this.logProbLogitUnits(x));
  }

  /** The density on (0, 1), per unit; prefer logProbLogit where y may round to 0 or 1. */
  logProbUnits(y: Tensor): Tensor {
    const ly = log(y), l1y = log(scale(y, -1, 1));
    return sub(sub(this.logProbLogitUnits(sub(ly, l1y)), ly), l1y);
  }

  logProb(y: Tensor): Tensor {
    return perExample(this.logProbUnits(y));
  }
}
