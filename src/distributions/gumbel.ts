// Gumbel(μ, β): density exp(−z − e^(−z))/β with z = (x − μ)/β (Jang et al. 2017 App. B;
// Maddison et al. 2017 App. F). Samples are μ + β·g with g = −log(−log u) from the key, finite for
// every random word (u never reaches 0 or 1: numerics P1, P2). Mean μ + γβ, entropy log β + γ + 1.
import { ArgumentError } from '../errors.js';
import { add, exp, gumbel, neg, scale, sub, zeros } from '../ops.js';
import type { Key } from '../random/key.js';
import type { Tensor } from '../tensor.js';
import { EULER_GAMMA, perExample } from './common.js';

export class Gumbel {
  constructor(readonly loc: Tensor, readonly scale = 1) {
    if (!Number.isFinite(scale) || scale <= 0) throw new ArgumentError(`Gumbel: scale must be a finite number > 0, found ${String(scale)}`);
  }

  /** x = μ + β·g; differentiable in μ (the reparameterization). */
  sample(key: Key): Tensor {
    return add(this.loc, scale(gumbel(key, this.loc.shape, this.loc.backend), this.scale));
  }

  mean(): Tensor {
    return scale(this.loc, 1, EULER_GAMMA * this.scale);
  }

  /** log p(x) = −z − e^(−z) − log β per element, z = (x − μ)/β. */
  logProbUnits(x: Tensor): Tensor {
    const z = scale(sub(x, this.loc), 1 / this.scale);
    return scale(sub(neg(z), exp(neg(z))), 1, -Math.log(this.scale));
  }

  /** Summed over the last axis: [B]. */
  logProb(x: Tensor): Tensor {
    return perExample(this.logProbUnits(x));
  }

  /** log β + γ + 1 per element, summed over the last axis. */
  entropy(): Tensor {
    return perExample(scale(zeros(this.loc.shape, { backend: this.loc.backend }), 0, Math.log(this.scale) + EULER_GAMMA + 1));
  }
}
