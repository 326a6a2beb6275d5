// kl_categorical_grad, per group of k with q = softmax(lq), p = softmax(lp), g = dy[r]:
//   dlq_j = g·q_j·((log q_j − log p_j) − KL),   dlp_j = g·(p_j − q_j)
// Using kl_categorical.ts' identity KL = T/Sq − (zq − zp), T = Σ_j eq_j·(lq_j − lp_j), the
// log-normalisers cancel in the first line:
//   (log q_j − log p_j) − KL = (lq_j − lp_j) − T/Sq
// so no log is needed. Pass 1: both maxima. Pass 2: eq_j, ep_j (kept in dlq, dlp: the outputs
// never alias the inputs), Sq, Sp, T. Pass 3: q_j = eq_j/Sq, p_j = ep_j/Sp, the two gradients.
//
//   lq, lp: [rows, k], dy: [rows]   ──►   dlq, dlp: [rows, k]
//
// Scalar path: Mathf.exp. SIMD paths (expf4_nonpos, cephes expf; pmax maxima, NaN poisons the sums):
// k ∈ {1, 2, 4} segmented (one pass,
// loadSeg broadcasts g over each group); other k per group with full vectors plus one partial
// vector (−Inf padding, masked out of the sums).
import { expf4_nonpos, laneMask, loadPartial, loadSeg, segPMax4, segSum4, storePartial } from '../simd';

export function kl_categorical_grad_f32__scalar(lq: usize, lp: usize, dy: usize, dlq: usize, dlp: usize, rows: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    let mq = -Infinity as f32, mp = -Infinity as f32;
    for (let j = 0; j < k; j++) {
      mq = max<f32>(mq, load<f32>(lq + o + (<usize>j << 2)));
      mp = max<f32>(mp, load<f32>(lp + o + (<usize>j << 2)));
    }
    let sq: f32 = 0, sp: f32 = 0, t: f32 = 0;
    for (let j = 0; j < k; j++) {
      const p = o + (<usize>j << 2);
      const a = load<f32>(lq + p), b = load<f32>(lp + p);
      const eq = Mathf.exp(a - mq), ep = Mathf.exp(b - mp);
      store<f32>(dlq + p, eq);
      store<f32>(dlp + p, ep);
      sq += eq;
      sp += ep;
      t += eq * (a - b);
    }
    const g = load<f32>(dy + (<usize>r << 2));
    const iq: f32 = 1 / sq, ip: f32 = 1 / sp, c = t * iq;
    for (let j = 0; j < k; j++) {
      const p = o + (<usize>j << 2);
      const q = load<f32>(dlq + p) * iq;
      store<f32>(dlq + p, g * q * ((load<f32>(lq + p) - load<f32>(lp + p)) - c));
      store<f32>(dlp + p, g * (load<f32>(dlp + p) * ip - q));
    }
  }
}

// @ts-ignore: decorator
@inline function gradSeg4(a: v128, b: v128, g: v128, dlq: usize, dlp: usize, o: usize, K: i32, rem: i32): void {
  const mq = segPMax4(a, K), mp = segPMax4(b, K);
  const eq = expf4_nonpos(f32x4.sub(a, mq)), ep = expf4_nonpos(f32x4.sub(b, mp));
  const d = f32x4.sub(a, b);
  const sq = segSum4(eq, K), sp = segSum4(ep, K);
  const t = segSum4(f32x4.mul(eq, d), K);
  const q = f32x4.div(eq, sq);
  const vq = f32x4.mul(f32x4.mul(g, q), f32x4.sub(d, f32x4.div(t, sq)));
  const vp = f32x4.mul(g, f32x4.sub(f32x4.div(ep, sp), q));
  if (rem == 4) {
    v128.store(dlq + o, vq);
    v128.store(dlp + o, vp);
  } else {
    storePartial(dlq + o, vq, rem);
    storePartial(dlp + o, vp, rem);
  }
}

// @ts-ignore: decorator
@inline function gradSegLoop(lq: usize, lp: usize, dy: usize, dlq: usize, dlp: usize, rows: i32, K: i32): void {
  const n = rows * K;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    gradSeg4(v128.load(lq + o), v128.load(lp + o), loadSeg(dy + (<usize>(i / K) << 2), K, 4 / K), dlq, dlp, o, K, 4);
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, zero = f32x4.splat(0.0);
    gradSeg4(loadPartial(lq + o, rem, zero), loadPartial(lp + o, rem, zero), loadSeg(dy + (<usize>(i / K) << 2), K, rem / K), dlq, dlp, o, K, rem);
  }
}

export function kl_categorical_grad_f32__simd128_seg(lq: usize, lp: usize, dy: usize, dlq: usize, dlp: usize, rows: i32, k: i32): void {
  if (k == 1) gradSegLoop(lq, lp, dy, dlq, dlp, rows, 1);
  else if (k == 2) gradSegLoop(lq, lp, dy, dlq, dlp, rows, 2);
  else gradSegLoop(lq, lp, dy, dlq, dlp, rows, 4);
}

export function kl_categorical_grad_f32__simd128_rows(lq: usize, lp: usize, dy: usize, dlq: usize, dlp: usize, rows: i32, k: i32): void {
  const kv = k & ~3, rem = k & 3, mask = laneMask(rem);
  const ninf = f32x4.splat(-Infinity), zero = f32x4.splat(0.0);
  const tail = <usize>kv << 2;
  for (let r = 0; r < rows; r++) {
    const o = <usize>r * <usize>k << 2;
    const pq = lq + o, pp = lp + o, gq = dlq + o, gp = dlp + o;
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
      const p = <usize>j << 2;
      const a = v128.load(pq + p), b = v128.load(pp + p);
      const eq = expf4_nonpos(f32x4.sub(a, vmq)), ep = expf4_nonpos(f32x4.sub(b, vmp));
      v128.store(gq + p, eq);
      v128.store(gp + p, ep);
      sq = f32x4.add(sq, eq);
      sp = f32x4.add(sp, ep);
      t = f32x4.add(t, f32x4.mul(eq, f32x4.sub(a, b)));
    }
    if (rem) {
      const a = loadPartial(pq + tail, rem, ninf), b = loadPartial(pp + tail, rem, ninf);
      const eq = v128.and(expf4_nonpos(f32x4.sub(a, vmq)), mask), ep = v128.and(expf4_nonpos(f32x4.sub(b, vmp)), mask);
      storePartial(gq + tail, eq, rem);
      storePartial(gp + tail, ep, rem);
      sq = f32x4.add(sq, eq);
      sp = f32x4.add(sp, ep);
      t = f32x4.add(t, v128.and(f32x4.mul(eq, f32x4.sub(a, b)), mask));
    }
    const one = f32x4.splat(1.0);
    const iq = f32x4.div(one, segSum4(sq, 4)), ip = f32x4.div(one, segSum4(sp, 4));
    const c = f32x4.mul(segSum4(t, 4), iq);
    const g = v128.load32_splat(dy + (<usize>r << 2));
    for (let j = 0; j < kv; j += 4) {
      const p = <usize>j << 2;
      const q = f32x4.mul(v128.load(gq + p), iq);
      const d = f32x4.sub(v128.load(pq + p), v128.load(pp + p));
      v128.store(gq + p, f32x4.mul(f32x4.mul(g, q), f32x4.sub(d, c)));
      v128.store(gp + p, f32x4.mul(g, f32x4.sub(f32x4.mul(v128.load(gp + p), ip), q)));
    }
    if (rem) {
      const q = f32x4.mul(loadPartial(gq + tail, rem, zero), iq);
      const d = f32x4.sub(loadPartial(pq + tail, rem, zero), loadPartial(pp + tail, rem, zero));
      storePartial(gq + tail, f32x4.mul(f32x4.mul(g, q), f32x4.sub(d, c)), rem);
      storePartial(gp + tail, f32x4.mul(g, f32x4.sub(f32x4.mul(loadPartial(gp + tail, rem, zero), ip), q)), rem);
    }
  }
}

export function kl_categorical_grad_f32(lq: usize, lp: usize, dy: usize, dlq: usize, dlp: usize, rows: i32, k: i32): void {
  if (ASC_FEATURE_SIMD) {
    if (k == 1 || k == 2 || k == 4) kl_categorical_grad_f32__simd128_seg(lq, lp, dy, dlq, dlp, rows, k);
    else kl_categorical_grad_f32__simd128_rows(lq, lp, dy, dlq, dlp, rows, k);
  } else kl_categorical_grad_f32__scalar(lq, lp, dy, dlq, dlp, rows, k);
}
