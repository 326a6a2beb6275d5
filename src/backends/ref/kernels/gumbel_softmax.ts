import { Bcast, type F } from '../../../kernels.js';
import { binary } from './binary.js';
import { random_gumbel } from './random.js';
import { scale } from './scale.js';
import { softmax } from './softmax.js';
// y = softmax((l + g)·invTau) per group of k, g = random_gumbel's noise: the four kernels in turn, in place on y
// (each rounds on store as the unfused ops do).
export function gumbel_softmax(l: F, y: F, rows: number, k: number, invTau: number, k0: number, k1: number): void {
  const n = rows * k;
  random_gumbel(y, n, k0, k1);
  binary('add', l, y, y, n, 1, Bcast.None);
  scale(y, y, n, invTau, 0);
  softmax(y, y, rows, k);
}
