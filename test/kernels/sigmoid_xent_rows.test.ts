// sigmoid_xent_rows: y[i] = Σ_j softplus(l[i,j]) − t[⌊i/s⌋,j]·l[i,j] on every backend against ref,
// cols around the SIMD tile, s ∈ {1, 3}, logits up to ±1e4, targets in [0, 1] and {0, 1}; NaN in l
// or t makes its rows NaN; ref equals sigmoid_xent summed over each row, target row ⌊i/s⌋. Its
// gradient kernel sigmoid_xent_rows_grad: bitwise sigmoid_xent_grad on broadcast dy, and against ref.
//
// Tolerance: sigmoid_xent's per term (rtol 4 ulp, atol 2 ulp·max|l|) plus the f32 running sum's
// rounding, ≤ cols ulp of the largest partial sum: atol 4·cols ulp·(max|l| + 1).
import { describe, expect, it } from 'vitest';
import type { Buf } from '../../src/kernels.js';
import { BACKENDS, WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep, upload } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, expectSameBits, fillRandom, maxAbs, ref, runKernel, withNaN } from './support.js';

const tol = (l: Float32Array, cols: number) => ({ atol: 4 * (cols + 1) * ULP * (maxAbs(l) + 1), rtol: 4 * ULP });

describe('sigmoid_xent_rows', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: cols around the SIMD tile, s ∈ {1, 3}, |l| up to 1e4, t ∈ [0, 1] and {0, 1}`, async () => {
      const be = await make();
      for (const cols of sizeSweep(4, [33, 100, 784])) {
        for (const s of [1, 3]) {
          const rows = 2 * s;
          for (const [ri, [lo, hi]] of RANGES.entries()) {
            const l = fillRandom(rows * cols, 3 * cols + ri + s, lo, hi);
            const t = fillRandom((rows / s) * cols, 5 * cols + ri, 0, 1);
            for (const tt of [t, t.map((v) => (v < 0.5 ? 0 : 1))]) {
              compareWithRef(`${label} cols=${cols} s=${s} l∈[${lo},${hi})`, be, [l, tt], [rows], (b, [bl, bt], [by]) => b.sigmoid_xent_rows(bl, bt, by, rows, cols, s), tol(l, cols));
            }
          }
        }
      }
    });

    it(`${label}: NaN in logits or targets makes its rows NaN; rows = 0`, async () => {
      const be = await make();
      for (const cols of [1, 4, 5, 9]) {
        const rows = 4, s = 2, l = fillRandom(rows * cols, cols, -5, 5), t = fillRandom(2 * cols, cols + 9, 0, 1);
        const call = (b: typeof be, [bl, bt]: Buf[], [by]: Buf[]) => b.sigmoid_xent_rows(bl, bt, by, rows, cols, s);
        compareWithRef(`${label} NaN l cols=${cols}`, be, [withNaN(l), t], [rows], call, tol(l, cols));
        compareWithRef(`${label} NaN t cols=${cols}`, be, [l, withNaN(t)], [rows], call, tol(l, cols));
      }
      compareWithRef(`${label} rows=0`, be, [new Float32Array(0), new Float32Array(0)], [0], (b, [bl, bt], [by]) => b.sigmoid_xent_rows(bl, bt, by, 0, 5, 1), {});
    });
  }

  // sigmoid_xent_rows_grad: per element sigmoid_xent_grad's operations with dy[i] for row i, so
  // bitwise that kernel on dy broadcast over the rows (targets repeated); against ref with its tolerance.
  for (const { label, make } of BACKENDS) {
    it(`${label}: sigmoid_xent_rows_grad is sigmoid_xent_grad on dy broadcast over each row, bitwise; NaN`, async () => {
      const be = await make();
      for (const cols of sizeSweep(4, [33, 784])) {
        for (const s of [1, 3]) {
          const rows = 2 * s, n = rows * cols, l = withNaN(fillRandom(n, cols + s, -20, 20)), t = fillRandom((rows / s) * cols, cols + 7, 0, 1), dy = fillRandom(rows, cols + 8, -2, 2);
          const tRep = new Float32Array(n), dyRep = new Float32Array(n);
          for (let i = 0; i < rows; i++) {
            tRep.set(t.subarray(Math.floor(i / s) * cols, (Math.floor(i / s) + 1) * cols), i * cols);
            dyRep.fill(dy[i], i * cols, (i + 1) * cols);
          }
          const [got] = runKernel(be, [l, t, dy], [n], (b, [bl, bt, bg], [bd]) => b.sigmoid_xent_rows_grad(bl, bt, bg, bd, rows, cols, s));
          const [want] = runKernel(be, [l, tRep, dyRep], [n], (b, [bl, bt, bg], [bd]) => b.sigmoid_xent_grad(bl, bt, bg, bd, n));
          expectSameBits(`${label} cols=${cols} s=${s}`, be, got, want);
          if (label !== 'ref') {
            compareWithRef(`${label} cols=${cols} s=${s} vs ref`, be, [l, t, dy], [n], (b, [bl, bt, bg], [bd]) => b.sigmoid_xent_rows_grad(bl, bt, bg, bd, rows, cols, s), { atol: 4 * ULP * maxAbs(dy), rtol: 8 * ULP });
          }
        }
      }
    });
  }

  it('ref: sigmoid_xent summed over each row, target row ⌊i/s⌋', () => {
    const rows = 6, cols = 7, s = 3, l = fillRandom(rows * cols, 1, -6, 6), t = fillRandom(2 * cols, 2, 0, 1);
    const by = ref.alloc(rows, false);
    ref.sigmoid_xent_rows(upload(ref, l), upload(ref, t), by, rows, cols, s);
    const y = ref.read(by);
    for (let i = 0; i < rows; i++) {
      const tr = t.slice(Math.floor(i / s) * cols, (Math.floor(i / s) + 1) * cols), terms = ref.alloc(cols, false);
      ref.sigmoid_xent(upload(ref, l.slice(i * cols, (i + 1) * cols)), upload(ref, tr), terms, cols);
      expect(y[i]).toBeCloseTo(Array.from(ref.read(terms)).reduce((a, v) => a + v, 0), 4);
    }
    ref.resetScratch();
  });
});
