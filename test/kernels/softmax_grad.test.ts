// softmax_grad: dx = y ⊙ (dy − Σ dy·y) per group, on every wasm build against ref; y is a real
// softmax output (ref), k ∈ {1,2,3,4,5,8,10,17}, several row counts, NaN propagation; hand values.
//
// Tolerance: rtol 4 ulp, atol (k + 4) ulp·max|dy|: the f32 dot product Σ dy·y (ref: f64) and
// dy − s cancel at the size of dy.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, maxAbs, ref, refForward, withGroupNaN } from './support.js';

const tol = (k: number, dy: Float32Array) => ({ atol: (k + 4) * ULP * maxAbs(dy) + 1e-30, rtol: 4 * ULP });
const softmaxOf = (x: Float32Array, rows: number, k: number) => refForward((bx, by) => ref.softmax(bx, by, rows, k), x);

describe('softmax_grad', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, y = softmax(logits up to ±1e4)`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const n = rows * k, y = softmaxOf(fillRandom(n, seed, lo, hi), rows, k), dy = fillRandom(n, seed + 1000, -2, 2);
        compareWithRef(`${label} [${rows},${k}] x∈[${lo},${hi})`, be, [y, dy], [n], (b, [by, bg], [bd]) => b.softmax_grad(by, bg, bd, rows, k), tol(k, dy));
      }
    });

    it(`${label}: NaN in y or dy poisons its group only`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 6, n = rows * k, y = softmaxOf(fillRandom(n, k, -3, 3), rows, k), dy = fillRandom(n, k + 7, -2, 2);
        compareWithRef(`${label} NaN y k=${k}`, be, [withGroupNaN(y, k), dy], [n], (b, [by, bg], [bd]) => b.softmax_grad(by, bg, bd, rows, k), tol(k, dy));
        compareWithRef(`${label} NaN dy k=${k}`, be, [y, withGroupNaN(dy, k)], [n], (b, [by, bg], [bd]) => b.softmax_grad(by, bg, bd, rows, k), tol(k, dy));
      }
    });
  }

  it('ref: hand-derived values', () => {
    // y = [¼, ¾], dy = [1, 0]: Σ dy·y = ¼, dx = [¼·¾, ¾·(−¼)] = [3/16, −3/16]
    const by = ref.alloc(2, false), bg = ref.alloc(2, false), bd = ref.alloc(2, false);
    ref.write(by, [0.25, 0.75]);
    ref.write(bg, [1, 0]);
    ref.softmax_grad(by, bg, bd, 1, 2);
    expect([...ref.read(bd)]).toEqual([3 / 16, -3 / 16]);
  });
});
