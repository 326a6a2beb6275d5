// sgd_momentum: SGD with (heavy-ball) momentum, in place on p and v:
//   v ← μ·v + g
//   p ← p − lr·v          (with the new v as stored in f32, like the `ref` backend)
// Polyak 1964, in the PyTorch form (the learning rate multiplies v, not g).
//
// lr and μ arrive as f64. The scalar path computes in f64 and rounds each store once, exactly like
// `ref` (bitwise equal); the SIMD path rounds lr and μ to f32 and uses fused multiply-adds.
// Tail: partial vectors, so every element runs the same arithmetic.
import { fma4, fnma4, loadPartial, storePartial } from '../simd';

export function sgd_momentum_f32__scalar(p: usize, g: usize, v: usize, n: i32, lr: f64, momentum: f64): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const vi = <f32>(momentum * <f64>load<f32>(v + o) + <f64>load<f32>(g + o));
    store<f32>(v + o, vi);
    store<f32>(p + o, <f32>(<f64>load<f32>(p + o) - lr * <f64>vi));
  }
}

// @ts-ignore: decorator
@inline function sgd4(p: usize, g: usize, v: usize, o: usize, rem: i32, vlr: v128, vmu: v128): void {
  if (rem >= 4) {
    const vv = fma4(vmu, v128.load(v + o), v128.load(g + o));
    v128.store(v + o, vv);
    v128.store(p + o, fnma4(vlr, vv, v128.load(p + o)));
  } else {
    const zero = f32x4.splat(0);
    const vv = fma4(vmu, loadPartial(v + o, rem, zero), loadPartial(g + o, rem, zero));
    storePartial(v + o, vv, rem);
    storePartial(p + o, fnma4(vlr, vv, loadPartial(p + o, rem, zero)), rem);
  }
}

export function sgd_momentum_f32__simd128(p: usize, g: usize, v: usize, n: i32, lr: f64, momentum: f64): void {
  const vlr = f32x4.splat(<f32>lr), vmu = f32x4.splat(<f32>momentum);
  let i = 0;
  // NOTE: do-while, exit at the bottom: V8 hoists the splats out of the loop only from blocks
  // that dominate the loop exit (with the test at the top it redoes them every iteration).
  if (n >= 4) {
    do {
      sgd4(p, g, v, <usize>i << 2, 4, vlr, vmu);
      i += 4;
    } while (i + 4 <= n);
  }
  if (i < n) sgd4(p, g, v, <usize>i << 2, n - i, vlr, vmu);
}

export function sgd_momentum_f32(p: usize, g: usize, v: usize, n: i32, lr: f64, momentum: f64): void {
  if (ASC_FEATURE_SIMD) sgd_momentum_f32__simd128(p, g, v, n, lr, momentum);
  else sgd_momentum_f32__scalar(p, g, v, n, lr, momentum);
}
