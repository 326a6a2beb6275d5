// argmax_onehot: every wasm build against ref, bitwise (outputs are 0, 1 or NaN), over group sizes
// around the SIMD tile and row counts; many exact ties (the first maximum must win), ±0 ties,
// all −Inf groups, NaN anywhere in a group (the whole group becomes NaN, other groups unaffected);
// ref by hand.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom } from '../harness/check_kernel.js';

const ref = createRefBackend();
const K = [1, 2, 3, 4, 5, 7, 8, 9, 10, 16, 17, 33];
const ROWS = [0, 1, 2, 5, 17];

function run(be: Backend, x: Float32Array, rows: number, k: number, pad = 0): Float32Array {
  const n = rows * k;
  const bx = be.alloc(n, false), by = be.alloc(n + pad, false);
  if (n) be.write(bx, x);
  if (n + pad) be.write(by, new Float32Array(n + pad).fill(777));
  be.argmax_onehot(bx, by, rows, k);
  const out = n + pad ? Float32Array.from(be.read(by)) : new Float32Array(0);
  be.resetScratch();
  return out;
}

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => (Number.isNaN(b[i]) ? Number.isNaN(v) : v === b[i]));

function expectSame(label: string, got: Float32Array, want: Float32Array): void {
  if (!same(got, want)) throw new Error(`${label}: expected [${[...want].slice(0, 40)}], got [${[...got].slice(0, 40)}]`);
}

describe('argmax_onehot', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: random and tied groups equal ref; one 1 per group; nothing past n`, async () => {
      const be = await make();
      for (const k of K) {
        for (const rows of ROWS) {
          const n = rows * k;
          // Distinct values, then small integers (ties everywhere: the first maximum must win).
          for (const x of [fillRandom(n, 7 * n + k, -5, 5), fillRandom(n, 3 * n + k, 0, 4).map(Math.floor)]) {
            const got = run(be, x, rows, k, 4);
            expectSame(`${label} k=${k} rows=${rows}`, got.subarray(0, n), run(ref, x, rows, k));
            for (let r = 0; r < rows; r++) expect(got.subarray(r * k, r * k + k).reduce((a, v) => a + v, 0)).toBe(1);
            expect([...got.subarray(n)]).toEqual([777, 777, 777, 777]);
          }
        }
      }
    });

    it(`${label}: ±0 ties, all −Inf groups, +Inf, and NaN anywhere makes (only) its group NaN`, async () => {
      const be = await make();
      for (const k of K) {
        const rows = 4;
        const x = new Float32Array(rows * k);
        for (let j = 0; j < k; j++) {
          x[j] = j % 2 ? 0 : -0; // row 0: −0, +0, −0, …: index 0 wins
          x[k + j] = -Infinity; // row 1: all −Inf: index 0 wins
          x[2 * k + j] = j === k - 1 ? Infinity : j; // row 2: +Inf last
          x[3 * k + j] = j; // row 3: NaN at a position that moves with k
        }
        x[3 * k + (7 % k)] = NaN;
        const got = run(be, x, rows, k);
        expectSame(`${label} specials k=${k}`, got, run(ref, x, rows, k));
        expect(got[0]).toBe(1);
        expect(got[k]).toBe(1);
        expect(got[2 * k + k - 1]).toBe(1);
        expect([...got.subarray(3 * k)].every(Number.isNaN)).toBe(true);
        // NaN at every position of a group (body lanes and tail lanes).
        for (let p = 0; p < k; p++) {
          const y = fillRandom(2 * k, p, -1, 1);
          y[k + p] = NaN;
          const g = run(be, y, 2, k);
          expectSame(`${label} NaN at ${p} k=${k}`, g, run(ref, y, 2, k));
        }
      }
    });
  }

  it('ref: hand-derived values', () => {
    expect([...run(ref, Float32Array.from([1, 3, 3, 2, 0, -1]), 2, 3)]).toEqual([0, 1, 0, 1, 0, 0]);
    expect([...run(ref, Float32Array.from([1, NaN, 0, 5]), 2, 2)].map((v) => (Number.isNaN(v) ? 'NaN' : v))).toEqual(['NaN', 'NaN', 0, 1]);
  });
});
