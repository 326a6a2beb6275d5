// What every discrete distribution offers the estimators: a mean, an exact sample from a key, and
// log-masses per example and per variable.
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';

export interface Discrete {
  readonly kind: 'bernoulli' | 'categorical';
  readonly logits: Tensor;
  /** Classes per variable (1 for Bernoulli units). */
  readonly k: number;
  /** E[z], differentiable in the logits. */
  mean(): Tensor;
  /** An exact discrete sample (0/1 or one-hot) from the key; not differentiable. */
  sample(key: Key): Tensor;
  /** log p(z) summed over the last axis: [B]. */
  logProb(z: Tensor): Tensor;
  /** log p(z) per variable: [B, n] (n units, or n groups of k). */
  logProbUnits(z: Tensor): Tensor;
  /** Sums a [B, width] tensor per variable: [B, n]. */
  perVariable(x: Tensor): Tensor;
  entropy(): Tensor;
}
