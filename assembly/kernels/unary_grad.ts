// unary_grad: dx[i] = dy[i]·f′(x[i]) for i < n, given y = f(x), op = index in UNARY_OPS:
//   0 neg −dy          1 abs dy·sign(x) (0 at x = 0)    2 square 2x·dy     3 sqrt dy/(2y)
//   4 relu dy·[x > 0]  5 sigmoid dy·y(1 − y)            6 tanh dy·(1 − y)(1 + y)
//   7 softplus dy·σ(x) 8 exp dy·y                       9 log dy/x
// abs and relu give NaN where x is NaN (like ref); the others propagate NaN through arithmetic.
// NOTE: tanh uses (1 − y)(1 + y), not 1 − y²: y² rounds in f32 and 1 − y² then loses every digit
// as |y| → 1; 1 − y is exact there (Sterbenz).
// Scalar path: plain f32 loops (σ from unary.ts). SIMD path: 4 lanes, partial-vector tail;
// sigmoidf4 (expf4_nonpos, cephes expf) from assembly/simd.ts for softplus.
import { loadPartial, sigmoidf4, storePartial } from '../simd';
import { sigmoidf } from './unary';

// @ts-ignore: decorator
@inline function grad1(op: i32, x: f32, y: f32, dy: f32): f32 {
  switch (op) {
    case 0: return -dy;
    case 1: return x > 0 ? dy : x < 0 ? -dy : x == x ? 0 : x;
    case 2: return 2 * x * dy;
    case 3: return dy / (2 * y);
    case 4: return x > 0 ? dy : x == x ? 0 : x;
    case 5: return dy * y * (1 - y);
    case 6: return dy * (1 - y) * (1 + y);
    case 7: return dy * sigmoidf(x);
    case 8: return dy * y;
    default: return dy / x;
  }
}

// @ts-ignore: decorator
@inline function grad4(op: i32, x: v128, y: v128, dy: v128): v128 {
  const zero = f32x4.splat(0.0), one = f32x4.splat(1.0);
  switch (op) {
    case 0: return f32x4.neg(dy);
    case 1: {
      const pos = f32x4.gt(x, zero), neg = f32x4.lt(x, zero);
      const t = v128.and(v128.bitselect(dy, f32x4.neg(dy), pos), v128.or(pos, neg));
      return v128.bitselect(x, t, f32x4.ne(x, x));
    }
    case 2: return f32x4.mul(f32x4.add(x, x), dy);
    case 3: return f32x4.div(dy, f32x4.add(y, y));
    case 4: return v128.bitselect(x, v128.and(dy, f32x4.gt(x, zero)), f32x4.ne(x, x));
    case 5: return f32x4.mul(f32x4.mul(dy, y), f32x4.sub(one, y));
    case 6: return f32x4.mul(f32x4.mul(dy, f32x4.sub(one, y)), f32x4.add(one, y));
    case 7: return f32x4.mul(dy, sigmoidf4(x));
    case 8: return f32x4.mul(dy, y);
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
    case 0: loop1(0, x, y, dy, dx, n); break;
    case 1: loop1(1, x, y, dy, dx, n); break;
    case 2: loop1(2, x, y, dy, dx, n); break;
    case 3: loop1(3, x, y, dy, dx, n); break;
    case 4: loop1(4, x, y, dy, dx, n); break;
    case 5: loop1(5, x, y, dy, dx, n); break;
    case 6: loop1(6, x, y, dy, dx, n); break;
    case 7: loop1(7, x, y, dy, dx, n); break;
    case 8: loop1(8, x, y, dy, dx, n); break;
    default: loop1(9, x, y, dy, dx, n);
  }
}

export function unary_grad_f32__simd128(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  switch (op) {
    case 0: loop4(0, x, y, dy, dx, n); break;
    case 1: loop4(1, x, y, dy, dx, n); break;
    case 2: loop4(2, x, y, dy, dx, n); break;
    case 3: loop4(3, x, y, dy, dx, n); break;
    case 4: loop4(4, x, y, dy, dx, n); break;
    case 5: loop4(5, x, y, dy, dx, n); break;
    case 6: loop4(6, x, y, dy, dx, n); break;
    case 7: loop4(7, x, y, dy, dx, n); break;
    case 8: loop4(8, x, y, dy, dx, n); break;
    default: loop4(9, x, y, dy, dx, n);
  }
}

export function unary_grad_f32(op: i32, x: usize, y: usize, dy: usize, dx: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) unary_grad_f32__simd128(op, x, y, dy, dx, n);
  else unary_grad_f32__scalar(op, x, y, dy, dx, n);
}
