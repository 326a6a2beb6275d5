// unary_grad: every op on every wasm build against ref, sizes around the SIMD tile, x up to ±1e4,
// y = ref f(x) (the saved forward output), NaN propagation; plus hand-derived ref values.
//
// Tolerance: atol 1e−30 + 4 ulp relative. Every formula is one to three f32 roundings of exact
// inputs, except softplus (σ through expf4: ≤ 2.6 ulp) and tanh ((1 − y)(1 + y): 1 − y is exact
// near |y| = 1, so no cancellation).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import type { Buf } from '../../src/kernels.js';
import { UNARY_OPS, type UnaryOp } from '../../src/kernels.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { sizeSweep } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, fillRandom, ref, withNaN } from './support.js';

const TOL = { atol: 1e-30, rtol: 4 * ULP };

/** y = f(x) from ref, rounded to f32 like a saved activation. */
function forward(op: UnaryOp, x: Float32Array): Float32Array {
  const bx = ref.alloc(x.length, false), by = ref.alloc(x.length, false);
  if (x.length) ref.write(bx, x);
  ref.unary(op, bx, by, x.length);
  return Float32Array.from(x.length ? ref.read(by) : []);
}

const call = (op: UnaryOp, n: number) => (b: Backend, [x, y, dy]: Buf[], [dx]: Buf[]) =>
  b.unary_grad(op, x, y, dy, dx, n);

describe('unary_grad', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: every op, n around the SIMD tile, |x| up to 1e4`, async () => {
      const be = await make();
      for (const op of UNARY_OPS) {
        for (const n of sizeSweep(4)) {
          for (const [ri, [lo, hi]] of RANGES.entries()) {
            const x = fillRandom(n, 11 * n + ri, lo, hi), dy = fillRandom(n, 13 * n + ri, -2, 2);
            compareWithRef(`${label} ${op}′ n=${n} x∈[${lo},${hi})`, be, [x, forward(op, x), dy], [n], call(op, n), TOL);
          }
        }
      }
    });

    it(`${label}: NaN in x, y or dy propagates; x = ±0, ±Inf match ref`, async () => {
      const be = await make();
      for (const op of UNARY_OPS) {
        for (const n of [1, 3, 4, 5, 9]) {
          const x = fillRandom(n, n, -3, 3), dy = fillRandom(n, n + 1, -2, 2);
          compareWithRef(`${label} ${op}′ NaN x n=${n}`, be, [withNaN(x), forward(op, withNaN(x)), dy], [n], call(op, n), TOL);
          compareWithRef(`${label} ${op}′ NaN dy n=${n}`, be, [x, forward(op, x), withNaN(dy)], [n], call(op, n), TOL);
        }
        const x = new Float32Array([0, -0, Infinity, -Infinity, 1e-40, -1e-40, 88, -88]);
        compareWithRef(`${label} ${op}′ edges`, be, [x, forward(op, x), fillRandom(x.length, 5, 0.5, 2)], [x.length], call(op, x.length), TOL);
      }
    });
  }

  it('ref: hand-derived values', () => {
    const x = new Float32Array([0, 2, -2]);
    const dy = new Float32Array([1, 1, 1]);
    const run = (op: UnaryOp) => {
      const bx = ref.alloc(3, false), by = ref.alloc(3, false), bg = ref.alloc(3, false), bd = ref.alloc(3, false);
      ref.write(bx, x);
      ref.write(bg, dy);
      ref.unary(op, bx, by, 3);
      ref.unary_grad(op, bx, by, bg, bd, 3);
      return [...ref.read(bd)];
    };
    const f = Math.fround;
    expect(run('abs')).toEqual([0, 1, -1]); // sign(x), 0 at 0
    expect(run('relu')).toEqual([0, 1, 0]);
    expect(run('square')).toEqual([0, 4, -4]); // 2x
    expect(run('sqrt')[1]).toBe(f(1 / (2 * Math.fround(Math.SQRT2)))); // 1/(2√x)
    expect(run('sigmoid')[0]).toBe(0.25); // σ(0)(1 − σ(0))
    expect(run('tanh')[0]).toBe(1); // 1 − tanh²0
    expect(run('softplus')[0]).toBe(0.5); // σ(0)
    expect(run('exp')[1]).toBe(f(Math.exp(2)));
    expect(run('log')[1]).toBe(0.5); // 1/x
  });
});
