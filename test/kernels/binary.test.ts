// binary: every op × every broadcast mode on every wasm build against ref, bitwise (each op is one
// correctly rounded IEEE operation, so f32 lanes and ref's f64-then-round agree exactly), over
// shapes around the SIMD tile; in place; NaN propagation (max/min too) and ±0; ref by hand.
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { BINARY_OPS, Bcast, type BinaryOp } from '../../src/kernels.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom } from '../harness/check_kernel.js';

const ref = createRefBackend();
const MODES: [string, Bcast][] = [['none', Bcast.None], ['row', Bcast.Row], ['col', Bcast.Col], ['scalar', Bcast.Scalar]];
const ROWS = [0, 1, 2, 3, 5];
const COLS = [0, 1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 33];

const bLength = (bc: Bcast, rows: number, cols: number) => (bc === Bcast.None ? rows * cols : bc === Bcast.Row ? cols : bc === Bcast.Col ? rows : 1);

/** Runs binary; `pad` canary elements follow y. inPlace writes into a's buffer. */
function run(be: Backend, op: BinaryOp, a: Float32Array, b: Float32Array, rows: number, cols: number, bc: Bcast, inPlace = false, pad = 0): Float32Array {
  const n = rows * cols;
  const ba = be.alloc(n + pad, false), bb = be.alloc(b.length, false);
  be.write(ba, [...a, ...new Array(pad).fill(777)]);
  if (b.length) be.write(bb, b);
  const by = inPlace ? ba : be.alloc(n + pad, false);
  if (!inPlace && n + pad) be.write(by, new Float32Array(n + pad).fill(777));
  be.binary(op, ba, bb, by, rows, cols, bc);
  const out = n + pad ? Float32Array.from(be.read(by)) : new Float32Array(0);
  be.resetScratch();
  return out;
}

/** Same bits, or both NaN (NaN payloads are not specified); with signedZero false, −0 and +0 match. */
function expectSame(label: string, got: Float32Array, want: Float32Array, signedZero = true): void {
  expect(got.length, `${label}: length`).toBe(want.length);
  const g = new Uint32Array(got.buffer, got.byteOffset, got.length), w = new Uint32Array(want.buffer, want.byteOffset, want.length);
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : g[i] === w[i] || (!signedZero && got[i] === want[i]);
    if (!ok) throw new Error(`${label}: [${i}] expected ${want[i]}, got ${got[i]}`);
  }
}

describe('binary', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: every op and broadcast mode, bitwise equal to ref; nothing past n`, async () => {
      const be = await make();
      for (const op of BINARY_OPS) {
        for (const [mode, bc] of MODES) {
          for (const rows of ROWS) {
            for (const cols of COLS) {
              const n = rows * cols;
              const a = fillRandom(n, 3 * n + rows, -4, 4);
              // Nonzero divisors away from 0 keep div finite; div by 0 is checked separately.
              const b = fillRandom(bLength(bc, rows, cols), 5 * n + cols, 0.5, 3).map((v, i) => (i % 3 === 1 ? -v : v));
              const want = run(ref, op, a, b, rows, cols, bc);
              const got = run(be, op, a, b, rows, cols, bc, false, 8);
              expectSame(`${label} ${op} ${mode} ${rows}×${cols}`, got.subarray(0, n), want);
              expect([...got.subarray(n)], `${label} ${op} ${mode} ${rows}×${cols}: past n`).toEqual(new Array(8).fill(777));
            }
          }
        }
      }
    });

    it(`${label}: in place (y = a)`, async () => {
      const be = await make();
      for (const op of BINARY_OPS) {
        for (const [mode, bc] of MODES) {
          const rows = 3, cols = 13;
          const a = fillRandom(rows * cols, 1, -2, 2), b = fillRandom(bLength(bc, rows, cols), 2, 1, 2);
          expectSame(`${label} ${op} ${mode} in place`, run(be, op, a, b, rows, cols, bc, true), run(ref, op, a, b, rows, cols, bc));
        }
      }
    });

    // tfjs-backend-wasm's max/min (XNNPACK) do not order −0 below +0; our kernels and ref do.
    const signedZero = label.startsWith('wasm-');
    it(`${label}: NaN propagates (max and min too), ±Inf, ±0${signedZero ? '' : ' (sign of zero not compared)'} and division by zero match ref`, async () => {
      const be = await make();
      const A = [NaN, 1, -1, 0, -0, Infinity, -Infinity, 2, 0, -0, NaN, 3, 5, -0, 0, 1, 4, NaN];
      const B = [1, NaN, NaN, -0, 0, -Infinity, Infinity, 0, 0, -0, NaN, -0, Infinity, -0, -0, -Infinity, NaN, 0];
      const a = Float32Array.from(A), b = Float32Array.from(B);
      for (const op of BINARY_OPS) {
        const got = run(be, op, a, b, 1, a.length, Bcast.None);
        expectSame(`${label} ${op} specials`, got, run(ref, op, a, b, 1, a.length, Bcast.None), signedZero);
        if (op === 'max' || op === 'min') {
          for (let i = 0; i < A.length; i++) if (Number.isNaN(A[i]) || Number.isNaN(B[i])) expect(Number.isNaN(got[i]), `${op} NaN at ${i}`).toBe(true);
        }
        // A NaN broadcast from b (row, column, scalar) reaches every element it touches.
        for (const [mode, bc] of MODES.slice(1)) {
          const rows = 3, cols = 9;
          const bb = fillRandom(bLength(bc, rows, cols), 4, 1, 2);
          bb[bb.length - 1] = NaN;
          const aa = fillRandom(rows * cols, 5, -1, 1);
          expectSame(`${label} ${op} ${mode} NaN in b`, run(be, op, aa, bb, rows, cols, bc), run(ref, op, aa, bb, rows, cols, bc));
        }
      }
    });
  }

  it('ref: hand-derived values', () => {
    const a = Float32Array.from([1, 2, 3, 4]); // [[1, 2], [3, 4]]
    const b = Float32Array.from([10, 20]);
    expect([...run(ref, 'add', a, b, 2, 2, Bcast.Row)]).toEqual([11, 22, 13, 24]);
    expect([...run(ref, 'add', a, b, 2, 2, Bcast.Col)]).toEqual([11, 12, 23, 24]);
    expect([...run(ref, 'sub', a, Float32Array.from([1]), 2, 2, Bcast.Scalar)]).toEqual([0, 1, 2, 3]);
    expect([...run(ref, 'mul', a, Float32Array.from([2, 0, -1, 0.5]), 2, 2, Bcast.None)]).toEqual([2, 0, -3, 2]);
    expect([...run(ref, 'div', a, Float32Array.from([0]), 2, 2, Bcast.Scalar)]).toEqual([Infinity, Infinity, Infinity, Infinity]);
    expect([...run(ref, 'max', Float32Array.from([1, NaN, -0]), Float32Array.from([NaN, 1, 0]), 1, 3, Bcast.None)]).toEqual([NaN, NaN, 0]);
    expect(Object.is(run(ref, 'min', Float32Array.from([0]), Float32Array.from([-0]), 1, 1, Bcast.None)[0], -0)).toBe(true);
  });
});
