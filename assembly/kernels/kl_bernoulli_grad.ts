// kl_bernoulli_grad, elementwise for i < n, q = σ(a), q̄ = σ(−a), p = σ(b), p̄ = σ(−b):
//   da = dy·q·q̄·(a − b)
//   db = dy·(p − q) = dy·(q̄ − p̄)
// NOTE: q·q̄ uses both factors computed directly (not q·(1 − q), which is 0 in f32 for a > 17), and
// p − q is taken as q̄ − p̄ when both logits are ≥ 0, so each difference is of the two small numbers.
// Scalar: Mathf.exp; SIMD: expf4_nonpos (cephes expf), 4 lanes, partial-vector tail. NaN propagates.
import { expf4_nonpos, loadPartial, storePartial } from '../simd';

export function kl_bernoulli_grad_f32__scalar(a: usize, b: usize, dy: usize, da: usize, db: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const va = load<f32>(a + o), vb = load<f32>(b + o), g = load<f32>(dy + o);
    const ea = Mathf.exp(-Mathf.abs(va)), eb = Mathf.exp(-Mathf.abs(vb));
    const dA: f32 = 1 / (1 + ea), dB: f32 = 1 / (1 + eb);
    const edA = ea * dA, edB = eb * dB;
    const q = va >= 0 ? dA : edA, qbar = va >= 0 ? edA : dA;
    const p = vb >= 0 ? dB : edB, pbar = vb >= 0 ? edB : dB;
    store<f32>(da + o, g * (dA * edA) * (va - vb));
    store<f32>(db + o, g * (va >= 0 && vb >= 0 ? qbar - pbar : p - q));
  }
}

// @ts-ignore: decorator
@inline function step4(va: v128, vb: v128, g: v128, da: usize, db: usize, o: usize, rem: i32): void {
  const zero = f32x4.splat(0.0), one = f32x4.splat(1.0);
  const ea = expf4_nonpos(f32x4.neg(f32x4.abs(va))), eb = expf4_nonpos(f32x4.neg(f32x4.abs(vb)));
  const dA = f32x4.div(one, f32x4.add(one, ea)), dB = f32x4.div(one, f32x4.add(one, eb));
  const edA = f32x4.mul(ea, dA), edB = f32x4.mul(eb, dB);
  const apos = f32x4.ge(va, zero), bpos = f32x4.ge(vb, zero);
  const q = v128.bitselect(dA, edA, apos), qbar = v128.bitselect(edA, dA, apos);
  const p = v128.bitselect(dB, edB, bpos), pbar = v128.bitselect(edB, dB, bpos);
  // σ(a)σ(−a) = d·e·d whatever the sign of a.
  const vda = f32x4.mul(f32x4.mul(g, f32x4.mul(dA, edA)), f32x4.sub(va, vb));
  const vdb = f32x4.mul(g, v128.bitselect(f32x4.sub(qbar, pbar), f32x4.sub(p, q), v128.and(apos, bpos)));
  if (rem == 4) {
    v128.store(da + o, vda);
    v128.store(db + o, vdb);
  } else {
    storePartial(da + o, vda, rem);
    storePartial(db + o, vdb, rem);
  }
}

export function kl_bernoulli_grad_f32__simd128(a: usize, b: usize, dy: usize, da: usize, db: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    step4(v128.load(a + o), v128.load(b + o), v128.load(dy + o), da, db, o, 4);
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, pad = f32x4.splat(0.0);
    step4(loadPartial(a + o, rem, pad), loadPartial(b + o, rem, pad), loadPartial(dy + o, rem, pad), da, db, o, rem);
  }
}

export function kl_bernoulli_grad_f32(a: usize, b: usize, dy: usize, da: usize, db: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) kl_bernoulli_grad_f32__simd128(a, b, dy, da, db, n);
  else kl_bernoulli_grad_f32__scalar(a, b, dy, da, db, n);
}
