// unary: every op on every wasm build against ref (f64, rounded on store), at every size around
// the SIMD tile, over moderate and huge inputs, with NaN propagation; plus hand-derived ref values.
//
// Tolerance: |got − want| ≤ atol + rtol·|want| with
//   rtol = 4 ulp for the approximated ops (expf4 ≤ 1.3 ulp, logf4, log1pf4_01, tanhf4 measured ≤ 3 ulp;
//          Mathf ≤ 1 ulp plus the f32 intermediate roundings), 1 ulp for the exact ones;
//   atol = 1.2e−38 (FLT_MIN): subnormal results (exp(x < −87.3)) keep only a few bits.
import { describe, expect, it } from 'vitest';
import { UNARY_OPS, type UnaryOp } from '../../src/kernels.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { expectClose, sizeSweep } from '../harness/check_kernel.js';
import { RANGES, ULP, compareWithRef, fillRandom, ref, widen, withNaN } from './support.js';

const EXACT: UnaryOp[] = ['neg', 'abs', 'square', 'sqrt', 'relu'];
const tolOf = (op: UnaryOp) => ({ atol: 1.2e-38, rtol: (EXACT.includes(op) ? 1 : 4) * ULP });

describe('unary', () => {
  for (const { label, make } of WASM_BACKENDS) {
    it(`${label}: every op, n around the SIMD tile, |x| up to 1e4, in place`, async () => {
      const be = await make();
      for (const op of UNARY_OPS) {
        for (const n of sizeSweep(4)) {
          for (const [ri, [lo, hi]] of RANGES.entries()) {
            const x = fillRandom(n, 7 * n + ri, lo, hi);
            compareWithRef(`${label} ${op} n=${n} x∈[${lo},${hi})`, be, [x], [n], (b, [bx], [by]) => b.unary(op, bx, by, n), tolOf(op));
          }
        }
        // In place (the catalogue allows y = x).
        const x = fillRandom(37, 3, -10, 10);
        const bx = be.alloc(37, false), rx = ref.alloc(37, false);
        be.write(bx, x);
        ref.write(rx, x);
        be.unary(op, bx, bx, 37);
        ref.unary(op, rx, rx, 37);
        expectClose(`${label} ${op} in place`, be.read(bx), ref.read(rx), widen(be, tolOf(op)));
        be.resetScratch();
      }
    });

    it(`${label}: NaN propagates, ±Inf and ±0 edges match ref`, async () => {
      const be = await make();
      const edges = new Float32Array([NaN, Infinity, -Infinity, 0, -0, 88.72, 88.73, -87.3, -103.9, -104, 1e-45, -1e-45, 1e-40, 0.625, -0.625, 0.4142, 1e30, -1e30]);
      for (const op of UNARY_OPS) {
        for (const n of [1, 2, 3, 4, 5, 7, 9]) {
          const x = withNaN(fillRandom(n, n, -5, 5));
          compareWithRef(`${label} ${op} NaN n=${n}`, be, [x], [n], (b, [bx], [by]) => b.unary(op, bx, by, n), tolOf(op));
        }
        compareWithRef(`${label} ${op} edges`, be, [edges], [edges.length], (b, [bx], [by]) => b.unary(op, bx, by, edges.length), tolOf(op));
      }
    });
  }

  it('ref: hand-derived values', () => {
    const x = new Float32Array([0, 1, -1, 4, -80, 80]);
    const run = (op: UnaryOp) => {
      const bx = ref.alloc(x.length, false), by = ref.alloc(x.length, false);
      ref.write(bx, x);
      ref.unary(op, bx, by, x.length);
      return [...ref.read(by)];
    };
    const f = Math.fround;
    expect(run('neg')).toEqual([-0, -1, 1, -4, 80, -80]);
    expect(run('relu')).toEqual([0, 1, 0, 4, 0, 80]);
    expect(run('sqrt').slice(0, 2)).toEqual([0, 1]);
    expect(run('sqrt')[3]).toBe(2);
    // σ(0) = ½; σ(−80) = e⁻⁸⁰/(1+e⁻⁸⁰) ≈ 1.8049e−35 (no underflow to 0, no 1 − 1 cancellation).
    expect(run('sigmoid')[0]).toBe(0.5);
    expect(run('sigmoid')[4]).toBe(f(Math.exp(-80)));
    expect(run('sigmoid')[5]).toBe(1);
    // softplus(0) = ln 2; softplus(80) = 80 (+1.8e−35); softplus(−80) = e⁻⁸⁰.
    expect(run('softplus')[0]).toBe(f(Math.LN2));
    expect(run('softplus')[5]).toBe(80);
    expect(run('softplus')[4]).toBe(f(Math.exp(-80)));
    // tanh(1) = (e² − 1)/(e² + 1) = 0.7615941559557649.
    expect(run('tanh')[1]).toBe(f(0.7615941559557649));
    expect(run('exp')[1]).toBe(f(Math.E));
    expect(run('log')[1]).toBe(0);
    expect(run('log')[0]).toBe(-Infinity);
    expect(run('log')[2]).toBeNaN();
  });
});
