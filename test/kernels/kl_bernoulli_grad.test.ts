// kl_bernoulli_grad: da = dy·σ(a)σ(−a)(a − b), db = dy·(σ(b) − σ(a)) on every wasm build against
// ref, sizes around the SIMD tile, logits up to ±1e4, NaN propagation; hand-derived ref values.
//
// Tolerance: da: rtol 8 ulp, atol 1e−15·max|dy|·(2·max|a, b| + 1) — ref's own f64 σ(a)(1 − σ(a))
// loses its digits once 1 − σ(a) nears 1e−16 (|a| ≳ 30), while the kernel forms σ(a)σ(−a) directly.
// db: rtol 8 ulp, atol 2 ulp·max|dy| for σ(b) − σ(a) of nearly equal values around ½.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, fillRandom, maxAbs, ref, withNaN } from './support.js';

const tol = (a: Float32Array, b: Float32Array, dy: Float32Array) => (i: number) =>
  i === 0 ? { atol: 1e-15 * maxAbs(dy) * (2 * maxAbs(a, b) + 1) + 1e-37, rtol: 8 * ULP } : { atol: 2 * ULP * maxAbs(dy) + 1e-37, rtol: 8 * ULP };

describe('kl_bernoulli_grad', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: n around the SIMD tile, logits up to ±1e4`, async () => {
      const be = await make();
      for (const n of sizeSweep(4)) {
        for (const [ri, [lo, hi]] of RANGES.entries()) {
          const a = fillRandom(n, 3 * n + ri, lo, hi), b = fillRandom(n, 5 * n + ri, lo, hi), dy = fillRandom(n, 7 * n + ri, -2, 2);
          compareWithRef(`${label} n=${n} ∈[${lo},${hi})`, be, [a, b, dy], [n, n], (k, [ba, bb, bg], [da, db]) => k.kl_bernoulli_grad(ba, bb, bg, da, db, n), tol(a, b, dy));
        }
      }
    });

    it(`${label}: NaN in a, b or dy propagates`, async () => {
      const be = await make();
      for (const n of [1, 2, 3, 4, 5, 8, 9]) {
        const a = fillRandom(n, n, -5, 5), b = fillRandom(n, n + 9, -5, 5), dy = fillRandom(n, n + 3, -2, 2);
        const run = (ins: Float32Array[], what: string) =>
          compareWithRef(`${label} NaN ${what} n=${n}`, be, ins, [n, n], (k, [ba, bb, bg], [da, db]) => k.kl_bernoulli_grad(ba, bb, bg, da, db, n), tol(a, b, dy));
        run([withNaN(a), b, dy], 'a');
        run([a, withNaN(b), dy], 'b');
        run([a, b, withNaN(dy)], 'dy');
      }
    });
  }

  it('ref: hand-derived values', () => {
    const a = new Float32Array([0, 0]), b = new Float32Array([2, 0]), dy = new Float32Array([1, 1]);
    const [ba, bb, bg] = [a, b, dy].map((v) => {
      const buf = ref.alloc(2, false);
      ref.write(buf, v);
      return buf;
    });
    const da = ref.alloc(2, false), db = ref.alloc(2, false);
    ref.kl_bernoulli_grad(ba, bb, bg, da, db, 2);
    expect([...ref.read(da)]).toEqual([-0.5, 0]); // ¼·(0 − 2)
    expect(ref.read(db)[0]).toBe(Math.fround(1 / (1 + Math.exp(-2)) - 0.5)); // σ(2) − ½
    expect(ref.read(db)[1]).toBe(0);
  });
});
