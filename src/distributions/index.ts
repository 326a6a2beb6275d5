// Distributions over discrete variables and their relaxations, and the constructors estimators use.
import { ArgumentError } from '../errors.js';
import type { LatentSpec } from '../estimators/estimator.js';
import type { Tensor } from '../tensor.js';
import { Bernoulli } from './bernoulli.js';
import { Categorical } from './categorical.js';
import type { Temperature } from './common.js';
import type { Discrete } from './discrete.js';
import { RelaxedBernoulli } from './relaxed_bernoulli.js';
import { RelaxedOneHotCategorical } from './relaxed_one_hot_categorical.js';

export { Bernoulli } from './bernoulli.js';
export { Categorical } from './categorical.js';
export { Gumbel } from './gumbel.js';
export { RelaxedBernoulli, type RelaxedSample } from './relaxed_bernoulli.js';
export { RelaxedOneHotCategorical } from './relaxed_one_hot_categorical.js';
export { Tau, TAU_RANGE, type Temperature, sumGroups, logGammaInt, EULER_GAMMA } from './common.js';
export type { Discrete } from './discrete.js';

/** The discrete distribution of a stochastic layer. */
export function discrete(logits: Tensor, spec: LatentSpec): Discrete {
  return spec.kind === 'bernoulli' ? new Bernoulli(logits) : new Categorical(logits, spec.k);
}

/** Its relaxation at temperature τ: BinConcrete or Concrete. */
export function relaxed(logits: Tensor, spec: LatentSpec, tau: Temperature): RelaxedBernoulli | RelaxedOneHotCategorical {
  return spec.kind === 'bernoulli' ? new RelaxedBernoulli(logits, tau) : new RelaxedOneHotCategorical(logits, tau, spec.k);
}

/** Analytic KL(q ‖ p) between two discrete distributions of the same kind, summed per example. */
export function klDivergence(q: Discrete, p: Discrete): Tensor {
  if (q instanceof Bernoulli && p instanceof Bernoulli) return q.kl(p);
  if (q instanceof Categorical && p instanceof Categorical && q.k === p.k) return q.kl(p);
  throw new ArgumentError(`klDivergence: q and p must both be Bernoulli or both Categorical with one k, found ${q.kind}(k=${q.k}) and ${p.kind}(k=${p.k})`);
}
