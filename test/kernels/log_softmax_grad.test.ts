// log_softmax_grad: dx = dy − exp(y)·Σ dy per group, on every wasm build against ref; y is a real
// log_softmax output (ref), k ∈ {1,2,3,4,5,8,10,17}, several row counts, NaN propagation; hand values.
//
// Tolerance: rtol 4 ulp, atol (2k + 4) ulp·max|dy|: the f32 sum Σ dy, expf4 (≤ 1.3 ulp) times it,
// and dy − exp(y)·s cancel at the size of k·max|dy|.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, maxAbs, ref, refForward, withGroupNaN } from './support.js';

const tol = (k: number, dy: Float32Array) => ({ atol: (2 * k + 4) * ULP * maxAbs(dy) + 1e-30, rtol: 4 * ULP });
const logSoftmaxOf = (x: Float32Array, rows: number, k: number) => refForward((bx, by) => ref.log_softmax(bx, by, rows, k), x);

describe('log_softmax_grad', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, y = log_softmax(logits up to ±1e4)`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const n = rows * k, y = logSoftmaxOf(fillRandom(n, seed, lo, hi), rows, k), dy = fillRandom(n, seed + 1000, -2, 2);
        compareWithRef(`${label} [${rows},${k}] x∈[${lo},${hi})`, be, [y, dy], [n], (b, [by, bg], [bd]) => b.log_softmax_grad(by, bg, bd, rows, k), tol(k, dy));
      }
    });

    it(`${label}: NaN in y or dy poisons as ref`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 6, n = rows * k, y = logSoftmaxOf(fillRandom(n, k, -3, 3), rows, k), dy = fillRandom(n, k + 7, -2, 2);
        compareWithRef(`${label} NaN y k=${k}`, be, [withGroupNaN(y, k), dy], [n], (b, [by, bg], [bd]) => b.log_softmax_grad(by, bg, bd, rows, k), tol(k, dy));
        compareWithRef(`${label} NaN dy k=${k}`, be, [y, withGroupNaN(dy, k)], [n], (b, [by, bg], [bd]) => b.log_softmax_grad(by, bg, bd, rows, k), tol(k, dy));
      }
    });
  }

  it('ref: hand-derived values', () => {
    // y = log [¼, ¾], dy = [1, 1]: Σ dy = 2, dx = [1 − ½, 1 − 3/2] = [½, −½]
    const by = ref.alloc(2, false), bg = ref.alloc(2, false), bd = ref.alloc(2, false);
    ref.write(by, [Math.log(0.25), Math.log(0.75)]);
    ref.write(bg, [1, 1]);
    ref.log_softmax_grad(by, bg, bd, 1, 2);
    const dx = ref.read(bd);
    expect(dx[0]).toBeCloseTo(0.5, 6);
    expect(dx[1]).toBeCloseTo(-0.5, 6);
  });
});
