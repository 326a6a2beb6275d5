// kl_bernoulli: y = KL(Bern(σ(a)) ‖ Bern(σ(b))) on every wasm build against ref, sizes around
// the SIMD tile, logits up to ±1e4, NaN propagation; hand-derived ref values.
//
// Tolerance: rtol 8 ulp, atol 8 ulp·(max|a|, |b| + 1): the kernel subtracts relu terms of the size of
// the logits (ref works in f64), so absolute error scales with them; KL itself is ≥ 0 and small
// when a ≈ b.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { expectClose, sizeSweep } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, fillRandom, maxAbs, ref, widen, withNaN } from './support.js';

const tol = (a: Float32Array, b: Float32Array) => ({ atol: 8 * ULP * (maxAbs(a, b) + 1), rtol: 8 * ULP });

describe('kl_bernoulli', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: n around the SIMD tile, logits up to ±1e4, a = b and a ≈ b`, async () => {
      const be = await make();
      for (const n of sizeSweep(4)) {
        for (const [ri, [lo, hi]] of RANGES.entries()) {
          const a = fillRandom(n, 3 * n + ri, lo, hi), b = fillRandom(n, 5 * n + ri, lo, hi);
          const near = a.map((v, i) => v + (b[i] - v) * 1e-3);
          for (const [bb, what] of [[b, 'b'], [a, 'b = a'], [near, 'b ≈ a']] as const) {
            compareWithRef(`${label} n=${n} ${what} ∈[${lo},${hi})`, be, [a, bb], [n], (k, [ba, bb2], [by]) => k.kl_bernoulli(ba, bb2, by, n), tol(a, bb));
          }
        }
      }
    });

    it(`${label}: large logits of equal sign keep relative accuracy (closed form, not ref)`, async () => {
      const be = await make();
      // NOTE: ref (f64) forms 1 − σ(a), which is 0 for a ≳ 37 and inexact from a ≈ 20: it returns
      // 3.1e−35 for (80, 79) and −3.1e−35 (a negative KL) for (79, 80). The oracle here is the
      // closed form for a, b of equal sign, exact to f64 rounding (e = e^−|·|, L = log1p(e)):
      //   a, b ≥ 0:  KL = L(b) − L(a) + σ(−a)·(b − a);   a, b ≤ 0:  KL = L(b) − L(a) + σ(a)·(a − b).
      const a = new Float32Array([80, 79, -80, -79, 30, 31, 20, -17, 60, 5]), b = new Float32Array([79, 80, -79, -80, 31, 30, 21, -16, 59.5, 5.25]);
      const L = (x: number) => Math.log1p(Math.exp(-Math.abs(x))), sig = (x: number) => 1 / (1 + Math.exp(-x));
      const want = [...a].map((av, i) => (av >= 0 ? L(b[i]) - L(av) + sig(-av) * (b[i] - av) : L(b[i]) - L(av) + sig(av) * (av - b[i])));
      const ba = be.alloc(a.length, false), bb = be.alloc(a.length, false), by = be.alloc(a.length, false);
      be.write(ba, a);
      be.write(bb, b);
      be.kl_bernoulli(ba, bb, by, a.length);
      expectClose(`${label} large`, be.read(by), Float32Array.from(want), widen(be, { atol: 1e-40, rtol: 16 * ULP }, 1));
      be.resetScratch();
    });

    it(`${label}: NaN in a or b propagates`, async () => {
      const be = await make();
      for (const n of [1, 2, 3, 4, 5, 8, 9]) {
        const a = fillRandom(n, n, -5, 5), b = fillRandom(n, n + 9, -5, 5);
        compareWithRef(`${label} NaN a n=${n}`, be, [withNaN(a), b], [n], (k, [ba, bb], [by]) => k.kl_bernoulli(ba, bb, by, n), tol(a, b));
        compareWithRef(`${label} NaN b n=${n}`, be, [a, withNaN(b)], [n], (k, [ba, bb], [by]) => k.kl_bernoulli(ba, bb, by, n), tol(a, b));
      }
    });
  }

  it('ref: hand-derived values', () => {
    const a = new Float32Array([0, 0, 3]), b = new Float32Array([0, Math.log(3), 3]);
    const ba = ref.alloc(3, false), bb = ref.alloc(3, false), by = ref.alloc(3, false);
    ref.write(ba, a);
    ref.write(bb, b);
    ref.kl_bernoulli(ba, bb, by, 3);
    const y = ref.read(by);
    expect(y[0]).toBe(0);
    // KL(Bern(½) ‖ Bern(¾)) = ½ ln(½/¾) + ½ ln(½/¼) = ½ ln(4/3) = 0.14384103622589045
    expect(y[1]).toBeCloseTo(0.14384103622589045, 6);
    expect(y[2]).toBe(0);
  });
});
