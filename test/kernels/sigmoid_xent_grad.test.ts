// sigmoid_xent_grad: dl = dy·(σ(l) − t) on every wasm build against ref, sizes around the SIMD
// tile, logits up to ±1e4, NaN propagation; hand-derived ref values.
//
// Tolerance: rtol 4 ulp (σ through expf4: ≤ 2.6 ulp) and atol 2 ulp·max|dy| for the cancellation
// in σ(l) − t when t ≈ σ(l).
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, fillRandom, maxAbs, ref, withNaN } from './support.js';

const tol = (dy: Float32Array) => ({ atol: 2 * ULP * maxAbs(dy) + 1e-30, rtol: 4 * ULP });

describe('sigmoid_xent_grad', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: n around the SIMD tile, |l| up to 1e4`, async () => {
      const be = await make();
      for (const n of sizeSweep(4)) {
        for (const [ri, [lo, hi]] of RANGES.entries()) {
          const l = fillRandom(n, 3 * n + ri, lo, hi), t = fillRandom(n, 5 * n + ri, 0, 1), dy = fillRandom(n, 7 * n + ri, -2, 2);
          compareWithRef(`${label} n=${n} l∈[${lo},${hi})`, be, [l, t, dy], [n], (b, [bl, bt, bg], [bd]) => b.sigmoid_xent_grad(bl, bt, bg, bd, n), tol(dy));
        }
      }
    });

    it(`${label}: NaN in logits, targets or dy propagates`, async () => {
      const be = await make();
      for (const n of [1, 2, 3, 4, 5, 8, 9]) {
        const l = fillRandom(n, n, -5, 5), t = fillRandom(n, n + 9, 0, 1), dy = fillRandom(n, n + 3, -2, 2);
        const run = (ins: Float32Array[], what: string) =>
          compareWithRef(`${label} NaN ${what} n=${n}`, be, ins, [n], (b, [bl, bt, bg], [bd]) => b.sigmoid_xent_grad(bl, bt, bg, bd, n), tol(dy));
        run([withNaN(l), t, dy], 'l');
        run([l, withNaN(t), dy], 't');
        run([l, t, withNaN(dy)], 'dy');
      }
    });
  }

  it('ref: hand-derived values', () => {
    const l = new Float32Array([0, 0, 80, -80]), t = new Float32Array([0, 1, 1, 1]), dy = new Float32Array([2, 2, 1, 1]);
    const bufs = [l, t, dy].map((a) => {
      const b = ref.alloc(4, false);
      ref.write(b, a);
      return b;
    });
    const out = ref.alloc(4, false);
    ref.sigmoid_xent_grad(bufs[0], bufs[1], bufs[2], out, 4);
    expect([...ref.read(out)]).toEqual([1, -1, 0, -1]); // 2(½ − 0), 2(½ − 1), σ(80) − 1 = 0 in f32, σ(−80) − 1
  });
});
