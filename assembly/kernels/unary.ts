// unary: y[i] = f(x[i]) for i < n, with f chosen by `op` = index in UNARY_OPS (src/kernels.ts):
//   0 neg −x   1 abs |x|   2 square x²   3 sqrt √x   4 relu max(x, 0)   5 sigmoid 1/(1 + e^−x)
//   6 tanh   7 softplus max(x, 0) + log1p(e^−|x|)   8 exp eˣ   9 log ln x
// In place (y = x) is allowed. NaN propagates for every op (relu and softplus take max(x, 0) as
// pmax(x, 0) = x < 0 ? 0 : x, which returns a NaN x; the scalar f32.max propagates NaN too). The op switch runs once per call, outside the loop: each case is its own
// loop with the op inlined (`apply4(OP, v)` with a constant OP folds to one straight-line body).
//
// Scalar path (`__scalar`): AssemblyScript's Mathf (musl ports, ≤ 1 ulp) in the stable forms.
// SIMD path (`__simd128`): 4 lanes per step; the last n mod 4 elements go through the same
// vector code as a partial vector, so an element's result never depends on its position.
// Approximations are in assembly/simd.ts: expf4 (cephes expf; exp), expf4_nonpos (the same for
// e^−|x| in sigmoid, softplus, tanh: results below FLT_MIN flush to 0), logf4 (cephes logf),
// log1pf4_01 (cephes logf polynomial, no 1 + t rounding), tanhf4 (cephes tanhf), sigmoidf4.
import { loadPartial, logf4, expf4, sigmoidf4, softplusf4, storePartial, tanhf4 } from '../simd';

/** Stable σ(x): never e^x of a large positive x. */
// @ts-ignore: decorator
@inline export function sigmoidf(x: f32): f32 {
  if (x >= 0) return 1 / (1 + Mathf.exp(-x));
  const e = Mathf.exp(x);
  return e / (1 + e);
}

/** Stable softplus(x) = max(x, 0) + log1p(e^−|x|). */
// @ts-ignore: decorator
@inline export function softplusf(x: f32): f32 {
  return max<f32>(x, 0) + Mathf.log1p(Mathf.exp(-Mathf.abs(x)));
}

// @ts-ignore: decorator
@inline function apply1(op: i32, x: f32): f32 {
  switch (op) {
    case 0: return -x;
    case 1: return Mathf.abs(x);
    case 2: return x * x;
    case 3: return Mathf.sqrt(x);
    case 4: return max<f32>(x, 0);
    case 5: return sigmoidf(x);
    case 6: return Mathf.tanh(x);
    case 7: return softplusf(x);
    case 8: return Mathf.exp(x);
    default: return Mathf.log(x);
  }
}

// @ts-ignore: decorator
@inline function apply4(op: i32, v: v128): v128 {
  switch (op) {
    case 0: return f32x4.neg(v);
    case 1: return f32x4.abs(v);
    case 2: return f32x4.mul(v, v);
    case 3: return f32x4.sqrt(v);
    case 4: return f32x4.pmax(v, f32x4.splat(0.0)); // v < 0 ? 0 : v — NaN stays
    case 5: return sigmoidf4(v);
    case 6: return tanhf4(v);
    case 7: return softplusf4(v);
    case 8: return expf4(v);
    default: return logf4(v);
  }
}

// @ts-ignore: decorator
@inline function loop1(op: i32, x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f32>(y + (<usize>i << 2), apply1(op, load<f32>(x + (<usize>i << 2))));
}

// @ts-ignore: decorator
@inline function loop4(op: i32, x: usize, y: usize, n: i32): void {
  let i = 0;
  // Two vectors per step: ~15 % faster for the transcendental ops (loop overhead, more ILP).
  for (; i + 8 <= n; i += 8) {
    const o = <usize>i << 2;
    const a = apply4(op, v128.load(x + o)), b = apply4(op, v128.load(x + o, 16));
    v128.store(y + o, a);
    v128.store(y + o, b, 16);
  }
  if (i + 4 <= n) {
    v128.store(y + (<usize>i << 2), apply4(op, v128.load(x + (<usize>i << 2))));
    i += 4;
  }
  const rem = n - i;
  if (rem > 0) storePartial(y + (<usize>i << 2), apply4(op, loadPartial(x + (<usize>i << 2), rem, f32x4.splat(1.0))), rem);
}

export function unary_f32__scalar(op: i32, x: usize, y: usize, n: i32): void {
  switch (op) {
    case 0: loop1(0, x, y, n); break;
    case 1: loop1(1, x, y, n); break;
    case 2: loop1(2, x, y, n); break;
    case 3: loop1(3, x, y, n); break;
    case 4: loop1(4, x, y, n); break;
    case 5: loop1(5, x, y, n); break;
    case 6: loop1(6, x, y, n); break;
    case 7: loop1(7, x, y, n); break;
    case 8: loop1(8, x, y, n); break;
    default: loop1(9, x, y, n);
  }
}

export function unary_f32__simd128(op: i32, x: usize, y: usize, n: i32): void {
  switch (op) {
    case 0: loop4(0, x, y, n); break;
    case 1: loop4(1, x, y, n); break;
    case 2: loop4(2, x, y, n); break;
    case 3: loop4(3, x, y, n); break;
    case 4: loop4(4, x, y, n); break;
    case 5: loop4(5, x, y, n); break;
    case 6: loop4(6, x, y, n); break;
    case 7: loop4(7, x, y, n); break;
    case 8: loop4(8, x, y, n); break;
    default: loop4(9, x, y, n);
  }
}

export function unary_f32(op: i32, x: usize, y: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) unary_f32__simd128(op, x, y, n);
  else unary_f32__scalar(op, x, y, n);
}
