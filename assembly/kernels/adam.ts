// adam: one Adam step (Kingma & Ba, ICLR 2015, Algorithm 1), in place on p, m, v; step t ≥ 1:
//   m ← β1·m + (1 − β1)·g
//   v ← β2·v + (1 − β2)·g²
//   p ← p − lr·(m / c1) / (√(v / c2) + ε),   c1 = 1 − β1ᵗ, c2 = 1 − β2ᵗ
//
// The bias corrections c1, c2 are computed once per call in f64 (βᵗ by repeated squaring: t is an
// integer step, and std's Math.pow would bring its lookup tables into the module).
// Scalar path: the formula above in f64 with one rounding per stored value, like `ref`.
// SIMD path: the update rewritten with per-call constants, step = lr/c1 and r2 = 1/√c2:
//   p ← p − step·m / (√v·r2 + ε)
// one f32x4.sqrt and one f32x4.div per 4 elements; tails use partial vectors.
import { fma4, fnma4, loadPartial, storePartial } from '../simd';

/** βᵗ for an integer t ≥ 0, by repeated squaring (≤ 2·log2 t roundings). */
// @ts-ignore: decorator
@inline function powi(beta: f64, t: i32): f64 {
  let r = 1.0, b = beta, e = t;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>= 1;
  }
  return r;
}

export function adam_f32__scalar(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, t: i32): void {
  const c1 = 1.0 - powi(beta1, t), c2 = 1.0 - powi(beta2, t);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const gi = <f64>load<f32>(g + o);
    const mi = <f32>(beta1 * <f64>load<f32>(m + o) + (1.0 - beta1) * gi);
    const vi = <f32>(beta2 * <f64>load<f32>(v + o) + (1.0 - beta2) * gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, <f32>(<f64>load<f32>(p + o) - (lr * (<f64>mi / c1)) / (Math.sqrt(<f64>vi / c2) + eps)));
  }
}

/** One Adam step on elements o/4 … o/4 + min(rem, 4) − 1 (partial loads and stores when rem < 4). */
// @ts-ignore: decorator
@inline function adam4(p: usize, g: usize, m: usize, v: usize, o: usize, rem: i32, b1: v128, omb1: v128, b2: v128, omb2: v128, stepv: v128, r2: v128, epsv: v128): void {
  const full = rem >= 4, zero = f32x4.splat(0);
  const vg = full ? v128.load(g + o) : loadPartial(g + o, rem, zero);
  const vm = fma4(b1, full ? v128.load(m + o) : loadPartial(m + o, rem, zero), f32x4.mul(omb1, vg));
  const vv = fma4(b2, full ? v128.load(v + o) : loadPartial(v + o, rem, zero), f32x4.mul(f32x4.mul(omb2, vg), vg));
  const np = fnma4(stepv, f32x4.div(vm, fma4(f32x4.sqrt(vv), r2, epsv)), full ? v128.load(p + o) : loadPartial(p + o, rem, zero));
  if (full) {
    v128.store(m + o, vm);
    v128.store(v + o, vv);
    v128.store(p + o, np);
  } else {
    storePartial(m + o, vm, rem);
    storePartial(v + o, vv, rem);
    storePartial(p + o, np, rem);
  }
}

export function adam_f32__simd128(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, t: i32): void {
  const c1 = 1.0 - powi(beta1, t), c2 = 1.0 - powi(beta2, t);
  const b1 = f32x4.splat(<f32>beta1), omb1 = f32x4.splat(<f32>(1.0 - beta1));
  const b2 = f32x4.splat(<f32>beta2), omb2 = f32x4.splat(<f32>(1.0 - beta2));
  const stepv = f32x4.splat(<f32>(lr / c1)), r2 = f32x4.splat(<f32>(1.0 / Math.sqrt(c2))), epsv = f32x4.splat(<f32>eps);
  let i = 0;
  // NOTE: do-while, exit at the bottom: V8 hoists the splatted constants only out of blocks that
  // dominate the loop exit (with the test at the top it redoes every splat in every iteration).
  if (n >= 4) {
    do {
      adam4(p, g, m, v, <usize>i << 2, 4, b1, omb1, b2, omb2, stepv, r2, epsv);
      i += 4;
    } while (i + 4 <= n);
  }
  if (i < n) adam4(p, g, m, v, <usize>i << 2, n - i, b1, omb1, b2, omb2, stepv, r2, epsv);
}

export function adam_f32(p: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, t: i32): void {
  if (ASC_FEATURE_SIMD) adam_f32__simd128(p, g, m, v, n, lr, beta1, beta2, eps, t);
  else adam_f32__scalar(p, g, m, v, n, lr, beta1, beta2, eps, t);
}
