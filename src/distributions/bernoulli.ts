// Bernoulli units with logits ℓ: p(z = 1) = σ(ℓ). Samples are z = [ℓ + L > 0] with L ~ Logistic(0, 1)
// from the key (the Gumbel-max trick for two classes, so the relaxed and hard samples of one key
// agree). logProb sums over the last axis (one value per example, [B]); logProbUnits keeps one
// value per unit. A NaN logit samples NaN (never 0 or 1), so the loss built on it is NaN.
import { bernoulliSample, klBernoulli, neg, sigmoid, sigmoidCrossEntropy } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { perExample } from './common.js';
import type { Discrete } from './discrete.js';

export class Bernoulli implements Discrete {
  readonly kind = 'bernoulli';
  /** One unit is one variable. */
  readonly k = 1;

  constructor(readonly logits: Tensor) {}

  /** E[z] = σ(ℓ). */
  mean(): Tensor {
    return sigmoid(this.logits);
  }

  /** z ∈ {0, 1}, exactly; not differentiable. */
  sample(key: Key): Tensor {
    return bernoulliSample(this.logits, key);
  }

  /** log p(z) = z·log σ(ℓ) + (1 − z)·log σ(−ℓ) = −(softplus(ℓ) − z·ℓ), per unit. */
  logProbUnits(z: Tensor): Tensor {
    return neg(sigmoidCrossEntropy(this.logits, z));
  }

  logProb(z: Tensor): Tensor {
    return perExample(this.logProbUnits(z));
  }

  /** Per-variable sums of a per-unit tensor: the identity for Bernoulli units. */
  perVariable(x: Tensor): Tensor {
    return x;
  }

  /** H = softplus(ℓ) − σ(ℓ)·ℓ per unit (the cross-entropy of p with itself). */
  entropyUnits(): Tensor {
    return sigmoidCrossEntropy(this.logits, this.mean());
  }

  entropy(): Tensor {
    return perExample(this.entropyUnits());
  }

  /** KL(this ‖ p) summed over units, [B]. */
  kl(p: Bernoulli): Tensor {
    return perExample(klBernoulli(this.logits, p.logits));
  }
}
