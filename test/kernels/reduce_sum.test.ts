// reduce_sum: both axes on every wasm build against ref over shapes around the SIMD tiles (4 and
// the 16-column block). The kernels sum in f32, ref in f64: the tolerance is the classic bound for
// recursive f32 summation, (terms − 1)·2⁻²⁴·Σ|x|. Column sums of the scalar and SIMD paths add in
// the same (row) order, so those builds agree bit for bit. NaN and ±Inf propagate; ref by hand.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom } from '../harness/check_kernel.js';

const ref = createRefBackend();
const ROWS = [0, 1, 2, 3, 5, 17, 100];
const COLS = [0, 1, 3, 4, 5, 15, 16, 17, 20, 33, 100];

function run(be: Backend, x: Float32Array, rows: number, cols: number, axis: 0 | 1, pad = 0): Float32Array {
  const m = axis === 0 ? cols : rows;
  const bx = be.alloc(x.length, false), by = be.alloc(m + pad, false);
  if (x.length) be.write(bx, x);
  if (m + pad) be.write(by, new Float32Array(m + pad).fill(777));
  be.reduce_sum(bx, by, rows, cols, axis);
  const out = m + pad ? Float32Array.from(be.read(by)) : new Float32Array(0);
  be.resetScratch();
  return out;
}

/** |got − want| ≤ (terms − 1)·2⁻²⁴·Σ|terms| per output (+ FLT_MIN for all-tiny sums). */
function expectSum(label: string, got: Float32Array, want: Float32Array, x: Float32Array, rows: number, cols: number, axis: 0 | 1): void {
  for (let j = 0; j < want.length; j++) {
    let abs = 0;
    const terms = axis === 0 ? rows : cols;
    for (let t = 0; t < terms; t++) abs += Math.abs(axis === 0 ? x[t * cols + j] : x[j * cols + t]);
    const tol = Math.max(terms - 1, 1) * 2 ** -24 * abs + 1.2e-38;
    if (Number.isNaN(want[j]) ? !Number.isNaN(got[j]) : !(Math.abs(got[j] - want[j]) <= tol)) throw new Error(`${label}: [${j}] expected ${want[j]}, got ${got[j]} (tol ${tol})`);
  }
}

describe('reduce_sum', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: axis 0 and 1 against ref, shapes around the tiles; nothing past the output`, async () => {
      const be = await make();
      for (const axis of [0, 1] as const) {
        for (const rows of ROWS) {
          for (const cols of COLS) {
            const x = fillRandom(rows * cols, rows * 131 + cols, -3, 3);
            const m = axis === 0 ? cols : rows;
            const got = run(be, x, rows, cols, axis, 4);
            expectSum(`${label} axis ${axis} ${rows}×${cols}`, got.subarray(0, m), run(ref, x, rows, cols, axis), x, rows, cols, axis);
            expect([...got.subarray(m)], `${label} axis ${axis} ${rows}×${cols}: past the output`).toEqual([777, 777, 777, 777]);
          }
        }
      }
    });

    it(`${label}: NaN and ±Inf propagate to their column / row only`, async () => {
      const be = await make();
      const rows = 5, cols = 21;
      const x = fillRandom(rows * cols, 9, -1, 1);
      x[2 * cols + 3] = NaN; // row 2, column 3
      x[4 * cols + 17] = Infinity; // row 4, column 17
      x[0 * cols + 17] = 1e30;
      const c = run(be, x, rows, cols, 0), r = run(be, x, rows, cols, 1);
      expect(c.map((v, j) => (Number.isNaN(v) ? 1 : 0)).join('')).toBe('000100000000000000000');
      expect(c[17]).toBe(Infinity);
      expect(Number.isNaN(r[2]) && r[4] === Infinity && Number.isFinite(r[0]) && Number.isFinite(r[1])).toBe(true);
    });
  }

  it('wasm builds: column sums bitwise equal across scalar, SIMD and relaxed (same summation order); sums start from +0', async () => {
    const bes = await Promise.all(WASM_BACKENDS.filter((b) => b.label.startsWith('wasm-')).map((b) => b.make()));
    const rows = 37, cols = 53;
    const x = fillRandom(rows * cols, 4, -1e3, 1e3);
    const first = run(bes[0], x, rows, cols, 0);
    for (const be of bes.slice(1)) expect([...run(be, x, rows, cols, 0)]).toEqual([...first]);
    // Sums start from +0, as in ref: a column of −0 sums to +0 (wide and narrow matrices, both axes).
    for (const be of [...bes, ref]) {
      for (const [r, c] of [[3, 20], [3, 5], [1, 17]]) {
        const z = new Float32Array(r * c).fill(-0);
        for (const axis of [0, 1] as const) expect(run(be, z, r, c, axis).every((v) => Object.is(v, 0)), `${be.variant} ${r}×${c} axis ${axis}`).toBe(true);
      }
    }
  });

  it('ref: hand-derived values', () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6]); // [[1, 2, 3], [4, 5, 6]]
    expect([...run(ref, x, 2, 3, 0)]).toEqual([5, 7, 9]);
    expect([...run(ref, x, 2, 3, 1)]).toEqual([6, 15]);
    expect([...run(ref, x, 0, 3, 0)]).toEqual([0, 0, 0]); // empty columns sum to 0
    // f64 accumulation: 2²⁴ + 1 + 1 is exact before the final rounding (f32 would lose both 1s).
    expect([...run(ref, Float32Array.from([2 ** 24, 1, 1]), 3, 1, 0)]).toEqual([2 ** 24 + 2]);
  });
});
