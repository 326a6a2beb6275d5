// kl_categorical_grad on every wasm build against ref: k ∈ {1,2,3,4,5,8,10,17}, several row counts,
// logits up to ±1e4, NaN in lq, lp or dy poisoning its group only; hand-derived ref values.
//
// Tolerance: rtol 8 ulp, atol (2k + 8) ulp·max|dy|·(2·max|l| + 1): dlq = g·q·((lq − lp) − T/Sq)
// subtracts two terms of the size of the logit differences; dlp = g·(p − q) cancels at size |g|.
import { describe, expect, it } from 'vitest';
import { WASM_BACKENDS } from '../harness/backends.js';
import { GROUP_K, ULP, compareWithRef, fillRandom, groupedCases, maxAbs, ref, withGroupNaN } from './support.js';
import type { Backend } from '../../src/backend.js';
import type { Buf } from '../../src/kernels.js';

const tol = (k: number, a: Float32Array, b: Float32Array, dy: Float32Array) => ({ atol: (2 * k + 8) * ULP * maxAbs(dy) * (2 * maxAbs(a, b) + 1) + 1e-30, rtol: 8 * ULP });
const call = (rows: number, k: number) => (b: Backend, [q, p, g]: Buf[], [dq, dp]: Buf[]) => b.kl_categorical_grad(q, p, g, dq, dp, rows, k);

describe('kl_categorical_grad', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: k ∈ {${GROUP_K}}, rows 0…33, logits up to ±1e4`, async () => {
      const be = await make();
      for (const { rows, k, lo, hi, seed } of groupedCases()) {
        const n = rows * k, lq = fillRandom(n, seed, lo, hi), lp = fillRandom(n, seed + 500, lo, hi), dy = fillRandom(rows, seed + 900, -2, 2);
        compareWithRef(`${label} [${rows},${k}] ∈[${lo},${hi})`, be, [lq, lp, dy], [n, n], call(rows, k), tol(k, lq, lp, dy));
      }
    });

    it(`${label}: NaN in lq, lp or dy poisons its group only`, async () => {
      const be = await make();
      for (const k of GROUP_K) {
        const rows = 7, n = rows * k, lq = fillRandom(n, k, -5, 5), lp = fillRandom(n, k + 3, -5, 5), dy = fillRandom(rows, k + 5, -2, 2);
        const t = tol(k, lq, lp, dy);
        compareWithRef(`${label} NaN lq k=${k}`, be, [withGroupNaN(lq, k), lp, dy], [n, n], call(rows, k), t);
        compareWithRef(`${label} NaN lp k=${k}`, be, [lq, withGroupNaN(lp, k), dy], [n, n], call(rows, k), t);
        const dyn = dy.slice();
        dyn[2] = NaN;
        compareWithRef(`${label} NaN dy k=${k}`, be, [lq, lp, dyn], [n, n], call(rows, k), t);
      }
    });
  }

  it('ref: hand-derived values', () => {
    // q = p = [½, ½]: KL = 0 and both gradients vanish. q = [½, ½], p = [¼, ¾], dy = 1:
    // dlp = p − q = [−¼, ¼];  dlq_j = q_j((log q_j − log p_j) − KL), KL = ½ ln(4/3):
    // dlq_0 = ½(ln 2 − ½ ln(4/3)) = ½ ln(√3) = ¼ ln 3,  dlq_1 = −¼ ln 3.
    const bq = ref.alloc(4, false), bp = ref.alloc(4, false), bg = ref.alloc(2, false), dq = ref.alloc(4, false), dp = ref.alloc(4, false);
    ref.write(bq, [0, 0, 0, 0]);
    ref.write(bp, [0, Math.log(3), 1, 1]);
    ref.write(bg, [1, 1]);
    ref.kl_categorical_grad(bq, bp, bg, dq, dp, 2, 2);
    const gq = ref.read(dq), gp = ref.read(dp);
    expect(gq[0]).toBeCloseTo(0.25 * Math.log(3), 6);
    expect(gq[1]).toBeCloseTo(-0.25 * Math.log(3), 6);
    expect(gp[0]).toBeCloseTo(-0.25, 6);
    expect(gp[1]).toBeCloseTo(0.25, 6);
    for (const v of [gq[2], gq[3], gp[2], gp[3]]) expect(v).toBeCloseTo(0, 12);
  });
});
