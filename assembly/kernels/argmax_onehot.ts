// argmax_onehot: y[r,:] = one_hot(argmax_j x[r,j]) over each group of k (x, y: [rows, k]).
//
// The first index attaining the maximum wins ties (−0 and +0 tie); a group holding any NaN
// becomes all NaN (the `ref` backend's rule, so the hard sample never hides a NaN logit).
//
// SIMD path (k ≥ 4), per group: lane ℓ keeps the running maximum of the elements j ≡ ℓ (mod 4)
// and the first index attaining it (a strict > never replaces an earlier equal value); the tail
// is loaded with −Inf padding, which never wins. Then the group maximum m is the lane maximum and
// the winner the smallest index among lanes holding m: the first index overall. NaN lanes are
// tracked in a separate mask. Groups of k < 4 take the scalar loop.
import { hmax4, loadPartial, storePartial } from '../simd';

// @ts-ignore: decorator
@inline function groupScalar(x: usize, y: usize, o: usize, k: i32): void {
  let best = 0;
  let nan = false;
  for (let j = 0; j < k; j++) {
    const v = load<f32>(x + o + (<usize>j << 2));
    if (v != v) nan = true;
    else if (v > load<f32>(x + o + (<usize>best << 2))) best = j;
  }
  for (let j = 0; j < k; j++) store<f32>(y + o + (<usize>j << 2), nan ? NaN : j == best ? 1.0 : 0.0);
}

export function argmax_onehot_f32__scalar(x: usize, y: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) groupScalar(x, y, (<usize>r * k) << 2, k);
}

/** y[o .. o + 4k) = value (4-lane stores, partial at the end). */
// @ts-ignore: decorator
@inline function fillGroup(y: usize, o: usize, k: i32, value: v128): void {
  let j = 0;
  for (; j + 4 <= k; j += 4) v128.store(y + o + (<usize>j << 2), value);
  if (j < k) storePartial(y + o + (<usize>j << 2), value, k - j);
}

export function argmax_onehot_f32__simd128(x: usize, y: usize, rows: i32, k: i32): void {
  if (k < 4) {
    argmax_onehot_f32__scalar(x, y, rows, k);
    return;
  }
  const four = i32x4.splat(4), negInf = f32x4.splat(-Infinity), big = i32x4.splat(0x7fffffff);
  for (let r = 0; r < rows; r++) {
    const o = (<usize>r * k) << 2;
    let vmax = v128.load(x + o);
    let vidx = i32x4(0, 1, 2, 3);
    let vnan = f32x4.ne(vmax, vmax);
    let vj = i32x4(4, 5, 6, 7);
    let j = 4;
    // NOTE: do-while, exit at the bottom, so V8 keeps `four` out of the loop.
    if (k >= 8) {
      do {
        const v = v128.load(x + o + (<usize>j << 2));
        const gt = f32x4.gt(v, vmax);
        vmax = v128.bitselect(v, vmax, gt);
        vidx = v128.bitselect(vj, vidx, gt);
        vnan = v128.or(vnan, f32x4.ne(v, v));
        vj = i32x4.add(vj, four);
        j += 4;
      } while (j + 4 <= k);
    }
    if (j < k) {
      const v = loadPartial(x + o + (<usize>j << 2), k - j, negInf);
      const gt = f32x4.gt(v, vmax);
      vmax = v128.bitselect(v, vmax, gt);
      vidx = v128.bitselect(vj, vidx, gt);
      vnan = v128.or(vnan, f32x4.ne(v, v));
    }
    if (v128.any_true(vnan)) {
      fillGroup(y, o, k, f32x4.splat(NaN));
      continue;
    }
    // Smallest index among the lanes holding the maximum.
    let idx = v128.bitselect(vidx, big, f32x4.eq(vmax, f32x4.splat(hmax4(vmax))));
    idx = i32x4.min_s(idx, i32x4.shuffle(idx, idx, 2, 3, 0, 1));
    idx = i32x4.min_s(idx, i32x4.shuffle(idx, idx, 1, 0, 3, 2));
    fillGroup(y, o, k, f32x4.splat(0));
    store<f32>(y + o + (<usize>i32x4.extract_lane(idx, 0) << 2), 1.0);
  }
}

export function argmax_onehot_f32(x: usize, y: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) argmax_onehot_f32__simd128(x, y, rows, k);
  else argmax_onehot_f32__scalar(x, y, rows, k);
}
