// unary: y[i] = f(x[i]) for i < n, with f chosen by `op` (UNARY_* of assembly/codes.ts):
//   neg −x   abs |x|   square x²   sqrt √x   relu max(x, 0)   sigmoid 1/(1 + e^−x)
//   tanh   softplus max(x, 0) + log1p(e^−|x|)   exp eˣ   log ln x
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
import { UNARY_ABS, UNARY_EXP, UNARY_LOG, UNARY_NEG, UNARY_RELU, UNARY_SIGMOID, UNARY_SOFTPLUS, UNARY_SQRT, UNARY_SQUARE, UNARY_TANH } from '../codes';
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
    case UNARY_NEG: return -x;
    case UNARY_ABS: return Mathf.abs(x);
    case UNARY_SQUARE: return x * x;
    case UNARY_SQRT: return Mathf.sqrt(x);
    case UNARY_RELU: return max<f32>(x, 0);
    case UNARY_SIGMOID: return sigmoidf(x);
    case UNARY_TANH: return Mathf.tanh(x);
    case UNARY_SOFTPLUS: return softplusf(x);
    case UNARY_EXP: return Mathf.exp(x);
    default: return Mathf.log(x);
  }
}

// @ts-ignore: decorator
@inline function apply4(op: i32, v: v128): v128 {
  switch (op) {
    case UNARY_NEG: return f32x4.neg(v);
    case UNARY_ABS: return f32x4.abs(v);
    case UNARY_SQUARE: return f32x4.mul(v, v);
    case UNARY_SQRT: return f32x4.sqrt(v);
    case UNARY_RELU: return f32x4.pmax(v, f32x4.splat(0.0)); // v < 0 ? 0 : v — NaN stays
    case UNARY_SIGMOID: return sigmoidf4(v);
    case UNARY_TANH: return tanhf4(v);
    case UNARY_SOFTPLUS: return softplusf4(v);
    case UNARY_EXP: return expf4(v);
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
    case UNARY_NEG: loop1(UNARY_NEG, x, y, n); break;
    case UNARY_ABS: loop1(UNARY_ABS, x, y, n); break;
    case UNARY_SQUARE: loop1(UNARY_SQUARE, x, y, n); break;
    case UNARY_SQRT: loop1(UNARY_SQRT, x, y, n); break;
    case UNARY_RELU: loop1(UNARY_RELU, x, y, n); break;
    case UNARY_SIGMOID: loop1(UNARY_SIGMOID, x, y, n); break;
    case UNARY_TANH: loop1(UNARY_TANH, x, y, n); break;
    case UNARY_SOFTPLUS: loop1(UNARY_SOFTPLUS, x, y, n); break;
    case UNARY_EXP: loop1(UNARY_EXP, x, y, n); break;
    default: loop1(UNARY_LOG, x, y, n);
  }
}

export function unary_f32__simd128(op: i32, x: usize, y: usize, n: i32): void {
  switch (op) {
    case UNARY_NEG: loop4(UNARY_NEG, x, y, n); break;
    case UNARY_ABS: loop4(UNARY_ABS, x, y, n); break;
    case UNARY_SQUARE: loop4(UNARY_SQUARE, x, y, n); break;
    case UNARY_SQRT: loop4(UNARY_SQRT, x, y, n); break;
    case UNARY_RELU: loop4(UNARY_RELU, x, y, n); break;
    case UNARY_SIGMOID: loop4(UNARY_SIGMOID, x, y, n); break;
    case UNARY_TANH: loop4(UNARY_TANH, x, y, n); break;
    case UNARY_SOFTPLUS: loop4(UNARY_SOFTPLUS, x, y, n); break;
    case UNARY_EXP: loop4(UNARY_EXP, x, y, n); break;
    default: loop4(UNARY_LOG, x, y, n);
  }
}

export function unary_f32(op: i32, x: usize, y: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) unary_f32__simd128(op, x, y, n);
  else unary_f32__scalar(op, x, y, n);
}
