// softmax: y[r, :] = softmax(x[r, :]) for each of `rows` groups of k consecutive elements:
//   m = max_j x_j,   e_j = exp(x_j − m),   y_j = e_j / Σ_j e_j      (max-subtracted: e_j ≤ 1)
// A NaN anywhere in a group makes the whole group NaN (exp(NaN − m) poisons the sum), as in ref.
//
//   x: [rows, k] row-major   ──►   y: [rows, k]   (y must not alias x)
//
// Scalar path: three passes per group (max, exp + sum, divide), Mathf.exp.
// SIMD paths (expf4_nonpos: cephes expf for x − m ≤ 0, assembly/simd.ts):
// - k ∈ {1, 2, 4} (`__simd128_seg`): one vector holds 4/k whole groups; segPMax4/segSum4 reduce
//   within groups with shuffles, so a group costs no horizontal extract at all.
// - other k (`__simd128_rows`): per group, full vectors along k plus one partial vector for the last
//   k mod 4 (padded with −Inf for the max, masked to 0 for the sum); the exp pass stores e_j in y and
//   a third pass scales y by 1/Σe (one division per group).
// NOTE: the max uses pmax (one x64 instruction; V8's IEEE f32x4.max is eight, on the loop-carried
// chain): it may skip a NaN, but the NaN still reaches Σe. This alone made [2000, 10] 2.5× faster.
import { expf4_nonpos, laneMask, loadPartial, segPMax4, segSum4, storePartial } from '../simd';

export function softmax_f32__scalar(x: usize, y: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>r * <usize>k << 2), py = y + (<usize>r * <usize>k << 2);
    let m = -Infinity as f32;
    for (let j = 0; j < k; j++) m = max<f32>(m, load<f32>(px + (<usize>j << 2)));
    let s: f32 = 0;
    for (let j = 0; j < k; j++) {
      const e = Mathf.exp(load<f32>(px + (<usize>j << 2)) - m);
      store<f32>(py + (<usize>j << 2), e);
      s += e;
    }
    const inv: f32 = 1 / s;
    for (let j = 0; j < k; j++) store<f32>(py + (<usize>j << 2), load<f32>(py + (<usize>j << 2)) * inv);
  }
}

// @ts-ignore: decorator
@inline function seg4(v: v128, K: i32): v128 {
  const e = expf4_nonpos(f32x4.sub(v, segPMax4(v, K)));
  return f32x4.div(e, segSum4(e, K));
}

// @ts-ignore: decorator
@inline function softmaxSeg(x: usize, y: usize, rows: i32, K: i32): void {
  const n = rows * K;
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(y + (<usize>i << 2), seg4(v128.load(x + (<usize>i << 2)), K));
  const rem = n - i;
  if (rem > 0) storePartial(y + (<usize>i << 2), seg4(loadPartial(x + (<usize>i << 2), rem, f32x4.splat(0.0)), K), rem);
}

export function softmax_f32__simd128_seg(x: usize, y: usize, rows: i32, k: i32): void {
  if (k == 1) softmaxSeg(x, y, rows, 1);
  else if (k == 2) softmaxSeg(x, y, rows, 2);
  else softmaxSeg(x, y, rows, 4);
}

export function softmax_f32__simd128_rows(x: usize, y: usize, rows: i32, k: i32): void {
  const kv = k & ~3, rem = k & 3;
  const ninf = f32x4.splat(-Infinity), zero = f32x4.splat(0.0);
  const mask = laneMask(rem);
  const tail = <usize>kv << 2;
  for (let r = 0; r < rows; r++) {
    const px = x + (<usize>r * <usize>k << 2), py = y + (<usize>r * <usize>k << 2);
    let vm = ninf;
    for (let j = 0; j < kv; j += 4) vm = f32x4.pmax(vm, v128.load(px + (<usize>j << 2)));
    if (rem) vm = f32x4.pmax(vm, loadPartial(px + tail, rem, ninf));
    vm = segPMax4(vm, 4);
    let vs = zero;
    for (let j = 0; j < kv; j += 4) {
      const e = expf4_nonpos(f32x4.sub(v128.load(px + (<usize>j << 2)), vm));
      v128.store(py + (<usize>j << 2), e);
      vs = f32x4.add(vs, e);
    }
    if (rem) {
      const e = v128.and(expf4_nonpos(f32x4.sub(loadPartial(px + tail, rem, ninf), vm)), mask);
      storePartial(py + tail, e, rem);
      vs = f32x4.add(vs, e);
    }
    const inv = f32x4.div(f32x4.splat(1.0), segSum4(vs, 4));
    for (let j = 0; j < kv; j += 4) v128.store(py + (<usize>j << 2), f32x4.mul(v128.load(py + (<usize>j << 2)), inv));
    if (rem) storePartial(py + tail, f32x4.mul(loadPartial(py + tail, rem, zero), inv), rem);
  }
}

export function softmax_f32(x: usize, y: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (k == 1 || k == 2 || k == 4) softmax_f32__simd128_seg(x, y, rows, k);
    else softmax_f32__simd128_rows(x, y, rows, k);
  } else softmax_f32__scalar(x, y, rows, k);
}
