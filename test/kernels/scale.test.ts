// scale: y = alpha·x + beta on every wasm build against ref, at every n around the SIMD tile (4)
// and the unrolled body (8), in place, NaN/±Inf propagation, nothing written past n; ref by hand.
// The scalar build computes in f64 like ref (bitwise); the SIMD builds round alpha and beta to f32
// and use one FMA: |Δ| ≤ 2⁻²²·(|alpha·x| + |beta|).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom, sizeSweep } from '../harness/check_kernel.js';

const ref = createRefBackend();
const PARAMS: [number, number][] = [[2, 0], [0.1, -0.3], [-1.5, 1000], [1e-3, 1e-7], [0, 0]];

function run(be: Backend, x: Float32Array, alpha: number, beta: number, inPlace = false, pad = 0): Float32Array {
  const n = x.length;
  const bx = be.alloc(n + pad, false);
  if (n + pad) be.write(bx, [...x, ...new Array(pad).fill(777)]);
  const by = inPlace ? bx : be.alloc(n + pad, false);
  if (!inPlace && n + pad) be.write(by, new Float32Array(n + pad).fill(777));
  be.scale(bx, by, n, alpha, beta);
  const out = n + pad ? Float32Array.from(be.read(by)) : new Float32Array(0);
  be.resetScratch();
  return out;
}

function expectScaled(label: string, got: Float32Array, want: Float32Array, x: Float32Array, alpha: number, beta: number, exact: boolean): void {
  for (let i = 0; i < want.length; i++) {
    const tol = exact ? 0 : 2 ** -22 * (Math.abs(alpha * x[i]) + Math.abs(beta)) + 1e-45;
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : got[i] === want[i] || Math.abs(got[i] - want[i]) <= tol;
    if (!ok) throw new Error(`${label}: [${i}] x = ${x[i]}: expected ${want[i]}, got ${got[i]}`);
  }
}

describe('scale', () => {
  for (const { label, make } of WASM_BACKENDS) {
    const exact = label === 'wasm-scalar';
    it(`${label}: n around the tile, several (alpha, beta)${exact ? ', bitwise' : ''}; in place; nothing past n`, async () => {
      const be = await make();
      for (const [alpha, beta] of PARAMS) {
        for (const n of sizeSweep(8)) {
          const x = fillRandom(n, n + 1, -10, 10);
          const want = run(ref, x, alpha, beta);
          const got = run(be, x, alpha, beta, false, 5);
          expectScaled(`${label} n=${n} alpha=${alpha} beta=${beta}`, got.subarray(0, n), want, x, alpha, beta, exact);
          expect([...got.subarray(n)]).toEqual([777, 777, 777, 777, 777]);
          expectScaled(`${label} in place n=${n}`, run(be, x, alpha, beta, true), want, x, alpha, beta, exact);
        }
      }
    });

    it(`${label}: NaN and ±Inf propagate`, async () => {
      const be = await make();
      const x = Float32Array.from([NaN, Infinity, -Infinity, 0, -0, 1, NaN, 3, 4]);
      const got = run(be, x, 2, 1);
      expectScaled(`${label} specials`, got, run(ref, x, 2, 1), x, 2, 1, false);
      expect([Number.isNaN(got[0]), got[1], got[2], Number.isNaN(got[6])]).toEqual([true, Infinity, -Infinity, true]);
    });
  }

  it('ref: hand-derived values', () => {
    expect([...run(ref, Float32Array.from([1, 2, -3]), 2, 1)]).toEqual([3, 5, -5]);
    expect([...run(ref, Float32Array.from([4]), -0.5, 0)]).toEqual([-2]);
  });
});
