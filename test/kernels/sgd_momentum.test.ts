// sgd_momentum: v ← μ·v + g; p ← p − lr·v, in place, on every wasm build against ref over several
// steps, at every n around the SIMD tile; NaN gradients propagate; nothing written past n; ref by
// hand. The scalar build computes in f64 like ref (bitwise); the SIMD builds use f32 FMAs:
// |Δ| ≤ 2⁻²⁰·(scale of the terms).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom, sizeSweep } from '../harness/check_kernel.js';

const ref = createRefBackend();

/** `steps` updates with fresh gradients; returns [p, v] (each with `pad` canaries after n). */
function run(be: Backend, p0: Float32Array, v0: Float32Array, gs: Float32Array[], lr: number, mu: number, pad = 0): [Float32Array, Float32Array] {
  const n = p0.length;
  const fill = (a: Float32Array) => [...a, ...new Array(pad).fill(777)];
  const p = be.alloc(n + pad, true), v = be.alloc(n + pad, true), g = be.alloc(n + pad, true);
  if (n + pad) {
    be.write(p, fill(p0));
    be.write(v, fill(v0));
  }
  for (const gi of gs) {
    if (n + pad) be.write(g, fill(gi));
    be.sgd_momentum(p, g, v, n, lr, mu);
  }
  const out: [Float32Array, Float32Array] = n + pad ? [Float32Array.from(be.read(p)), Float32Array.from(be.read(v))] : [new Float32Array(0), new Float32Array(0)];
  for (const b of [p, v, g]) be.free(b);
  return out;
}

function expectClose(label: string, got: Float32Array, want: Float32Array, scale: number, exact: boolean): void {
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : exact ? got[i] === want[i] : Math.abs(got[i] - want[i]) <= 2 ** -20 * (Math.abs(want[i]) + scale);
    if (!ok) throw new Error(`${label}: [${i}] expected ${want[i]}, got ${got[i]}`);
  }
}

describe('sgd_momentum', () => {
  for (const { label, make } of WASM_BACKENDS) {
    const exact = label === 'wasm-scalar';
    it(`${label}: 4 steps, n around the tile${exact ? ', bitwise' : ''}; nothing past n`, async () => {
      const be = await make();
      for (const [lr, mu] of [[0.1, 0.9], [1e-3, 0.99], [0.5, 0]]) {
        for (const n of sizeSweep(4)) {
          const p0 = fillRandom(n, n, -1, 1), v0 = fillRandom(n, n + 1, -0.5, 0.5);
          const gs = [1, 2, 3, 4].map((s) => fillRandom(n, 10 * n + s, -2, 2));
          const [wp, wv] = run(ref, p0, v0, gs, lr, mu);
          const [gp, gv] = run(be, p0, v0, gs, lr, mu, 3);
          expectClose(`${label} v n=${n} lr=${lr} mu=${mu}`, gv.subarray(0, n), wv, 8, exact);
          expectClose(`${label} p n=${n} lr=${lr} mu=${mu}`, gp.subarray(0, n), wp, 1 + 8 * lr, exact);
          expect([...gp.subarray(n), ...gv.subarray(n)]).toEqual([777, 777, 777, 777, 777, 777]);
        }
      }
    });

    it(`${label}: a NaN gradient reaches v and p of its element only`, async () => {
      const be = await make();
      const n = 11;
      const g = fillRandom(n, 3, -1, 1);
      g[9] = NaN;
      const [p, v] = run(be, fillRandom(n, 1, -1, 1), fillRandom(n, 2, -1, 1), [g], 0.1, 0.9);
      expect([...p].map(Number.isNaN)).toEqual([...g].map(Number.isNaN));
      expect([...v].map(Number.isNaN)).toEqual([...g].map(Number.isNaN));
    });
  }

  it('ref: hand-derived values', () => {
    // v = 0.9·0.5 + 2 = 2.45;  p = 1 − 0.1·2.45 = 0.755.
    const [p, v] = run(ref, Float32Array.from([1]), Float32Array.from([0.5]), [Float32Array.from([2])], 0.1, 0.9);
    expect(v[0]).toBe(Math.fround(2.45));
    expect(p[0]).toBe(Math.fround(1 - 0.1 * Math.fround(2.45)));
  });
});
