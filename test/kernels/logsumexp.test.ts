// logsumexp over groups of k on every wasm build against ref: k ∈ {1,2,3,4,5,8,10,17}, several row
// counts, logits up to ±1e4, NaN / ±Inf / all −Inf groups; hand-derived ref values.
//
// Tolerance: rtol 4 ulp, atol 2 ulp·(max|x| + 1): m + log S rounds at the size of the logits.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, maxAbs, ref, withGroupNaN } from './support.js';

const tol = (x: Float32Array) => ({ atol: 2 * ULP * (maxAbs(x) + 1), rtol: 4 * ULP });

describe('logsumexp', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, logits up to ±1e4`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const x = fillRandom(rows * k, seed, lo, hi);
        compareWithRef(`${label} [${rows},${k}] x∈[${lo},${hi})`, be, [x], [rows], (b, [bx], [by]) => b.logsumexp(bx, by, rows, k), tol(x));
      }
    });

    it(`${label}: NaN → NaN for its group only; +Inf → +Inf; all −Inf → −Inf`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 7, x = fillRandom(rows * k, k, -5, 5);
        compareWithRef(`${label} NaN k=${k}`, be, [withGroupNaN(x, k)], [rows], (b, [bx], [by]) => b.logsumexp(bx, by, rows, k), tol(x));
        const inf = x.slice();
        inf[0] = Infinity;
        inf.fill(-Infinity, 2 * k, 3 * k);
        inf[5 * k] = -Infinity;
        compareWithRef(`${label} Inf k=${k}`, be, [inf], [rows], (b, [bx], [by]) => b.logsumexp(bx, by, rows, k), tol(x));
      }
    });
  }

  it('ref: hand-derived values', () => {
    const bx = ref.alloc(9, false), by = ref.alloc(3, false);
    ref.write(bx, [0, 0, 0, 1000, 1000, 1000, -Infinity, -Infinity, -Infinity]);
    ref.logsumexp(bx, by, 3, 3);
    const y = ref.read(by), f = Math.fround;
    expect(y[0]).toBe(f(Math.log(3)));
    expect(y[1]).toBe(f(1000 + Math.log(3))); // no overflow
    expect(y[2]).toBe(-Infinity);
  });
});
