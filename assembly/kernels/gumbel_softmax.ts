// gumbel_softmax: the Gumbel-Softmax / Concrete sample in one call (Jang et al. 2017 Eq. 2;
// Maddison et al. 2017 Def. 1):
//   g = random_gumbel's noise for y[0..rows·k) (key (k0, k1), stream from `start`)
//   z = f32(logits + g),   s = f32(invTau·z),   y[r, :] = softmax(s[r, :]) per group of k
// The same float operations in the same order as the unfused ops (random_gumbel, binary add,
// scale with beta 0, softmax): y is bitwise what those four calls give on every build. The noise
// and the softmax are the existing kernels run in place on y; only add + scale is written here.
//
//   logits: [rows, k]   ──►   y: [rows, k]   (y must not alias logits)
//
// addScale rounds as binary's add and scale's paths do: scalar in f64 (invTau·z + 0, rounded once),
// SIMD with invTau rounded to f32 and one fma4(invTau, z, +0) per element (a −0 product becomes +0,
// as in scale). Tails use partial vectors. `start` (a multiple of 16) is y[0]'s stream position:
// the thread pool splits by whole rows with rows·k a multiple of 16.
import { random_gumbel_f32 } from './random';
import { softmax_f32 } from './softmax';
import { fma4, loadPartial, storePartial } from '../simd';

/** y[i] = invTau·(l[i] + y[i]), rounded as binary add then scale(·, invTau, 0). */
export function addScale(l: usize, y: usize, n: i32, invTau: f64): void {
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(<f32>invTau), zero = f32x4.splat(0.0);
    for (let i = 0; i < n; i += 4) {
      const o = <usize>i << 2, rem = n - i;
      if (rem >= 4) v128.store(y + o, fma4(va, f32x4.add(v128.load(l + o), v128.load(y + o)), zero));
      else storePartial(y + o, fma4(va, f32x4.add(loadPartial(l + o, rem, zero), loadPartial(y + o, rem, zero)), zero), rem);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const o = <usize>i << 2;
      store<f32>(y + o, <f32>(invTau * <f64>(load<f32>(l + o) + load<f32>(y + o)) + 0.0));
    }
  }
}

export function gumbel_softmax_f32(l: usize, y: usize, rows: i32, k: i32, invTau: f64, k0: u32, k1: u32, start: u32): void {
  const n = rows * k;
  if (n <= 0) return;
  random_gumbel_f32(y, n, k0, k1, start);
  addScale(l, y, n, invTau);
  softmax_f32(y, y, rows, k);
}
