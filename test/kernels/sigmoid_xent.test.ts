// sigmoid_xent: y = softplus(l) − t·l on every wasm build against ref, sizes around the SIMD tile,
// logits up to ±1e4, targets in [0, 1] (and exactly 0/1), NaN in either input; hand-derived ref values.
//
// Tolerance: rtol 4 ulp, atol 2 ulp·max|l|: max(l, 0) − t·l rounds at the size of l (ref is f64),
// and log1p(e^−|l|) carries ≤ 2.1 ulp (expf4 + log1pf4_01).
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, fillRandom, maxAbs, ref, withNaN } from './support.js';

const tol = (l: Float32Array) => ({ atol: 2 * ULP * maxAbs(l) + 1e-30, rtol: 4 * ULP });

describe('sigmoid_xent', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: n around the SIMD tile, |l| up to 1e4, t ∈ [0, 1] and t ∈ {0, 1}`, async () => {
      const be = await make();
      for (const n of sizeSweep(4)) {
        for (const [ri, [lo, hi]] of RANGES.entries()) {
          const l = fillRandom(n, 3 * n + ri, lo, hi);
          const t = fillRandom(n, 5 * n + ri, 0, 1);
          const hard = t.map((v) => (v < 0.5 ? 0 : 1));
          for (const tt of [t, hard]) {
            compareWithRef(`${label} n=${n} l∈[${lo},${hi})`, be, [l, tt], [n], (b, [bl, bt], [by]) => b.sigmoid_xent(bl, bt, by, n), tol(l));
          }
        }
      }
    });

    it(`${label}: NaN in logits or targets propagates`, async () => {
      const be = await make();
      for (const n of [1, 2, 3, 4, 5, 8, 9]) {
        const l = fillRandom(n, n, -5, 5), t = fillRandom(n, n + 9, 0, 1);
        compareWithRef(`${label} NaN l n=${n}`, be, [withNaN(l), t], [n], (b, [bl, bt], [by]) => b.sigmoid_xent(bl, bt, by, n), tol(l));
        compareWithRef(`${label} NaN t n=${n}`, be, [l, withNaN(t)], [n], (b, [bl, bt], [by]) => b.sigmoid_xent(bl, bt, by, n), tol(l));
      }
    });
  }

  it('ref: hand-derived values', () => {
    const l = new Float32Array([0, 0, 80, 80, -80, 2]);
    const t = new Float32Array([0, 1, 1, 0, 0, 1]);
    const bl = ref.alloc(6, false), bt = ref.alloc(6, false), by = ref.alloc(6, false);
    ref.write(bl, l);
    ref.write(bt, t);
    ref.sigmoid_xent(bl, bt, by, 6);
    const y = ref.read(by), f = Math.fround;
    expect(y[0]).toBe(f(Math.LN2)); // −log σ(0) = ln 2, whatever t
    expect(y[1]).toBe(f(Math.LN2));
    expect(y[2]).toBe(0); // −log σ(80) = log1p(e⁻⁸⁰) ≈ 1.8e−35, lost against 80 − 80 only in f64 rounding of softplus
    expect(y[3]).toBe(80); // −log σ(−80) = 80 + log1p(e⁻⁸⁰)
    expect(y[4]).toBe(f(Math.exp(-80))); // −log σ(80)... for l = −80, t = 0: softplus(−80) = e⁻⁸⁰
    expect(y[5]).toBe(f(Math.log1p(Math.exp(-2)))); // softplus(2) − 2 = log1p(e⁻²)
  });
});
