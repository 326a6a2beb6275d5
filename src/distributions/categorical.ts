// Categorical variables with logits ℓ laid out as consecutive groups of k along the last axis
// ([B, n·k]: n variables of k classes). Samples are one_hot(argmax(ℓ + g)), g ~ Gumbel(0, 1) from
// the key (Gumbel-max, Jang et al. 2017 Eq. 1): exactly one-hot, independent of any temperature.
// logProb sums over the last axis ([B]); logProbUnits keeps one value per variable ([B, n]).
// A NaN logit makes its whole variable NaN in every sample (never a valid-looking one-hot), so the
// loss built on it is NaN: checking every sample's logits would cost a read per step, the loss is one.
import { ShapeError, checkNumber, fmtShape } from '../errors.js';
import { add, argmaxOneHot, gumbel, klCategorical, logSoftmax, mul, neg, softmax } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { perExample, sumGroups } from './common.js';
import type { Discrete } from './discrete.js';

export class Categorical implements Discrete {
  readonly kind = 'categorical';

  constructor(readonly logits: Tensor, readonly k: number = logits.shape[logits.rank - 1]) {
    checkNumber('Categorical', 'k', k, { integer: true, positive: true });
    const last = logits.shape[logits.rank - 1] ?? 1;
    if (last % k !== 0) throw new ShapeError(`Categorical: the logits' last dimension must be a multiple of k = ${k}, found ${fmtShape(logits.shape)}`);
  }

  /** E[z] = softmax(ℓ) per group. */
  mean(): Tensor {
    return softmax(this.logits, this.k);
  }

  logProbs(): Tensor {
    return logSoftmax(this.logits, this.k);
  }

  /** One-hot per group, exactly; not differentiable. */
  sample(key: Key): Tensor {
    return argmaxOneHot(add(this.logits, gumbel(key, this.logits.shape, this.logits.backend)), this.k);
  }

  /** log p(z) = Σ_j z_j·log softmax(ℓ)_j per variable, [B, n] (z one-hot). */
  logProbUnits(z: Tensor): Tensor {
    return sumGroups(mul(z, this.logProbs()), this.k);
  }

  logProb(z: Tensor): Tensor {
    return perExample(mul(z, this.logProbs()));
  }

  perVariable(x: Tensor): Tensor {
    return sumGroups(x, this.k);
  }

  /** H = −Σ_j p_j log p_j per variable, [B, n]. */
  entropyUnits(): Tensor {
    return neg(sumGroups(mul(this.mean(), this.logProbs()), this.k));
  }

  entropy(): Tensor {
    return neg(perExample(mul(this.mean(), this.logProbs())));
  }

  /** KL(this ‖ p) summed over variables, [B]. */
  kl(p: Categorical): Tensor {
    return perExample(klCategorical(this.logits, p.logits, this.k));
  }
}
