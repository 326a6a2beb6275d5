// log_softmax over groups of k on every wasm build against ref: k ∈ {1,2,3,4,5,8,10,17}, several
// row counts, logits up to ±1e4, NaN and ±Inf; hand-derived ref values.
//
// Tolerance: rtol 4 ulp, atol 4 ulp·(max|x| + 1): y = x − logsumexp rounds at the size of the logits.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, maxAbs, ref, withGroupNaN } from './support.js';

const tol = (x: Float32Array) => ({ atol: 4 * ULP * (maxAbs(x) + 1), rtol: 4 * ULP });

describe('log_softmax', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, logits up to ±1e4`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const x = fillRandom(rows * k, seed, lo, hi);
        compareWithRef(`${label} [${rows},${k}] x∈[${lo},${hi})`, be, [x], [rows * k], (b, [bx], [by]) => b.log_softmax(bx, by, rows, k), tol(x));
      }
    });

    it(`${label}: a NaN makes its whole group NaN and no other; ±Inf as ref`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 6, x = fillRandom(rows * k, k, -5, 5);
        compareWithRef(`${label} NaN k=${k}`, be, [withGroupNaN(x, k)], [rows * k], (b, [bx], [by]) => b.log_softmax(bx, by, rows, k), tol(x));
        const inf = x.slice();
        inf[0] = Infinity;
        inf[inf.length - 1] = -Infinity;
        inf.fill(-Infinity, 2 * k, 3 * k); // an all −Inf group
        compareWithRef(`${label} Inf k=${k}`, be, [inf], [rows * k], (b, [bx], [by]) => b.log_softmax(bx, by, rows, k), tol(x));
      }
    });
  }

  it('ref: hand-derived values', () => {
    const bx = ref.alloc(6, false), by = ref.alloc(6, false);
    ref.write(bx, [1, 1, 0, Math.log(3), 1000, 0]);
    ref.log_softmax(bx, by, 3, 2);
    const y = ref.read(by), f = Math.fround;
    expect(y[0]).toBe(f(-Math.LN2)); // log ½
    expect(y[2]).toBe(f(-Math.log(4))); // log ¼
    expect(y[3]).toBeCloseTo(Math.log(0.75), 6);
    expect([y[4], y[5]]).toEqual([0, -1000]); // no overflow at 1000
  });
});
