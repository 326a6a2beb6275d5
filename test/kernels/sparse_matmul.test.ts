// sparse_matmul: C = A·B (+ bias) visiting only A's non-zeros, on every backend against ref, for
// one-hot, binary and general A (0…9 non-zeros a row: the 4-row groups and their remainders), n
// around the SIMD tile, with and without bias; one-hot rows copy B's rows exactly; NaN in A
// propagates; B's rows where A is 0 are not read (wasm and ref: Inf there stays out).
//
// Tolerance: atol 4·k ulp·max|a|·max|b| + 4 ulp·max|bias|, rtol 4 ulp: k fused or unfused
// multiply-adds in f32 against ref's f64 sum.
import { describe, expect, it } from 'vitest';
import { BACKENDS, WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep, upload } from '../harness/check_kernel.js';
import { ULP, compareWithRef, fillRandom, maxAbs } from './support.js';

/** A [m, k] with `nz(i)` non-zeros in row i at seeded positions; values 1 (`ones`) or in [−2, 2]. */
function sparseA(m: number, k: number, nz: (i: number) => number, seed: number, ones: boolean): Float32Array {
  const a = new Float32Array(m * k), u = fillRandom(m * k, seed, 0, 1), v = fillRandom(m * k, seed + 1, -2, 2);
  for (let i = 0; i < m; i++) {
    const order = Array.from({ length: k }, (_, j) => j).sort((x, y) => u[i * k + x] - u[i * k + y]);
    for (const j of order.slice(0, Math.min(k, nz(i)))) a[i * k + j] = ones ? 1 : v[i * k + j] || 0.5;
  }
  return a;
}

describe('sparse_matmul', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: against ref, 0…9 non-zeros a row, n around the SIMD tile, with and without bias`, async () => {
      const be = await make();
      for (const n of sizeSweep(4, [33, 100])) {
        for (const k of [1, 3, 4, 9, 20]) {
          const m = 10;
          const b = fillRandom(k * n, n + k, -3, 3), bias = fillRandom(n, n + 7, -1, 1);
          for (const ones of [true, false]) {
            const a = sparseA(m, k, (i) => i, 100 * n + k, ones);
            const tol = { atol: 4 * k * ULP * maxAbs(a) * maxAbs(b) + 4 * ULP, rtol: 4 * ULP };
            const what = `${label} m=${m} k=${k} n=${n} ${ones ? 'binary' : 'general'}`;
            compareWithRef(`${what} bias`, be, [a, b, bias], [m * n], (bb, [ba, bw, bbias], [bc]) => bb.sparse_matmul(ba, bw, bc, m, k, n, bbias), tol);
            compareWithRef(`${what} no bias`, be, [a, b], [m * n], (bb, [ba, bw], [bc]) => bb.sparse_matmul(ba, bw, bc, m, k, n, null), tol);
          }
        }
      }
    });

    it(`${label}: NaN in A makes its row NaN; m = 0 and k = 0`, async () => {
      const be = await make();
      const m = 3, k = 5, n = 6;
      const a = sparseA(m, k, () => 2, 3, false);
      a[k + 4] = NaN;
      const b = fillRandom(k * n, 4);
      compareWithRef(`${label} NaN`, be, [a, b], [m * n], (bb, [ba, bw], [bc]) => bb.sparse_matmul(ba, bw, bc, m, k, n, null), { atol: 1e-5, rtol: 4 * ULP });
      compareWithRef(`${label} m=0`, be, [new Float32Array(0), b], [0], (bb, [ba, bw], [bc]) => bb.sparse_matmul(ba, bw, bc, 0, k, n, null), {});
      const bias = fillRandom(n, 5);
      compareWithRef(`${label} k=0`, be, [new Float32Array(0), new Float32Array(0), bias], [2 * n], (bb, [ba, bw, bbias], [bc]) => bb.sparse_matmul(ba, bw, bc, 2, 0, n, bbias), { atol: 0, rtol: 0 });
    });
  }

  for (const { label, make } of BACKENDS) {
    it(`${label}: one-hot rows copy B's rows exactly (the evaluation's repeat)`, async () => {
      const be = await make();
      const m = 7, k = 3, n = 13, b = fillRandom(k * n, 9, -5, 5);
      const a = new Float32Array(m * k);
      for (let i = 0; i < m; i++) a[i * k + (i % k)] = 1;
      const [ba, bb, bc] = [upload(be, a), upload(be, b), be.alloc(m * n, false)];
      be.sparse_matmul(ba, bb, bc, m, k, n, null);
      const c = be.read(bc);
      for (let i = 0; i < m; i++) expect(Array.from(c.subarray(i * n, (i + 1) * n)), `row ${i}`).toEqual(Array.from(b.subarray((i % k) * n, (i % k + 1) * n)));
      be.resetScratch();
    });
  }

  for (const { label, make } of BACKENDS.filter((b) => b.label === 'ref' || b.label.startsWith('wasm'))) {
    it(`${label}: rows of B where A is 0 are not read (Inf there stays out)`, async () => {
      const be = await make();
      const a = Float32Array.from([0, 2, 0, 0, 0, 1]), b = Float32Array.from([Infinity, NaN, 1, 2, 3, 4, 5, 6, 7]);
      const [ba, bb, bc] = [upload(be, a), upload(be, b), be.alloc(6, false)];
      be.sparse_matmul(ba, bb, bc, 2, 3, 3, null);
      expect(Array.from(be.read(bc))).toEqual([4, 6, 8, 5, 6, 7]);
      be.resetScratch();
    });
  }
});
