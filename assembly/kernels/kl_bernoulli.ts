// kl_bernoulli: y[i] = KL(Bern(σ(a)) ‖ Bern(σ(b))) for i < n,
//   = q·(log q − log p) + q̄·(log q̄ − log p̄),   q = σ(a), q̄ = σ(−a), p = σ(b), p̄ = σ(−b).
// With log σ(x) = −softplus(−x), softplus(x) = relu(x) + L(x), L(x) = log1p(e^−|x|), and q + q̄ = 1:
//   y = (L(b) − L(a)) + q·(relu(−b) − relu(−a)) + q̄·(relu(b) − relu(a))
// NOTE: q and q̄ are both computed directly (never 1 − q), and each bracket subtracts like-sized
// terms, so y keeps its relative accuracy when both logits are large (a = 80, b = 79 gives
// ≈ e⁻⁷⁹ − 2e⁻⁸⁰, not the 1e−7 rounding noise of softplus(b) − softplus(a) + q·(a − b)).
// Cost per element: 2 exp, 2 log1p, 1 division. Scalar: Mathf; SIMD: expf4_nonpos (cephes expf),
// log1pf4_01 (cephes logf polynomial), 4 lanes, partial-vector tail. NaN in a or b propagates.
import { expf4_nonpos, loadPartial, log1pf4_01, storePartial } from '../simd';

// @ts-ignore: decorator
@inline function kl4(a: v128, b: v128): v128 {
  const zero = f32x4.splat(0.0), one = f32x4.splat(1.0);
  const ea = expf4_nonpos(f32x4.neg(f32x4.abs(a))), eb = expf4_nonpos(f32x4.neg(f32x4.abs(b)));
  const d = f32x4.div(one, f32x4.add(one, ea)), ed = f32x4.mul(ea, d);
  const apos = f32x4.ge(a, zero);
  const q = v128.bitselect(d, ed, apos), qbar = v128.bitselect(ed, d, apos);
  const dl = f32x4.sub(log1pf4_01(eb), log1pf4_01(ea));
  const rn = f32x4.sub(f32x4.pmax(f32x4.neg(b), zero), f32x4.pmax(f32x4.neg(a), zero));
  const rp = f32x4.sub(f32x4.pmax(b, zero), f32x4.pmax(a, zero));
  return f32x4.add(dl, f32x4.add(f32x4.mul(q, rn), f32x4.mul(qbar, rp)));
}

export function kl_bernoulli_f32__scalar(a: usize, b: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const va = load<f32>(a + o), vb = load<f32>(b + o);
    const ea = Mathf.exp(-Mathf.abs(va)), eb = Mathf.exp(-Mathf.abs(vb));
    const d: f32 = 1 / (1 + ea), ed = ea * d;
    const q = va >= 0 ? d : ed, qbar = va >= 0 ? ed : d;
    const dl = Mathf.log1p(eb) - Mathf.log1p(ea);
    const rn = max<f32>(-vb, 0) - max<f32>(-va, 0), rp = max<f32>(vb, 0) - max<f32>(va, 0);
    store<f32>(y + o, dl + (q * rn + qbar * rp));
  }
}

export function kl_bernoulli_f32__simd128(a: usize, b: usize, y: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, kl4(v128.load(a + o), v128.load(b + o)));
  }
  const rem = n - i;
  if (rem > 0) {
    const o = <usize>i << 2, pad = f32x4.splat(0.0);
    storePartial(y + o, kl4(loadPartial(a + o, rem, pad), loadPartial(b + o, rem, pad)), rem);
  }
}

export function kl_bernoulli_f32(a: usize, b: usize, y: usize, n: i32): void {
  if (ASC_FEATURE_SIMD) kl_bernoulli_f32__simd128(a, b, y, n);
  else kl_bernoulli_f32__scalar(a, b, y, n);
}
