// Shared @inline SIMD helpers: the only place repeated f32x4 idioms live.
//
// Rules for everything in this file (see wasm-core-feasibility.md, "Pitfalls"):
// - no static data and no allocation: constants are immediates (v128.const / f32x4.splat);
// - NaN propagates through every helper (a NaN lane stays NaN);
// - constants are written inline. NOTE: Binaryen -O3 propagates any v128 constant held in a local
//   back into the loop, and making them opaque (v128.or with a runtime zero) to force hoisting
//   measured 10–20 % slower on V8 11.3 (15 xmm registers: 15 hoisted constants spill), so expf4
//   keeps immediates; measure again before changing this.
//
// Sections: fused multiply-add, horizontal reductions, partial (tail) loads and stores,
// segmented reductions (groups of k ∈ {1, 2, 4} inside one vector), runs (copy / zero / add), exp (expf4), log (logf4, owned
// by the random kernels), log1p on [0, 1] (log1pf4_01), activations (sigmoidf4, softplusf4, tanhf4).

// ---------------------------------------------------------------------------------------------
// Fused multiply-add: one rounding with relaxed SIMD where the engine fuses (V8), mul+add otherwise.

/** a·b + c */
// @ts-ignore: decorator
@inline export function fma4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  else return f32x4.add(f32x4.mul(a, b), c);
}

/** c − a·b */
// @ts-ignore: decorator
@inline export function fnma4(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_nmadd(a, b, c);
  else return f32x4.sub(c, f32x4.mul(a, b));
}

// ---------------------------------------------------------------------------------------------
// Horizontal reductions (two shuffles each).

/** v0 + v1 + v2 + v3, summed pairwise ((v0+v2) + (v1+v3)). */
// @ts-ignore: decorator
@inline export function hsum4(v: v128): f32 {
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(s, v128.shuffle<f32>(s, s, 1, 0, 3, 2)), 0);
}

/** max over lanes; NaN if any lane is NaN (f32x4.max propagates NaN, unlike pmax). */
// @ts-ignore: decorator
@inline export function hmax4(v: v128): f32 {
  const m = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.max(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2)), 0);
}

// ---------------------------------------------------------------------------------------------
// Partial vectors: the last 1–3 elements of a run, so tails go through the same SIMD code as the
// body (an element's result does not depend on its position). Only `rem` lanes are read or written.

/** Lanes 0..rem−1 from p, the other lanes from `pad`. rem ∈ {1, 2, 3}. */
// @ts-ignore: decorator
@inline export function loadPartial(p: usize, rem: i32, pad: v128): v128 {
  let v = v128.load32_lane(p, pad, 0);
  if (rem > 1) v = v128.load32_lane(p, v, 1, 4);
  if (rem > 2) v = v128.load32_lane(p, v, 2, 8);
  return v;
}

/** Stores lanes 0..rem−1 of v at p. rem ∈ {1, 2, 3}. */
// @ts-ignore: decorator
@inline export function storePartial(p: usize, v: v128, rem: i32): void {
  v128.store32_lane(p, v, 0);
  if (rem > 1) v128.store32_lane(p, v, 1, 4);
  if (rem > 2) v128.store32_lane(p, v, 2, 8);
}

/** All-ones in lanes 0..rem−1, zero elsewhere (rem ∈ 0..4). Build once, outside loops. */
// @ts-ignore: decorator
@inline export function laneMask(rem: i32): v128 {
  return i32x4.gt_s(i32x4.splat(rem), i32x4(0, 1, 2, 3));
}

// ---------------------------------------------------------------------------------------------
// Segmented reductions for grouped kernels with k ∈ {1, 2, 4}: one vector holds 4/k whole groups,
// and the group's max / sum lands in every lane of that group (no extract, no splat).
// K must be a compile-time constant at the call site so the branches fold away.

/** Per-group max of groups of K ∈ {1, 2, 4} consecutive lanes, broadcast to the group; NaN propagates. */
// @ts-ignore: decorator
@inline export function segMax4(v: v128, K: i32): v128 {
  if (K == 1) return v;
  const m = f32x4.max(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  if (K == 2) return m;
  return f32x4.max(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
}

/**
 * Per-group max like segMax4 with pmax (one instruction instead of V8's eight for the IEEE max):
 * a NaN lane may be skipped, so use it only where NaN also reaches the result another way
 * (softmax and KL: exp(NaN − m) makes the group's sum NaN).
 */
// @ts-ignore: decorator
@inline export function segPMax4(v: v128, K: i32): v128 {
  if (K == 1) return v;
  const m = f32x4.pmax(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  if (K == 2) return m;
  return f32x4.pmax(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
}

/** Per-group OR of lane masks (all-ones lanes) over groups of K ∈ {1, 2, 4}: "any lane of my group". */
// @ts-ignore: decorator
@inline export function segAny4(m: v128, K: i32): v128 {
  if (K == 1) return m;
  const a = v128.or(m, v128.shuffle<i32>(m, m, 1, 0, 3, 2));
  if (K == 2) return a;
  return v128.or(a, v128.shuffle<i32>(a, a, 2, 3, 0, 1));
}

/** Per-group sum of groups of K ∈ {1, 2, 4} consecutive lanes, broadcast to the group (bitwise equal lanes). */
// @ts-ignore: decorator
@inline export function segSum4(v: v128, K: i32): v128 {
  if (K == 1) return v;
  const s = f32x4.add(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  if (K == 2) return s;
  return f32x4.add(s, v128.shuffle<f32>(s, s, 2, 3, 0, 1));
}

/** G = 4/K per-group scalars at p (one f32 per group) broadcast over their groups; g ≤ G groups present. */
// @ts-ignore: decorator
@inline export function loadSeg(p: usize, K: i32, g: i32): v128 {
  if (K == 4) return v128.load32_splat(p);
  if (K == 2) {
    if (g == 2) {
      const v = v128.load64_zero(p);
      return v128.shuffle<f32>(v, v, 0, 0, 1, 1);
    }
    return v128.load32_splat(p);
  }
  if (g == 4) return v128.load(p);
  return loadPartial(p, g, f32x4.splat(0.0));
}

/** Stores one scalar per group (the group's lane 0) for the first g groups of a segmented vector. */
// @ts-ignore: decorator
@inline export function storeSeg(p: usize, v: v128, K: i32, g: i32): void {
  if (K == 4) v128.store32_lane(p, v, 0);
  else if (K == 2) {
    if (g == 2) v128.store64_lane(p, v128.shuffle<f32>(v, v, 0, 2, 0, 2), 0);
    else v128.store32_lane(p, v, 0);
  } else if (g == 4) v128.store(p, v);
  else storePartial(p, v, g);
}

// ---------------------------------------------------------------------------------------------
// Runs of n floats (im2col / col2im move whole runs of kw·c contiguous NHWC values). The *Run
// helpers are exact: with `vec` (a constant at the call site) 16 floats per step, then 4, then
// single floats; without it (the scalar builds) single floats only. The *Over helpers end on a
// whole vector that spills up to 3 floats past the run (no scalar tail; callers check the spill
// stays inside their buffers). Plain copies and single f32 adds throughout, so every element gets
// the scalar loop's bits.

/** 16 floats from src to dst (four vectors, all loads before the stores). */
// @ts-ignore: decorator
@inline function copy16(dst: usize, src: usize): void {
  const v0 = v128.load(src), v1 = v128.load(src, 16), v2 = v128.load(src, 32), v3 = v128.load(src, 48);
  v128.store(dst, v0);
  v128.store(dst, v1, 16);
  v128.store(dst, v2, 32);
  v128.store(dst, v3, 48);
}

/** dst[0..16) += src[0..16). */
// @ts-ignore: decorator
@inline function add16(dst: usize, src: usize): void {
  v128.store(dst, f32x4.add(v128.load(dst), v128.load(src)));
  v128.store(dst, f32x4.add(v128.load(dst, 16), v128.load(src, 16)), 16);
  v128.store(dst, f32x4.add(v128.load(dst, 32), v128.load(src, 32)), 32);
  v128.store(dst, f32x4.add(v128.load(dst, 48), v128.load(src, 48)), 48);
}

/** dst[0..n) = src[0..n) (no overlap). */
// @ts-ignore: decorator
@inline export function copyRun(dst: usize, src: usize, n: i32, vec: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (vec) {
      for (; i + 16 <= n; i += 16) copy16(dst + (<usize>i << 2), src + (<usize>i << 2));
      for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
    }
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

/** dst[0..n) = +0. */
// @ts-ignore: decorator
@inline export function zeroRun(dst: usize, n: i32, vec: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (vec) {
      const z = f32x4.splat(0);
      for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), z);
    }
  }
  for (; i < n; i++) store<f32>(dst + (<usize>i << 2), 0);
}

/** dst[0..n) += src[0..n). */
// @ts-ignore: decorator
@inline export function addRun(dst: usize, src: usize, n: i32, vec: bool): void {
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    if (vec) {
      for (; i + 16 <= n; i += 16) add16(dst + (<usize>i << 2), src + (<usize>i << 2));
      for (; i + 4 <= n; i += 4) {
        const d = dst + (<usize>i << 2);
        v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
      }
    }
  }
  for (; i < n; i++) {
    const d = dst + (<usize>i << 2);
    store<f32>(d, load<f32>(d) + load<f32>(src + (<usize>i << 2)));
  }
}

/**
 * dst[0..n) = +0 in whole vectors: may write up to 3 floats past dst + n (callers let it run only
 * into floats they write afterwards, and never past their buffer).
 */
// @ts-ignore: decorator
@inline export function zeroOver(dst: usize, n: i32): void {
  const z = f32x4.splat(0);
  for (let i = 0; i < n; i += 4) v128.store(dst + (<usize>i << 2), z);
}

/** dst[0..n) = src[0..n) in whole vectors: reads and writes up to 3 floats past the run (see zeroOver). */
// @ts-ignore: decorator
@inline export function copyOver(dst: usize, src: usize, n: i32): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) copy16(dst + (<usize>i << 2), src + (<usize>i << 2));
  for (; i < n; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
}

/**
 * dst[0..n) += src[0..n), the last partial vector through `tail` (laneMask(n & 3)): the lanes past
 * the run add +0, which leaves every float but −0 unchanged (callers' sums start from +0, so they
 * never hold −0). Reads src and reads and rewrites dst up to 3 floats past the run.
 */
// @ts-ignore: decorator
@inline export function addOver(dst: usize, src: usize, n: i32, tail: v128): void {
  let i = 0;
  for (; i + 16 <= n; i += 16) add16(dst + (<usize>i << 2), src + (<usize>i << 2));
  for (; i + 4 <= n; i += 4) {
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.load(src + (<usize>i << 2))));
  }
  if (i < n) {
    const d = dst + (<usize>i << 2);
    v128.store(d, f32x4.add(v128.load(d), v128.and(v128.load(src + (<usize>i << 2)), tail)));
  }
}

// ---------------------------------------------------------------------------------------------
// exp: expf4(x) = eˣ per lane.
//
// Algorithm (cephes expf, Moshier 1984–2000, re-derived here for SIMD):
//   n = round(x·log2 e)                (magic-number rounding: x·log2e + 1.5·2²³)
//   r = x − n·C1 − n·C2                (Cody–Waite: C1 + C2 = ln 2; n·C1 is exact for |n| ≤ 2¹⁵)
//   p = 1 + r + r²·P(r),  |r| ≤ ½ln2   (cephes expf degree-5 P, minimax on [−½ln2, ½ln2])
//   eˣ = p · 2^⌊n/2⌋ · 2^(n−⌊n/2⌋)     (two exact scalings: covers subnormal results and 2¹²⁸)
// x is first clamped to [−104, 89]: below −103.97 eˣ < 2⁻¹⁵⁰ rounds to 0, above 88.73 it is +Inf,
// and both fall out of the scaling with no special case. pmin/pmax with x first keep NaN lanes.
// Measured (test/kernels/unary.test.ts sweeps): ≤ 2 ulp relative on normal results.
//
// Constants (decimal, f32):
//   log2 e           = 1.44269504088896341
//   magic 1.5·2²³    = 12582912
//   C1 = 0.693359375 (exact: 355/512),  C2 = −2.12194440e−4      (cephes expf.c)
//   P0..P5 = 1.9875691500e−4, 1.3981999507e−3, 8.3334519073e−3,
//            4.1665795894e−2, 1.6666665459e−1, 5.0000001201e−1     (cephes expf.c)

// @ts-ignore: decorator
@inline export const EXP_LO: f32 = -104.0;
// @ts-ignore: decorator
@inline export const EXP_HI: f32 = 89.0;
// @ts-ignore: decorator
@inline export const EXP_LOG2E: f32 = 1.44269504088896341;
// @ts-ignore: decorator
@inline export const EXP_MAGIC: f32 = 12582912.0;
// @ts-ignore: decorator
@inline export const EXP_C1: f32 = 0.693359375;
// @ts-ignore: decorator
@inline export const EXP_C2: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline export const EXP_P0: f32 = 1.9875691500e-4;
// @ts-ignore: decorator
@inline export const EXP_P1: f32 = 1.3981999507e-3;
// @ts-ignore: decorator
@inline export const EXP_P2: f32 = 8.3334519073e-3;
// @ts-ignore: decorator
@inline export const EXP_P3: f32 = 4.1665795894e-2;
// @ts-ignore: decorator
@inline export const EXP_P4: f32 = 1.6666665459e-1;
// @ts-ignore: decorator
@inline export const EXP_P5: f32 = 5.0000001201e-1;

/** eˣ per lane (see the section comment for the algorithm, range and accuracy). */
// @ts-ignore: decorator
@inline export function expf4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(EXP_HI)), f32x4.splat(EXP_LO));
  const magic = f32x4.splat(EXP_MAGIC);
  let vn = fma4(x, f32x4.splat(EXP_LOG2E), magic);
  // The low mantissa bits of vn hold n (two's complement around the magic number).
  const n = i32x4.sub(vn, magic);
  vn = f32x4.sub(vn, magic);
  let r = fnma4(vn, f32x4.splat(EXP_C1), x);
  r = fnma4(vn, f32x4.splat(EXP_C2), r);
  let p = fma4(f32x4.splat(EXP_P0), r, f32x4.splat(EXP_P1));
  p = fma4(p, r, f32x4.splat(EXP_P2));
  p = fma4(p, r, f32x4.splat(EXP_P3));
  p = fma4(p, r, f32x4.splat(EXP_P4));
  p = fma4(p, r, f32x4.splat(EXP_P5));
  p = fma4(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1.0)));
  // 2^n as two factors 2^n1 · 2^n2, n1 = n >> 1: each biased exponent stays in [52, 191].
  const n1 = i32x4.shr_s(n, 1);
  const n2 = i32x4.sub(n, n1);
  const bias = i32x4.splat(127);
  const s1 = i32x4.shl(i32x4.add(n1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(n2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

/**
 * eˣ per lane for x ≤ 88 (meant for x ≤ 0: x − max, −|x|, log-probabilities), results below
 * FLT_MIN flushed to 0. The same reduction and polynomial as expf4 (so ≤ 1.3 ulp on normal results),
 * minus the clamps and the split scaling: n = round(x·log2 e) ∈ [−126, 127] here, so 2ⁿ is one shift
 * of the magic sum (the magic 1.5·2²³ + 127 = 12583039 carries the exponent bias), and x < −87.3365
 * (= ln FLT_MIN) is masked to 0 — which also covers −Inf. NaN stays NaN (the compare is false).
 */
// @ts-ignore: decorator
@inline export function expf4_nonpos(x: v128): v128 {
  const magic = f32x4.splat(12583039.0);
  let vn = fma4(x, f32x4.splat(EXP_LOG2E), magic);
  const s = i32x4.shl(vn, 23); // bits (n + 127) << 23 = 2ⁿ
  vn = f32x4.sub(vn, magic);
  let r = fnma4(vn, f32x4.splat(EXP_C1), x);
  r = fnma4(vn, f32x4.splat(EXP_C2), r);
  let p = fma4(f32x4.splat(EXP_P0), r, f32x4.splat(EXP_P1));
  p = fma4(p, r, f32x4.splat(EXP_P2));
  p = fma4(p, r, f32x4.splat(EXP_P3));
  p = fma4(p, r, f32x4.splat(EXP_P4));
  p = fma4(p, r, f32x4.splat(EXP_P5));
  p = fma4(p, f32x4.mul(r, r), f32x4.add(r, f32x4.splat(1.0)));
  return v128.andnot(f32x4.mul(p, s), f32x4.lt(x, f32x4.splat(-87.3365448)));
}

// ---------------------------------------------------------------------------------------------
// log: logf4 — reserved for the random kernels' engineer (Gumbel / logistic noise).
// ==== logf4 BEGIN (owned by random kernels) ====
// log: logf4(x) = ln x per lane (used by the Gumbel / logistic noise kernels in kernels/random.ts).
//
// Algorithm (cephes logf, Moshier 1984–2000, re-derived here for SIMD, integer ops only):
//   x = 2ᵏ·m with m ∈ [√½, √2):  adding 0x3f800000 − 0x3f3504f3 to the bits of x carries into the
//                                 exponent exactly when the mantissa is ≥ √2, so
//                                 k = (bits(x) + 0x004afb0d) >> 23 − 127, and m keeps the mantissa
//                                 bits with exponent 0 or −1 (no compare, no select);
//   f = m − 1 ∈ [−0.2929, 0.4142] (exact: Sterbenz);
//   ln(1 + f) = f − f²/2 + f³·P(f)     (cephes logf degree-8 P);
//   ln x = ln(1 + f) + k·C2 + k·C1      (C1 + C2 = ln 2; k·C1 is exact for |k| ≤ 2¹⁵).
// Measured on every f32 the random kernels feed it (test/kernels/random.test.ts, exhaustive):
// ≤ 1.1e-7 relative / ≤ 1.0e-6 absolute against f64 ln.
//
// logf4_pos needs x positive, normal and finite (what the RNG produces: the uniform's 2²³ values,
// their −ln and ratios are all in [5.9e−8, 1.7e7]). logf4 adds the IEEE cases: subnormals
// (pre-scaled by 2²³), ln 0 = −Inf, ln(x < 0) = NaN, ln(+Inf) = +Inf, NaN stays NaN.
//
// Constants (decimal, f32):
//   0x004afb0d = 0x3f800000 − 0x3f3504f3 (bits of 1.0 minus bits of √½ = 0.707106769)
//   C1 = 0.693359375 (exact: 355/512),  C2 = −2.12194440e−4             (cephes logf.c)
//   P0..P8 = 7.0376836292e−2, −1.1514610310e−1, 1.1676998740e−1, −1.2420140846e−1,
//            1.4249322787e−1, −1.6668057665e−1, 2.0000714765e−1, −2.4999993993e−1,
//            3.3333331174e−1                                             (cephes logf.c)

// @ts-ignore: decorator
@inline export const LOG_SQRTHF_OFFSET: i32 = 0x004afb0d;
// @ts-ignore: decorator
@inline export const LOG_SQRTHF_BITS: i32 = 0x3f3504f3;
// @ts-ignore: decorator
@inline export const LOG_C1: f32 = 0.693359375;
// @ts-ignore: decorator
@inline export const LOG_C2: f32 = -2.12194440e-4;
// @ts-ignore: decorator
@inline export const LOG_P0: f32 = 7.0376836292e-2;
// @ts-ignore: decorator
@inline export const LOG_P1: f32 = -1.1514610310e-1;
// @ts-ignore: decorator
@inline export const LOG_P2: f32 = 1.1676998740e-1;
// @ts-ignore: decorator
@inline export const LOG_P3: f32 = -1.2420140846e-1;
// @ts-ignore: decorator
@inline export const LOG_P4: f32 = 1.4249322787e-1;
// @ts-ignore: decorator
@inline export const LOG_P5: f32 = -1.6668057665e-1;
// @ts-ignore: decorator
@inline export const LOG_P6: f32 = 2.0000714765e-1;
// @ts-ignore: decorator
@inline export const LOG_P7: f32 = -2.4999993993e-1;
// @ts-ignore: decorator
@inline export const LOG_P8: f32 = 3.3333331174e-1;

/**
 * sign·ln x per lane for positive, normal, finite x; sign = ±1 is a compile-time constant folded
 * into the coefficients, so −ln x (Gumbel noise) costs nothing extra.
 */
// @ts-ignore: decorator
@inline export function logf4_pos_signed(x: v128, sign: f32): v128 {
  const ix = i32x4.add(x, i32x4.splat(LOG_SQRTHF_OFFSET));
  const k = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_s(ix, 23), i32x4.splat(127)));
  const f = f32x4.sub(i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(LOG_SQRTHF_BITS)), f32x4.splat(1.0));
  const z = f32x4.mul(f, f);
  // P(f) by Estrin's scheme: dependency depth 4 instead of Horner's 8 (this ln is latency-bound
  // inside the fused RNG loops).
  const z2 = f32x4.mul(z, z);
  const e0 = fma4(f32x4.splat(sign * LOG_P7), f, f32x4.splat(sign * LOG_P8));
  const e1 = fma4(f32x4.splat(sign * LOG_P5), f, f32x4.splat(sign * LOG_P6));
  const e2 = fma4(f32x4.splat(sign * LOG_P3), f, f32x4.splat(sign * LOG_P4));
  const e3 = fma4(f32x4.splat(sign * LOG_P1), f, f32x4.splat(sign * LOG_P2));
  const g0 = fma4(e1, z, e0);
  const g1 = fma4(e3, z, e2);
  const h = fma4(g1, z2, g0);
  const p = fma4(f32x4.splat(sign * LOG_P0), f32x4.mul(z2, z2), h);
  // sign·(f − f²/2 + f³·P + k·C2) = sign·f + z·(f·sign·P − sign/2) + k·sign·C2
  const y = fma4(z, fma4(f, p, f32x4.splat(sign * -0.5)), f32x4.mul(k, f32x4.splat(sign * LOG_C2)));
  return fma4(k, f32x4.splat(sign * LOG_C1), sign > 0 ? f32x4.add(f, y) : f32x4.sub(y, f));
}

/** ln x per lane for positive, normal, finite x. */
// @ts-ignore: decorator
@inline export function logf4_pos(x: v128): v128 {
  return logf4_pos_signed(x, 1.0);
}

/** ln x per lane for every f32: subnormals, ln 0 = −Inf, ln(x < 0) = NaN, ln(+Inf) = +Inf, NaN → NaN. */
// @ts-ignore: decorator
@inline export function logf4(x: v128): v128 {
  // Subnormals (and 0, negatives) are scaled by 2²³ and 23·ln 2 taken off again.
  const tiny = f32x4.lt(x, f32x4.splat(1.17549435e-38));
  const xs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, tiny);
  let y = logf4_pos_signed(xs, 1.0);
  y = f32x4.sub(y, v128.and(tiny, f32x4.splat(15.942385152878742))); // 23·ln 2
  // Special cases, in order: +Inf stays +Inf, 0 → −Inf, x < 0 → NaN, NaN stays NaN.
  y = v128.bitselect(x, y, f32x4.eq(x, f32x4.splat(Infinity)));
  y = v128.bitselect(f32x4.splat(-Infinity), y, f32x4.eq(x, f32x4.splat(0.0)));
  return v128.bitselect(f32x4.splat(NaN), y, v128.or(f32x4.lt(x, f32x4.splat(0.0)), f32x4.ne(x, x)));
}
// ==== logf4 END ====

// ---------------------------------------------------------------------------------------------
// log1p on [0, 1]: log1pf4_01(t) = ln(1 + t), for softplus' log1p(e^−|x|).
//
// 1 + t is never formed (it would round t < 2⁻²⁴ away). With the cephes logf polynomial above:
//   t < √2 − 1:  f = t,            k = 0     (f ∈ [0, 0.4142]: the polynomial's range as is)
//   t ≥ √2 − 1:  f = (t − 1)/2,    k = 1     (1 + t = 2·(1 + f), f ∈ [−0.2929, 0])
//   ln(1 + t) = k·ln 2 + f − f²/2 + f³·P(f)
// t − 1 is exact for t ≥ ½ (Sterbenz) and off by ≤ 2⁻²⁶ below; relative error ≤ 2.5e−7 on [0, 1]
// (test/kernels/unary.test.ts, softplus). NaN stays NaN (both compares fail → k = 1, f = NaN).

/** ln(1 + t) per lane for t ∈ [0, 1] (or NaN). */
// @ts-ignore: decorator
@inline export function log1pf4_01(t: v128): v128 {
  const big = f32x4.ge(t, f32x4.splat(0.41421356)); // √2 − 1
  const f = v128.bitselect(f32x4.mul(f32x4.sub(t, f32x4.splat(1.0)), f32x4.splat(0.5)), t, big);
  const z = f32x4.mul(f, f);
  let p = fma4(f32x4.splat(LOG_P0), f, f32x4.splat(LOG_P1));
  p = fma4(p, f, f32x4.splat(LOG_P2));
  p = fma4(p, f, f32x4.splat(LOG_P3));
  p = fma4(p, f, f32x4.splat(LOG_P4));
  p = fma4(p, f, f32x4.splat(LOG_P5));
  p = fma4(p, f, f32x4.splat(LOG_P6));
  p = fma4(p, f, f32x4.splat(LOG_P7));
  p = fma4(p, f, f32x4.splat(LOG_P8));
  let y = f32x4.mul(f32x4.mul(p, f), z);
  y = fma4(z, f32x4.splat(-0.5), y);
  y = f32x4.add(f, y);
  // + k·ln 2 with k ∈ {0, 1}: ln 2 = 0.693147182 in f32.
  return f32x4.add(y, v128.and(big, f32x4.splat(0.693147182)));
}

// ---------------------------------------------------------------------------------------------
// Activations built on expf4 (stable forms: no exp of a large positive number anywhere).

/** σ(x) = 1/(1 + e^−x): with e = e^−|x|, σ = 1/(1+e) for x ≥ 0 and e/(1+e) for x < 0 (one division). */
// @ts-ignore: decorator
@inline export function sigmoidf4(x: v128): v128 {
  const e = expf4_nonpos(f32x4.neg(f32x4.abs(x)));
  const one = f32x4.splat(1.0);
  return f32x4.div(v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0.0))), f32x4.add(one, e));
}

/** softplus(x) = ln(1 + eˣ) = max(x, 0) + log1p(e^−|x|); pmax(x, 0) = x < 0 ? 0 : x keeps a NaN x. */
// @ts-ignore: decorator
@inline export function softplusf4(x: v128): v128 {
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0.0)), log1pf4_01(expf4_nonpos(f32x4.neg(f32x4.abs(x)))));
}

// tanh (cephes tanhf, Moshier 1984–2000, re-derived for SIMD; both branches per lane, then select):
//   |x| < 0.625:  tanh x = x + x·z·Q(z), z = x²   (Q degree 4, cephes tanhf.c:
//                 −5.70498872745e−3, 2.06390887954e−2, −5.37397155531e−2, 1.33314422036e−1,
//                 −3.33332819422e−1)
//   otherwise:    tanh |x| = (1 − e)/(1 + e), e = e^{−2|x|} ∈ [0, 0.287] (no overflow; e = 0 gives 1),
//                 sign copied from x.

/** tanh x per lane; NaN stays NaN. */
// @ts-ignore: decorator
@inline export function tanhf4(x: v128): v128 {
  const ax = f32x4.abs(x);
  const z = f32x4.mul(x, x);
  let q = fma4(f32x4.splat(-5.70498872745e-3), z, f32x4.splat(2.06390887954e-2));
  q = fma4(q, z, f32x4.splat(-5.37397155531e-2));
  q = fma4(q, z, f32x4.splat(1.33314422036e-1));
  q = fma4(q, z, f32x4.splat(-3.33332819422e-1));
  const small = fma4(f32x4.mul(q, z), x, x);
  const one = f32x4.splat(1.0);
  const e = expf4_nonpos(f32x4.mul(ax, f32x4.splat(-2.0)));
  let large = f32x4.div(f32x4.sub(one, e), f32x4.add(one, e));
  large = v128.or(large, v128.and(x, i32x4.splat(0x80000000))); // copysign (large ≥ 0)
  return v128.bitselect(small, large, f32x4.lt(ax, f32x4.splat(0.625)));
}
