// gumbel_sigmoid: the relaxed Bernoulli / BinConcrete sample in one call (Maddison et al. 2017
// App. B, Eq. 17; Jang et al. 2017 §3.1, the two-class Gumbel-Softmax):
//   L = random_logistic's noise for y[0..n) (key (k0, k1), stream from `start`)
//   z = f32(logits + L),   s = f32(invTau·z),   y = σ(s)
// The same float operations in the same order as random_logistic, binary add, scale (beta 0) and
// unary sigmoid: bitwise what those four calls give on every build (the noise and σ are those
// kernels run in place on y; add + scale is gumbel_softmax's addScale).
//
//   logits: [n]   ──►   y: [n]   (y must not alias logits)
import { addScale } from './gumbel_softmax';
import { random_logistic_f32 } from './random';
import { unary_f32 } from './unary';
import { UNARY_SIGMOID } from '../codes';

export function gumbel_sigmoid_f32(l: usize, y: usize, n: i32, invTau: f64, k0: u32, k1: u32, start: u32): void {
  if (n <= 0) return;
  random_logistic_f32(y, n, k0, k1, start);
  addScale(l, y, n, invTau);
  unary_f32(UNARY_SIGMOID, y, y, n);
}
