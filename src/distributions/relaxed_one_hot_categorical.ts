// Concrete / Gumbel-Softmax (Jang et al. 2017 Eqs. 2–3; Maddison et al. 2017 Def. 1, App. C.3):
// y = softmax((ℓ + g)/τ) per group of k, g ~ Gumbel(0, 1). Sampled and scored in log space
// (numerics P4, P5): x = log_softmax((ℓ + g)/τ) is ExpConcrete, with
//   log p(x) = log Γ(k) + (k − 1)·log τ + Σ_j (ℓ_j − τ·x_j) − k·LSE_j(ℓ_j − τ·x_j)
// per variable, finite at any τ and k because nothing is exponentiated before the log. That is the
// density of the additive-logistic coordinates (x_j − x_k)_{j<k}; Jang's Eq. 3 on the simplex is
// log p(y) = log p_Exp(log y) − Σ_j log y_j. The hard sample of the same key is one_hot(argmax(ℓ + g)).
// τ ∈ TAU_RANGE (common.ts); a NaN logit makes its variable NaN in the soft and the hard sample.
import { ShapeError, checkNumber, fmtShape } from '../errors.js';
import { add, argmaxOneHot, gumbel, gumbelSoftmax, log, logSoftmax, logsumexp, scale, softmax, sub } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { Tau, type Temperature, logGammaInt, perExample, sumGroups } from './common.js';
import type { RelaxedSample } from './relaxed_bernoulli.js';

export class RelaxedOneHotCategorical {
  readonly tau: Tau;

  constructor(readonly logits: Tensor, tau: Temperature, readonly k: number = logits.shape[logits.rank - 1]) {
    checkNumber('RelaxedOneHotCategorical', 'k', k, { integer: true, positive: true });
    if ((logits.shape[logits.rank - 1] ?? 1) % k !== 0) {
      throw new ShapeError(`RelaxedOneHotCategorical: the logits' last dimension must be a multiple of k = ${k}, found ${fmtShape(logits.shape)}`);
    }
    this.tau = Tau.of('RelaxedOneHotCategorical', tau, logits);
  }

  private perturbed(key: Key): Tensor {
    return add(this.logits, gumbel(key, this.logits.shape, this.logits.backend));
  }

  /** x = log_softmax((ℓ + g)/τ): the ExpConcrete sample (log of a point on the simplex). */
  sampleLog(key: Key): Tensor {
    return logSoftmax(this.tau.divide(this.perturbed(key)), this.k);
  }

  /** y = softmax((ℓ + g)/τ) on the simplex (entries may underflow to 0 at small τ; see sampleLog). One fused
   *  kernel when τ is a number (bitwise the same as the ops below). */
  sample(key: Key): Tensor {
    const tau = this.tau.value;
    if (typeof tau === 'number') return gumbelSoftmax(this.logits, key, tau, this.k);
    return softmax(this.tau.divide(this.perturbed(key)), this.k);
  }

  /** The relaxed sample and one_hot(argmax(ℓ + g)) of the same noise. */
  sampleWithHard(key: Key): RelaxedSample {
    const p = this.perturbed(key);
    return { soft: softmax(this.tau.divide(p), this.k), hard: argmaxOneHot(p, this.k) };
  }

  /** ExpConcrete log-density per variable, [B, n]. */
  logProbLogUnits(x: Tensor): Tensor {
    const a = sub(this.logits, this.tau.times(x));
    const body = sub(sumGroups(a, this.k), scale(logsumexp(a, this.k), this.k));
    return this.tau.addLog(scale(body, 1, logGammaInt(this.k)), this.k - 1);
  }

  logProbLog(x: Tensor): Tensor {
    return perExample(this.logProbLogUnits(x));
  }

  /** Jang's Eq. 3 on the simplex, per variable: log p_Exp(log y) − Σ_j log y_j. */
  logProbUnits(y: Tensor): Tensor {
    const ly = log(y);
    return sub(this.logProbLogUnits(ly), sumGroups(ly, this.k));
  }

  logProb(y: Tensor): Tensor {
    return perExample(this.logProbUnits(y));
  }
}
