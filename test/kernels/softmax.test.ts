// softmax over groups of k on every wasm build against ref: k ∈ {1,2,3,4,5,8,10,17} (the
// segmented k ∈ {1,2,4} paths and the per-row path with 0–3 tail lanes), several row counts, logits
// up to ±1e4, NaN in one lane poisoning exactly its group; hand-derived ref values.
//
// Tolerance: rtol 8 ulp, atol 1e−7. x − max rounds in f32 (ref subtracts exactly in f64): an error
// of 2⁻²⁴·|x − m| in the exponent, i.e. at most 2⁻²⁴·(m − x)·e^−(m−x) ≤ 2⁻²⁴/e absolute on y,
// plus expf4's ≤ 1.3 ulp and the division.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, ref, withGroupNaN } from './support.js';

const TOL = { atol: 1e-7, rtol: 8 * ULP };

describe('softmax', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, logits up to ±1e4`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const x = fillRandom(rows * k, seed, lo, hi);
        compareWithRef(`${label} [${rows},${k}] x∈[${lo},${hi})`, be, [x], [rows * k], (b, [bx], [by]) => b.softmax(bx, by, rows, k), TOL);
      }
    });

    it(`${label}: a NaN makes its whole group NaN and no other; ±Inf as ref`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 6, x = withGroupNaN(fillRandom(rows * k, k, -5, 5), k);
        compareWithRef(`${label} NaN k=${k}`, be, [x], [rows * k], (b, [bx], [by]) => b.softmax(bx, by, rows, k), TOL);
        const inf = fillRandom(rows * k, k + 1, -5, 5);
        inf[0] = Infinity;
        inf[inf.length - 1] = -Infinity;
        compareWithRef(`${label} Inf k=${k}`, be, [inf], [rows * k], (b, [bx], [by]) => b.softmax(bx, by, rows, k), TOL);
      }
    });
  }

  it('ref: hand-derived values', () => {
    const x = new Float32Array([0, Math.log(3), 5, 5, 5, 5, 1000, 0]);
    const bx = ref.alloc(8, false), by = ref.alloc(8, false);
    ref.write(bx, x);
    ref.softmax(bx, by, 4, 2);
    // [1, 3]/4; equal logits → ½; 1000 vs 0 → (1, e⁻¹⁰⁰⁰ = 0) with no overflow
    expect([...ref.read(by)]).toEqual([0.25, 0.75, 0.5, 0.5, 0.5, 0.5, 1, 0]);
  });
});
