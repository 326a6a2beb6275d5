// kl_categorical: KL(softmax(lq) ‖ softmax(lp)) per group on every wasm build against ref:
// k ∈ {1,2,3,4,5,8,10,17}, several row counts, logits up to ±1e4, lq = lp (exactly 0), NaN in either
// input poisoning its group only; a group's bits independent of its neighbours; hand-derived ref values.
//
// Tolerance: rtol 8 ulp, atol (2k + 8) ulp·(2·max|l| + log k + 1): T/Sq − (zq − zp) sums k terms of
// the size of the logit differences in f32 (ref: f64).
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, maxAbs, ref, withGroupNaN } from './support.js';

const tol = (k: number, a: Float32Array, b: Float32Array) => ({ atol: (2 * k + 8) * ULP * (2 * maxAbs(a, b) + Math.log(k) + 1), rtol: 8 * ULP });

describe('kl_categorical', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, logits up to ±1e4, lq = lp`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const lq = fillRandom(rows * k, seed, lo, hi), lp = fillRandom(rows * k, seed + 500, lo, hi);
        for (const [p, what] of [[lp, ''], [lq, ' lp = lq']] as const) {
          compareWithRef(`${label} [${rows},${k}] ∈[${lo},${hi})${what}`, be, [lq, p], [rows], (b, [bq, bp], [by]) => b.kl_categorical(bq, bp, by, rows, k), tol(k, lq, p));
        }
      }
    });

    it(`${label}: NaN in lq or lp poisons its group only`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 7, lq = fillRandom(rows * k, k, -5, 5), lp = fillRandom(rows * k, k + 3, -5, 5);
        compareWithRef(`${label} NaN lq k=${k}`, be, [withGroupNaN(lq, k), lp], [rows], (b, [bq, bp], [by]) => b.kl_categorical(bq, bp, by, rows, k), tol(k, lq, lp));
        compareWithRef(`${label} NaN lp k=${k}`, be, [lq, withGroupNaN(lp, k)], [rows], (b, [bq, bp], [by]) => b.kl_categorical(bq, bp, by, rows, k), tol(k, lq, lp));
      }
    });
  }

  it('each group gets the same bits wherever it sits (first, middle or last of four, or alone): any thread split agrees', async () => {
    for (const { label, make } of WASM_BACKENDS) {
      const be = await make();
      for (const k of [3, 10, 17]) {
        const rows = 11, lq = fillRandom(rows * k, k, -6, 6), lp = fillRandom(rows * k, k + 9, -6, 6);
        const run = (r0: number, n: number) => {
          const bq = be.alloc(n * k, false), bp = be.alloc(n * k, false), by = be.alloc(n, false);
          be.write(bq, lq.subarray(r0 * k, (r0 + n) * k));
          be.write(bp, lp.subarray(r0 * k, (r0 + n) * k));
          be.kl_categorical(bq, bp, by, n, k);
          return [...be.read(by)];
        };
        const all = run(0, rows);
        for (const [r0, n] of [[1, 10], [2, 3], [5, 1], [10, 1], [7, 4]]) expect(run(r0, n), `${label} k=${k} rows ${r0}…${r0 + n - 1}`).toEqual(all.slice(r0, r0 + n));
      }
      be.resetScratch();
    }
  });

  it('ref: hand-derived values', () => {
    // q = [½, ½], p = [¼, ¾]: KL = ½ ln 2 + ½ ln(2/3) = ½ ln(4/3); q = p → 0
    const bq = ref.alloc(4, false), bp = ref.alloc(4, false), by = ref.alloc(2, false);
    ref.write(bq, [0, 0, 3, 1]);
    ref.write(bp, [0, Math.log(3), 3, 1]);
    ref.kl_categorical(bq, bp, by, 2, 2);
    const y = ref.read(by);
    expect(y[0]).toBeCloseTo(0.5 * Math.log(4 / 3), 6);
    expect(y[1]).toBe(0);
  });
});
