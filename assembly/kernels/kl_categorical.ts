// kl_categorical: y[r] = KL(q ‖ p) = Σ_j q_j (log q_j − log p_j), q = softmax(lq[r, :]),
// p = softmax(lp[r, :]), per group of k (y has `rows` elements).
// With m = max, e_j = exp(l_j − m), S = Σ e_j, z = m + log S (= logsumexp):
//   KL = Σ_j (eq_j/Sq)·((lq_j − zq) − (lp_j − zp)) = T/Sq − (zq − zp),   T = Σ_j eq_j·(lq_j − lp_j)
// so one exp pass gives everything (2 exp per element instead of 3). lq = lp gives exactly 0.
// A NaN in either group makes y NaN; a −Inf in lp where q_j > 0 gives +Inf, as in ref.
//
//   lq, lp: [rows, k]   ──►   y: [rows]
//
// Scalar path: Mathf.exp / Mathf.log. SIMD paths (expf4_nonpos cephes expf, logf4_pos cephes logf):
// k ∈ {1, 2, 4} segmented (4/k groups per vector, segPMax4 / segSum4, storeSeg); other k ≤ LANES_K
// four groups at a time, one per lane (column j of 4 rows gathered; sums in order of j, no horizontal
// sums, one logf4 per 4 groups: 1.6× the per-group path at k = 10, 2.8× at k = 3, the same at 20;
// the last < 4 groups repeat their last one in the spare lanes, so every group's result is the same
// wherever it sits: any thread split gives the same bits); larger k per group, full vectors plus one
// −Inf-padded partial vector whose lanes are masked out of the sums.
// Maxima use pmax: a skipped NaN still poisons Sq, Sp or T.
import { expf4_nonpos, laneMask, loadPartial, logf4_pos, segPMax4, segSum4, storePartial, storeSeg } from '../simd';

/** Largest k run with one group per lane (above it, a group's contiguous vectors are cheaper than 4 gathers). */
// @ts-ignore: decorator
@inline const LANES_K: i32 = 32;

export function kl_categorical_f32__scalar(lq: usize, lp: usize, y: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    let mq = -Infinity as f32, mp = -Infinity as f32;
    for (let j = 0; j < k; j++) {
      mq = max<f32>(mq, load<f32>(lq + o + (<usize>j << 2)));
      mp = max<f32>(mp, load<f32>(lp + o + (<usize>j << 2)));
    }
    let sq: f32 = 0, sp: f32 = 0, t: f32 = 0;
    for (let j = 0; j < k; j++) {
      const a = load<f32>(lq + o + (<usize>j << 2)), b = load<f32>(lp + o + (<usize>j << 2));
      const eq = Mathf.exp(a - mq);
      sq += eq;
      sp += Mathf.exp(b - mp);
      t += eq * (a - b);
    }
    store<f32>(y + (<usize>r << 2), t / sq - ((mq + Mathf.log(sq)) - (mp + Mathf.log(sp))));
  }
}

// @ts-ignore: decorator
@inline function klSeg4(a: v128, b: v128, K: i32): v128 {
  const mq = segPMax4(a, K), mp = segPMax4(b, K);
  const eq = expf4_nonpos(f32x4.sub(a, mq)), ep = expf4_nonpos(f32x4.sub(b, mp));
  const sq = segSum4(eq, K), sp = segSum4(ep, K);
  const t = segSum4(f32x4.mul(eq, f32x4.sub(a, b)), K);
  // logf4_pos: Sq, Sp ∈ [1, K] whenever the result is not already NaN through T or Sq.
  const dz = f32x4.sub(f32x4.add(mq, logf4_pos(sq)), f32x4.add(mp, logf4_pos(sp)));
  return f32x4.sub(f32x4.div(t, sq), dz);
}

// @ts-ignore: decorator
@inline function klSegLoop(lq: usize, lp: usize, y: usize, rows: i32, K: i32): void {
  const n = rows * K;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    storeSeg(y + (<usize>(i / K) << 2), klSeg4(v128.load(lq + o), v128.load(lp + o), K), K, 4 / K);
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, zero = f32x4.splat(0.0);
    storeSeg(y + (<usize>(i / K) << 2), klSeg4(loadPartial(lq + o, rem, zero), loadPartial(lp + o, rem, zero), K), K, rem / K);
  }
}

export function kl_categorical_f32__simd128_seg(lq: usize, lp: usize, y: usize, rows: i32, k: i32): void {
  if (k == 1) klSegLoop(lq, lp, y, rows, 1);
  else if (k == 2) klSegLoop(lq, lp, y, rows, 2);
  else klSegLoop(lq, lp, y, rows, 4);
}

export function kl_categorical_f32__simd128_rows(lq: usize, lp: usize, y: usize, rows: i32, k: i32): void {
  const kv = k & ~3, rem = k & 3, mask = laneMask(rem);
  const ninf = f32x4.splat(-Infinity), zero = f32x4.splat(0.0);
  const tail = <usize>kv << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    const pq = lq + o, pp = lp + o;
    let vmq = ninf, vmp = ninf;
    for (let j = 0; j < kv; j += 4) {
      vmq = f32x4.pmax(vmq, v128.load(pq + (<usize>j << 2)));
      vmp = f32x4.pmax(vmp, v128.load(pp + (<usize>j << 2)));
    }
    if (rem) {
      vmq = f32x4.pmax(vmq, loadPartial(pq + tail, rem, ninf));
      vmp = f32x4.pmax(vmp, loadPartial(pp + tail, rem, ninf));
    }
    vmq = segPMax4(vmq, 4);
    vmp = segPMax4(vmp, 4);
    let sq = zero, sp = zero, t = zero;
    for (let j = 0; j < kv; j += 4) {
      const a = v128.load(pq + (<usize>j << 2)), b = v128.load(pp + (<usize>j << 2));
      const eq = expf4_nonpos(f32x4.sub(a, vmq));
      sq = f32x4.add(sq, eq);
      sp = f32x4.add(sp, expf4_nonpos(f32x4.sub(b, vmp)));
      t = f32x4.add(t, f32x4.mul(eq, f32x4.sub(a, b)));
    }
    if (rem) {
      // Padded lanes are −Inf in both: e = exp(−Inf) = 0 but 0·(−Inf + Inf) = NaN, hence the mask.
      const a = loadPartial(pq + tail, rem, ninf), b = loadPartial(pp + tail, rem, ninf);
      const eq = expf4_nonpos(f32x4.sub(a, vmq));
      sq = f32x4.add(sq, v128.and(eq, mask));
      sp = f32x4.add(sp, v128.and(expf4_nonpos(f32x4.sub(b, vmp)), mask));
      t = f32x4.add(t, v128.and(f32x4.mul(eq, f32x4.sub(a, b)), mask));
    }
    const Sq = f32x4.extract_lane(segSum4(sq, 4), 0), Sp = f32x4.extract_lane(segSum4(sp, 4), 0);
    const T = f32x4.extract_lane(segSum4(t, 4), 0);
    const mqs = f32x4.extract_lane(vmq, 0), mps = f32x4.extract_lane(vmp, 0);
    store<f32>(y + (<usize>r << 2), T / Sq - ((mqs + Mathf.log(Sq)) - (mps + Mathf.log(Sp))));
  }
}

/** Element j of four groups at byte offsets 0, o1, o2, o3 from p, one per lane. */
// @ts-ignore: decorator
@inline function gather4(p: usize, o1: usize, o2: usize, o3: usize): v128 {
  return v128.load32_lane(p + o3, v128.load32_lane(p + o2, v128.load32_lane(p + o1, v128.load32_zero(p), 1), 2), 3);
}

export function kl_categorical_f32__simd128_lanes(lq: usize, lp: usize, y: usize, rows: i32, k: i32): void {
  const stride = <usize>k << 2, zero = f32x4.splat(0.0);
  for (let r = 0; r < rows; r += 4) {
    // Lanes past the last group read the last group again; only the real ones are stored.
    const n = min(rows - r, 4), o1 = <usize>min(1, n - 1) * stride, o2 = <usize>min(2, n - 1) * stride, o3 = <usize>(n - 1) * stride;
    const pq = lq + <usize>r * stride, pp = lp + <usize>r * stride;
    let mq = f32x4.splat(-Infinity), mp = mq;
    for (let j = 0; j < k; j++) {
      const o = <usize>j << 2;
      mq = f32x4.pmax(mq, gather4(pq + o, o1, o2, o3));
      mp = f32x4.pmax(mp, gather4(pp + o, o1, o2, o3));
    }
    let sq = zero, sp = zero, t = zero;
    for (let j = 0; j < k; j++) {
      const o = <usize>j << 2, a = gather4(pq + o, o1, o2, o3), b = gather4(pp + o, o1, o2, o3);
      const eq = expf4_nonpos(f32x4.sub(a, mq));
      sq = f32x4.add(sq, eq);
      sp = f32x4.add(sp, expf4_nonpos(f32x4.sub(b, mp)));
      t = f32x4.add(t, f32x4.mul(eq, f32x4.sub(a, b)));
    }
    const kl = f32x4.sub(f32x4.div(t, sq), f32x4.sub(f32x4.add(mq, logf4_pos(sq)), f32x4.add(mp, logf4_pos(sp))));
    if (n == 4) v128.store(y + (<usize>r << 2), kl);
    else storePartial(y + (<usize>r << 2), kl, n);
  }
}

export function kl_categorical_f32(lq: usize, lp: usize, y: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (k == 1 || k == 2 || k == 4) kl_categorical_f32__simd128_seg(lq, lp, y, rows, k);
    else if (k <= LANES_K) kl_categorical_f32__simd128_lanes(lq, lp, y, rows, k);
    else kl_categorical_f32__simd128_rows(lq, lp, y, rows, k);
  } else kl_categorical_f32__scalar(lq, lp, y, rows, k);
}
