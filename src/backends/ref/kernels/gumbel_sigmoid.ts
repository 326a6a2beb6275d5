import { Bcast, type F } from '../../../kernels.js';
import { binary } from './binary.js';
import { random_logistic } from './random.js';
import { scale } from './scale.js';
import { unary } from './unary.js';
// y = σ((l + L)·invTau), L = random_logistic's noise: the four kernels in turn, in place on y.
export function gumbel_sigmoid(l: F, y: F, n: number, invTau: number, k0: number, k1: number): void {
  random_logistic(y, n, k0, k1);
  binary('add', l, y, y, n, 1, Bcast.None);
  scale(y, y, n, invTau, 0);
  unary('sigmoid', y, y, n);
}
