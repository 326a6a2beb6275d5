// unary_grad: dx[i] = dy[i]·f′(x[i]) for i < n, given y = f(x), op = UNARY_* of assembly/codes.ts:
//   neg −dy          abs dy·sign(x) (0 at x = 0)    square 2x·dy     sqrt dy/(2y)
//   relu dy·[x > 0]  sigmoid dy·y(1 − y)            tanh dy·(1 − y)(1 + y)
//   softplus dy·σ(x) exp dy·y                       log dy/x
// abs and relu give NaN where x is NaN (like ref); the others propagate NaN through arithmetic.
// NOTE: tanh uses (1 − y)(1 + y), not 1 − y²: y² rounds in f32 and 1 − y² then loses every digit
// as |y| → 1; 1 − y is exact there (Sterbenz).
// Scalar path: plain f32 loops (σ from unary.ts). SIMD path: 4 lanes, partial-vector tail;
// sigmoidf4 (expf4_nonpos, cephes expf) from assembly/simd.ts for softplus.
import { UNARY_ABS, UNARY_EXP, UNARY_LOG, UNARY_NEG, UNARY_RELU, UNARY_SIGMOID, UNARY_SOFTPLUS, UNARY_SQRT, UNARY_SQUARE, UNARY_TANH } from '../codes';
import { loadPartial, sigmoidf4, storePartial } from '../simd';
import { sigmoidf } from './unary';

// @ts-ignore: decorator
@inline function grad1(op: i32, x: f32, y: f32, dy: f32): f32 {
  switch (op) {
    case UNARY_NEG: return -dy;
    case UNARY_ABS: return x > 0 ? dy : x < 0 ? -dy : x == x ? 0 : x;
    case UNARY_SQUARE: return 2 * x * dy;
    case UNARY_SQRT: return dy / (2 * y);
    case UNARY_RELU: return x > 0 ? dy : x == x ? 0 : x;
    case UNARY_SIGMOID: return dy * y * (1 - y);
    case UNARY_TANH: return dy * (1 - y) * (1 + y);
    case UNARY_SOFTPLUS: return dy * sigmoidf(x);
    case UNARY_EXP: return dy * y;
    default: return dy / x;
  }
}

// @ts-ignore: decorator
@inline function grad4(op: i32, x: v128, y: v128, dy: v128): v128 {
  const zero = f32x4.splat(0.0), one = f32x4.splat(1.0);
  switch (op) {
    case UNARY_NEG: return f32x4.neg(dy);
    case UNARY_ABS: {
      const pos = f32x4.gt(x, zero), neg = f32x4.lt(x, zero);
      const t = v128.and(v128.bitselect(dy, f32x4.neg(dy), pos), v128.or(pos, neg));
      return v128.bitselect(x, t, f32x4.ne(x, x));
    }
    case UNARY_SQUARE: return f32x4.mul(f32x4.add(x, x), dy);
    case UNARY_SQRT: return f32x4.div(dy, f32x4.add(y, y));
    case UNARY_RELU: return v128.bitselect(x, v128.and(dy, f32x4.gt(x, zero)), f32x4.ne(x, x));
    case UNARY_SIGMOID: return f32x4.mul(f32x4.mul(dy, y), f32x4.sub(one, y));
    case UNARY_TANH: return f32x4.mul(f32x4.mul(dy, f32x4.sub(one, y)), f32x4.add(one, y));
    case UNARY_SOFTPLUS: return f32x4.mul(dy, sigmoidf4(x));
    case UNARY_EXP: return f32x4.mul(dy, y);
    default: return f32x4.div(dy, x);
  }
}

// @ts-ignore: decorator
@inline function loop1(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(dx + o, grad1(op, load<f32>(x + o), load<f32>(y + o), load<f32>(dy + o)));
  }
}

// @ts-ignore: decorator
@inline function loop4(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, grad4(op, v128.load(x + o), v128.load(y + o), v128.load(dy + o)));
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, pad = f32x4.splat(1.0);
    storePartial(dx + o, grad4(op, loadPartial(x + o, rem, pad), loadPartial(y + o, rem, pad), loadPartial(dy + o, rem, pad)), rem);
  }
}

export function unary_grad_f32__scalar(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  switch (op) {
    case UNARY_NEG: loop1(UNARY_NEG, x, y, dy, dx, n); break;
    case UNARY_ABS: loop1(UNARY_ABS, x, y, dy, dx, n); break;
    case UNARY_SQUARE: loop1(UNARY_SQUARE, x, y, dy, dx, n); break;
    case UNARY_SQRT: loop1(UNARY_SQRT, x, y, dy, dx, n); break;
    case UNARY_RELU: loop1(UNARY_RELU, x, y, dy, dx, n); break;
    case UNARY_SIGMOID: loop1(UNARY_SIGMOID, x, y, dy, dx, n); break;
    case UNARY_TANH: loop1(UNARY_TANH, x, y, dy, dx, n); break;
    case UNARY_SOFTPLUS: loop1(UNARY_SOFTPLUS, x, y, dy, dx, n); break;
    case UNARY_EXP: loop1(UNARY_EXP, x, y, dy, dx, n); break;
    default: loop1(UNARY_LOG, x, y, dy, dx, n);
  }
}

export function unary_grad_f32__simd128(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  switch (op) {
    case UNARY_NEG: loop4(UNARY_NEG, x, y, dy, dx, n); break;
    case UNARY_ABS: loop4(UNARY_ABS, x, y, dy, dx, n); break;
    case UNARY_SQUARE: loop4(UNARY_SQUARE, x, y, dy, dx, n); break;
    case UNARY_SQRT: loop4(UNARY_SQRT, x, y, dy, dx, n); break;
    case UNARY_RELU: loop4(UNARY_RELU, x, y, dy, dx, n); break;
    case UNARY_SIGMOID: loop4(UNARY_SIGMOID, x, y, dy, dx, n); break;
    case UNARY_TANH: loop4(UNARY_TANH, x, y, dy, dx, n); break;
    case UNARY_SOFTPLUS: loop4(UNARY_SOFTPLUS, x, y, dy, dx, n); break;
    case UNARY_EXP: loop4(UNARY_EXP, x, y, dy, dx, n); break;
    default: loop4(UNARY_LOG, x, y, dy, dx, n);
  }
}

export function unary_grad_f32(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) unary_grad_f32__simd128(op, x, y, dy, dx, n);
  else unary_grad_f32__scalar(op, x, y, dy, dx, n);
}
