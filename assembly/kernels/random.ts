// Random kernels: random_uniform, random_gumbel, random_logistic, bernoulli_sample.
//
//   w_i = Philox4x32-10(counter (⌊(start + i)/4⌋, 0, 0, 0), key (k0, k1))[(start + i) mod 4]
//   u_i = ((w_i >>> 9) + 0.5)·2⁻²³ ∈ [2⁻²⁴, 1 − 2⁻²⁴]                       never 0 or 1, exact in f32
//   random_uniform    y_i = u_i
//   random_gumbel     y_i = −ln(−ln u_i)                                   ∈ [−2.81, 16.64]
//   random_logistic   y_i = ln u_i − ln(1 − u_i) = ln(u_i / (1 − u_i))     ∈ ±16.64
//   bernoulli_sample  y_i = [l_i + L_i > 0] (L_i = random_logistic's value) ~ Bernoulli(σ(l_i))
// for y[i], i < n. `start` (a multiple of 4) is y[0]'s place in the stream: the thread pool fills
// element ranges of one stream. Calls that leave it out (from JavaScript) pass 0.
//
// Philox-4x32-10: Salmon, Moraes, Dror & Shaw, "Parallel random numbers: as easy as 1, 2, 3",
// SC'11. The words are bit-identical to src/random/philox.ts on every build (tests compare
// random_uniform bitwise).
//
// Scalar path (`__scalar`, the scalar build): one counter at a time; the transform in f64 as the
// `ref` backend does it, with log64 below, rounded to f32 at the store. Bitwise equal to `ref` on
// all 2²³ possible uniforms (checked exhaustively), so the scalar build reproduces `ref` exactly.
//
// SIMD path (`__simd128`): 4 counters per v128 (structure of arrays: lane j of x0..x3 holds words
// 0..3 of block b + j), 16 elements per iteration.
// - 32×32→64 products: i64x2.extmul_{low,high}_i32x4_u, the high halves picked by one shuffle;
//   low halves by i32x4.mul (V8 unpacks both extmul operands, so this is the cheapest form found).
// - Rounds 1–2 are partly constant (counter words 1–3 are 0), which saves 2 of the 20 products.
// - A 4×4 transpose (8 shuffles) puts the words in element order, then the transform runs on f32x4:
//   u from the bits (1 + k·2⁻²³) − (1 − 2⁻²⁴), exact; ln by logf4_pos_signed (cephes, in
//   assembly/simd.ts); the logistic noise as ln(u / (1 − u)): one division instead of a second ln.
//   Error against `ref` on all 2²³ uniforms: ≤ 1.2e−7·max(1, |y|) (≤ 9.6e−7 absolute).
// - The tail (n mod 16) runs the same vector code and stores only its lanes, so an element's value
//   depends on (key, i, build) and never on n.
// - bernoulli_sample must agree with `ref` bit for bit: lanes where |l + L| is within BERN_REL·|L| +
//   BERN_ABS of 0 (16× the measured worst error of L) are redone by the scalar path, which equals
//   `ref`; every other lane's sign is provably the same as `ref`'s.
import { fma4, loadPartial, logf4_pos_signed, storePartial } from '../simd';

// Philox-4x32 multipliers and Weyl key increments (Salmon et al., Random123 philox.h).
// @ts-ignore: decorator
@inline const M0: u32 = 0xd2511f53;
// @ts-ignore: decorator
@inline const M1: u32 = 0xcd9e8d57;
// @ts-ignore: decorator
@inline const W0: u32 = 0x9e3779b9; // golden ratio
// @ts-ignore: decorator
@inline const W1: u32 = 0xbb67ae85; // √3 − 1

// Which transform a driver applies (a compile-time constant once inlined).
// @ts-ignore: decorator
@inline const UNIFORM: i32 = 0;
// @ts-ignore: decorator
@inline const GUMBEL: i32 = 1;
// @ts-ignore: decorator
@inline const LOGISTIC: i32 = 2;
// @ts-ignore: decorator
@inline const BERNOULLI: i32 = 3;

// bernoulli_sample redoes a lane in f64 when |l + L| ≤ BERN_REL·|L| + BERN_ABS: a bound on
// |L_simd − L_ref| with a wide margin (test/kernels/random.test.ts checks it on all 2²³ u).
// @ts-ignore: decorator
@inline const BERN_REL: f32 = 1.9073486e-6; // 2⁻¹⁹
// @ts-ignore: decorator
@inline const BERN_ABS: f32 = 1.9073486e-6; // 2⁻¹⁹

// ---------------------------------------------------------------------------------------------
// Scalar path.

// @ts-ignore: decorator
@inline function mulhi(a: u32, b: u32): u32 {
  return <u32>((<u64>a * <u64>b) >> 32);
}

/**
 * ln x in f64 for positive, normal, finite x (written here so the module carries no static data:
 * the std library's Math.log brings a 4 KB table). x = 2ᵏ·m with m ∈ [√½, √2), f = m − 1,
 * s = f/(2 + f), and ln(1 + f) = 2·atanh s = 2s + 2s³/3 + 2s⁵/5 + … = f − s·(f − T(s²)) with
 * T(z) = Σⱼ 2zʲ/(2j + 1) (the Taylor series; |s| ≤ 0.1716, so the 11 terms leave < 2⁻⁶⁴), using 2s = f − s·f.
 * The large part f is exact and the correction s·(f − T) ≈ f²/2 small, so the error stays near
 * ½ ulp; k·LN2_HI is exact (LN2_HI has 42 significant bits).
 * Checked against Math.log on every uniform (test/kernels/random.test.ts).
 */
// @ts-ignore: decorator
@inline function log64(x: f64): f64 {
  const bits = reinterpret<u64>(x) + (0x3ff0000000000000 - 0x3fe6a09e667f3bcd); // 1.0 − √½ in bits
  const k = <f64>(<i64>(bits >> 52) - 1023);
  const f = reinterpret<f64>((bits & 0x000fffffffffffff) + 0x3fe6a09e667f3bcd) - 1.0;
  const s = f / (2.0 + f);
  const z = s * s;
  let t = 2.0 / 23.0;
  t = t * z + 2.0 / 21.0;
  t = t * z + 2.0 / 19.0;
  t = t * z + 2.0 / 17.0;
  t = t * z + 2.0 / 15.0;
  t = t * z + 2.0 / 13.0;
  t = t * z + 2.0 / 11.0;
  t = t * z + 2.0 / 9.0;
  t = t * z + 2.0 / 7.0;
  t = t * z + 2.0 / 5.0;
  t = t * z + 2.0 / 3.0;
  t *= z;
  const LN2_HI = 0.6931471805598903; // ln 2 rounded to 42 bits: 0x1.62e42fefa38p−1
  const LN2_LO = 5.497923018708371e-14; // ln 2 − LN2_HI
  return k * LN2_HI + ((f - s * (f - t)) + k * LN2_LO);
}

/** The noise of one word in f64, as the `ref` backend computes it (u is exact in f64). */
// @ts-ignore: decorator
@inline function noise64(kind: i32, w: u32): f64 {
  const u = (<f64>(w >>> 9) + 0.5) * 1.1920928955078125e-7;
  if (kind == UNIFORM) return u;
  if (kind == GUMBEL) return -log64(-log64(u));
  return log64(u) - log64(1.0 - u);
}

/** [l + L > 0] as 1/0, NaN when l + L is NaN. The f32 sum has the sign of the exact sum. */
// @ts-ignore: decorator
@inline function bernoulli1(l: f32, noise: f32): f32 {
  const s = l + noise;
  return s > 0 ? 1.0 : s != s ? NaN : 0.0;
}

// @ts-ignore: decorator
@inline function emit1(kind: i32, y: usize, l: usize, i: i32, w: u32): void {
  const o = <usize>i << 2;
  let v = <f32>noise64(kind, w);
  if (kind == BERNOULLI) v = bernoulli1(load<f32>(l + o), v);
  store<f32>(y + o, v);
}

/** Element i of bernoulli_sample by the scalar path (the SIMD path's fallback near l + L = 0). */
function bernoulliExact(y: usize, l: usize, i: i32, n: i32, w: u32): void {
  if (i < n) emit1(BERNOULLI, y, l, i, w);
}

// @ts-ignore: decorator
@inline function randomScalar(kind: i32, y: usize, l: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  for (let i = 0; i < n; i += 4) {
    let x0 = (<u32>i >>> 2) + (start >>> 2), x1: u32 = 0, x2: u32 = 0, x3: u32 = 0;
    let ka = k0, kb = k1;
    for (let r = 0; r < 10; r++) {
      const hi0 = mulhi(M0, x0), lo0 = M0 * x0;
      const hi1 = mulhi(M1, x2), lo1 = M1 * x2;
      x0 = hi1 ^ x1 ^ ka;
      x1 = lo1;
      x2 = hi0 ^ x3 ^ kb;
      x3 = lo0;
      ka += W0;
      kb += W1;
    }
    emit1(kind, y, l, i, x0);
    if (i + 1 < n) emit1(kind, y, l, i + 1, x1);
    if (i + 2 < n) emit1(kind, y, l, i + 2, x2);
    if (i + 3 < n) emit1(kind, y, l, i + 3, x3);
  }
}

// ---------------------------------------------------------------------------------------------
// SIMD path.

/** High 32 bits of a·m per u32 lane. */
// @ts-ignore: decorator
@inline function mulhi4(a: v128, m: v128): v128 {
  return i32x4.shuffle(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 1, 3, 5, 7);
}

// @ts-ignore: decorator
@inline function xor3(a: v128, b: v128, c: v128): v128 {
  return v128.xor(v128.xor(a, b), c);
}

/** u = (1 + k·2⁻²³) − (1 − 2⁻²⁴) = (k + ½)·2⁻²³ with k = w >>> 9: both steps exact. */
// @ts-ignore: decorator
@inline function uniform4(w: v128): v128 {
  return f32x4.sub(v128.or(i32x4.shr_u(w, 9), i32x4.splat(0x3f800000)), f32x4.splat(0.99999994039535522));
}

/**
 * The noise of 4 words: UNIFORM u; GUMBEL −ln(−ln u); LOGISTIC and BERNOULLI ln(u / (1 − u)).
 * NOTE: TurboFan emits each store's expression tree as one contiguous run, so the 4 vectors of an
 * iteration are 4 dependent chains one after the other; what shortened them was Estrin's scheme
 * inside logf4 (+25 % on Gumbel), not reordering the source.
 */
// @ts-ignore: decorator
@inline function noise4(kind: i32, w: v128): v128 {
  const u = uniform4(w);
  if (kind == UNIFORM) return u;
  // −ln(−ln u): u ∈ [2⁻²⁴, 1 − 2⁻²⁴] and −ln u ≥ 5.96e−8 are positive normals.
  if (kind == GUMBEL) return logf4_pos_signed(logf4_pos_signed(u, -1.0), -1.0);
  // ln(u / (1 − u)): 1 − u is exact; the quotient is in [5.96e−8, 1.68e7].
  return logf4_pos_signed(f32x4.div(u, f32x4.sub(f32x4.splat(1.0), u)), 1.0);
}

/** 4 lanes from p when rem ≥ 4, rem lanes (then zeros) when rem is 1–3, zeros when rem ≤ 0. */
// @ts-ignore: decorator
@inline function loadUpTo(p: usize, rem: i32): v128 {
  if (rem >= 4) return v128.load(p);
  if (rem <= 0) return i32x4.splat(0);
  return loadPartial(p, rem, i32x4.splat(0));
}

/** Stores the first min(rem, 4) lanes of v at p (nothing when rem ≤ 0). */
// @ts-ignore: decorator
@inline function storeUpTo(p: usize, v: v128, rem: i32): void {
  if (rem >= 4) v128.store(p, v);
  else if (rem > 0) storePartial(p, v, rem);
}

/** bernoulli_sample on 4 lanes: [l + L > 0] as 1/0, canonical NaN where l + L is NaN. */
// @ts-ignore: decorator
@inline function bernoulli4(vl: v128, noise: v128): v128 {
  const s = f32x4.add(vl, noise);
  const vy = v128.and(f32x4.gt(s, f32x4.splat(0)), f32x4.splat(1.0));
  return v128.bitselect(f32x4.splat(NaN), vy, f32x4.ne(s, s));
}

/** Lanes where |l + L| is within the vector ln's error bound of 0: the sign is redone in f64. */
// @ts-ignore: decorator
@inline function nearZero4(vl: v128, noise: v128): v128 {
  const bound = fma4(f32x4.abs(noise), f32x4.splat(BERN_REL), f32x4.splat(BERN_ABS));
  return f32x4.le(f32x4.abs(f32x4.add(vl, noise)), bound);
}

/** Redoes bernoulli_sample for the flagged lanes of elements i..i+3 by the scalar path. */
// @ts-ignore: decorator
@inline function bernoulliFix4(y: usize, l: usize, i: i32, n: i32, near: v128, w: v128): void {
  if (i32x4.extract_lane(near, 0)) bernoulliExact(y, l, i, n, i32x4.extract_lane(w, 0));
  if (i32x4.extract_lane(near, 1)) bernoulliExact(y, l, i + 1, n, i32x4.extract_lane(w, 1));
  if (i32x4.extract_lane(near, 2)) bernoulliExact(y, l, i + 2, n, i32x4.extract_lane(w, 2));
  if (i32x4.extract_lane(near, 3)) bernoulliExact(y, l, i + 3, n, i32x4.extract_lane(w, 3));
}

// @ts-ignore: decorator
@inline function randomSimd(kind: i32, y: usize, l: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  if (n <= 0) return;
  const vM0 = i32x4.splat(M0), vM1 = i32x4.splat(M1);
  // Round keys: a_r = k0 + (r−1)·W0, b_r = k1 + (r−1)·W1.
  const a2 = i32x4.splat(k0 + W0), a3 = i32x4.splat(k0 + 2 * W0), a4 = i32x4.splat(k0 + 3 * W0);
  const a5 = i32x4.splat(k0 + 4 * W0), a6 = i32x4.splat(k0 + 5 * W0), a7 = i32x4.splat(k0 + 6 * W0);
  const a8 = i32x4.splat(k0 + 7 * W0), a9 = i32x4.splat(k0 + 8 * W0), a10 = i32x4.splat(k0 + 9 * W0);
  const b1 = i32x4.splat(k1), b4 = i32x4.splat(k1 + 3 * W1), b5 = i32x4.splat(k1 + 4 * W1);
  const b6 = i32x4.splat(k1 + 5 * W1), b7 = i32x4.splat(k1 + 6 * W1), b8 = i32x4.splat(k1 + 7 * W1);
  const b9 = i32x4.splat(k1 + 8 * W1), b10 = i32x4.splat(k1 + 9 * W1);
  // Round 1 leaves x0 = k0 and x1 = 0 in every lane, so round 2's M0 product is a per-call constant:
  // round 2 gives x2 = x3 ^ (hi(M0·k0) ^ b2) and x3 = lo(M0·k0); round 3 xors that x3 with b3.
  const c2 = i32x4.splat(mulhi(M0, k0) ^ (k1 + W1));
  const c3 = i32x4.splat((M0 * k0) ^ (k1 + 2 * W1));
  let ctr = i32x4.add(i32x4(0, 1, 2, 3), i32x4.splat(start >>> 2));
  // NOTE: a do-while whose only exit is at the bottom, and no branch before the last use of a
  // constant: TurboFan hoists loop-invariant values (round keys, v128 constants) only out of
  // blocks that dominate every loop exit; anywhere else it re-materialises them every iteration.
  let i = 0;
  do {
    // Round 1: (ctr, 0, 0, 0) → (k0, 0, hi(M0·ctr) ^ k1, lo(M0·ctr)).
    let x2 = v128.xor(mulhi4(ctr, vM0), b1);
    let x3 = i32x4.mul(ctr, vM0);
    // Round 2.
    let x0 = v128.xor(mulhi4(x2, vM1), a2);
    let x1 = i32x4.mul(x2, vM1);
    x2 = v128.xor(x3, c2);
    // Round 3 (x3 is the constant lo(M0·k0), folded into c3).
    let t0 = xor3(mulhi4(x2, vM1), x1, a3), t1 = i32x4.mul(x2, vM1);
    x2 = v128.xor(mulhi4(x0, vM0), c3);
    x3 = i32x4.mul(x0, vM0);
    x0 = t0; x1 = t1;
    // Rounds 4–10.
    t0 = xor3(mulhi4(x2, vM1), x1, a4); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b4); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    t0 = xor3(mulhi4(x2, vM1), x1, a5); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b5); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    t0 = xor3(mulhi4(x2, vM1), x1, a6); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b6); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    t0 = xor3(mulhi4(x2, vM1), x1, a7); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b7); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    t0 = xor3(mulhi4(x2, vM1), x1, a8); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b8); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    t0 = xor3(mulhi4(x2, vM1), x1, a9); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b9); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    t0 = xor3(mulhi4(x2, vM1), x1, a10); t1 = i32x4.mul(x2, vM1);
    x2 = xor3(mulhi4(x0, vM0), x3, b10); x3 = i32x4.mul(x0, vM0); x0 = t0; x1 = t1;
    // Transpose: w_j = the 4 words of block ⌊i/4⌋ + j, in element order.
    const s0 = i32x4.shuffle(x0, x1, 0, 4, 1, 5), s1 = i32x4.shuffle(x2, x3, 0, 4, 1, 5);
    const s2 = i32x4.shuffle(x0, x1, 2, 6, 3, 7), s3 = i32x4.shuffle(x2, x3, 2, 6, 3, 7);
    const w0 = i64x2.shuffle(s0, s1, 0, 2), w1 = i64x2.shuffle(s0, s1, 1, 3);
    const w2 = i64x2.shuffle(s2, s3, 0, 2), w3 = i64x2.shuffle(s2, s3, 1, 3);
    let v0 = noise4(kind, w0), v1 = noise4(kind, w1), v2 = noise4(kind, w2), v3 = noise4(kind, w3);
    const o = <usize>i << 2;
    const rem = n - i;
    let near = i32x4.splat(0), l0 = near, l1 = near, l2 = near, l3 = near;
    if (kind == BERNOULLI) {
      if (rem >= 16) {
        l0 = v128.load(l + o); l1 = v128.load(l + o, 16); l2 = v128.load(l + o, 32); l3 = v128.load(l + o, 48);
      } else {
        l0 = loadUpTo(l + o, rem); l1 = loadUpTo(l + o + 16, rem - 4);
        l2 = loadUpTo(l + o + 32, rem - 8); l3 = loadUpTo(l + o + 48, rem - 12);
      }
      near = v128.or(v128.or(nearZero4(l0, v0), nearZero4(l1, v1)), v128.or(nearZero4(l2, v2), nearZero4(l3, v3)));
      v0 = bernoulli4(l0, v0); v1 = bernoulli4(l1, v1); v2 = bernoulli4(l2, v2); v3 = bernoulli4(l3, v3);
    }
    if (rem >= 16) {
      v128.store(y + o, v0); v128.store(y + o, v1, 16); v128.store(y + o, v2, 32); v128.store(y + o, v3, 48);
    } else {
      storeUpTo(y + o, v0, rem); storeUpTo(y + o + 16, v1, rem - 4);
      storeUpTo(y + o + 32, v2, rem - 8); storeUpTo(y + o + 48, v3, rem - 12);
    }
    if (kind == BERNOULLI && v128.any_true(near)) {
      // Rare (|l + L| ≲ 2e−6): recompute the flagged lanes' masks and redo them in f64.
      bernoulliFix4(y, l, i, n, nearZero4(l0, noise4(LOGISTIC, w0)), w0);
      bernoulliFix4(y, l, i + 4, n, nearZero4(l1, noise4(LOGISTIC, w1)), w1);
      bernoulliFix4(y, l, i + 8, n, nearZero4(l2, noise4(LOGISTIC, w2)), w2);
      bernoulliFix4(y, l, i + 12, n, nearZero4(l3, noise4(LOGISTIC, w3)), w3);
    }
    ctr = i32x4.add(ctr, i32x4.splat(4));
    i += 16;
  } while (i < n);
}

// ---------------------------------------------------------------------------------------------
// Variants and canonical exports.

export function random_uniform_f32__scalar(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomScalar(UNIFORM, y, 0, n, k0, k1, start);
}
export function random_gumbel_f32__scalar(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomScalar(GUMBEL, y, 0, n, k0, k1, start);
}
export function random_logistic_f32__scalar(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomScalar(LOGISTIC, y, 0, n, k0, k1, start);
}
export function bernoulli_sample_f32__scalar(logits: usize, y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomScalar(BERNOULLI, y, logits, n, k0, k1, start);
}

export function random_uniform_f32__simd128(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomSimd(UNIFORM, y, 0, n, k0, k1, start);
}
export function random_gumbel_f32__simd128(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomSimd(GUMBEL, y, 0, n, k0, k1, start);
}
export function random_logistic_f32__simd128(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomSimd(LOGISTIC, y, 0, n, k0, k1, start);
}
export function bernoulli_sample_f32__simd128(logits: usize, y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  randomSimd(BERNOULLI, y, logits, n, k0, k1, start);
}

export function random_uniform_f32(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  if (ASC_FEATURE_SIMD) random_uniform_f32__simd128(y, n, k0, k1, start);
  else random_uniform_f32__scalar(y, n, k0, k1, start);
}
export function random_gumbel_f32(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  if (ASC_FEATURE_SIMD) random_gumbel_f32__simd128(y, n, k0, k1, start);
  else random_gumbel_f32__scalar(y, n, k0, k1, start);
}
export function random_logistic_f32(y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  if (ASC_FEATURE_SIMD) random_logistic_f32__simd128(y, n, k0, k1, start);
  else random_logistic_f32__scalar(y, n, k0, k1, start);
}
export function bernoulli_sample_f32(logits: usize, y: usize, n: i32, k0: u32, k1: u32, start: u32): void {
  if (ASC_FEATURE_SIMD) bernoulli_sample_f32__simd128(logits, y, n, k0, k1, start);
  else bernoulli_sample_f32__scalar(logits, y, n, k0, k1, start);
}

// ---------------------------------------------------------------------------------------------
// Test probes (not in the release ABI; test/kernels/random.test.ts compiles this file alone):
// the vector transform applied to given words, so every one of the 2²³ uniforms can be checked.

/** y[i] = transform `kind` (0 uniform, 1 gumbel, 2 logistic) of the word w[i], by the SIMD path. */
export function random_noise_f32__simd128_probe(kind: i32, w: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const rem = n - i;
    const o = <usize>i << 2;
    const vw = rem >= 4 ? v128.load(w + o) : loadPartial(w + o, rem, i32x4.splat(0));
    const v = kind == UNIFORM ? noise4(UNIFORM, vw) : kind == GUMBEL ? noise4(GUMBEL, vw) : noise4(LOGISTIC, vw);
    if (rem >= 4) v128.store(y + o, v);
    else storePartial(y + o, v, rem);
  }
}

/** The same with the scalar path's f64 transform (the scalar build; bernoulli_sample's fallback). */
export function random_noise_f32__scalar_probe(kind: i32, w: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const x = load<u32>(w + o);
    store<f32>(y + o, <f32>(kind == UNIFORM ? noise64(UNIFORM, x) : kind == GUMBEL ? noise64(GUMBEL, x) : noise64(LOGISTIC, x)));
  }
}
