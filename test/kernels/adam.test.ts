// adam: one Adam step per call (bias corrections 1 − βᵗ), in place on p, m, v, on every wasm
// build against ref over steps t = 1…6 and then t = 1000, at every n around the SIMD tile; NaN
// gradients propagate; nothing written past n; ref by hand.
// Tolerances (gradients in [−2, 2]): m and v within 2⁻²¹ relative plus 2⁻²¹ and 2⁻²⁰ absolute (m
// can cancel to near 0 over the steps: its error scales with the terms, not with m); p within
// 2⁻²¹·|p| + 2⁻¹⁸·lr (the update itself is ~lr; the SIMD path computes it as step·m / (√v·r2 + ε)).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/backend.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { WASM_BACKENDS } from '../harness/backends.js';
import { fillRandom, sizeSweep } from '../harness/check_kernel.js';

const ref = createRefBackend();

interface Hyper {
  lr: number;
  b1: number;
  b2: number;
  eps: number;
}
const HYPERS: Hyper[] = [
  { lr: 1e-3, b1: 0.9, b2: 0.999, eps: 1e-8 },
  { lr: 0.05, b1: 0.5, b2: 0.9, eps: 1e-4 },
];

/** Runs steps t ∈ ts with fresh gradients; returns [p, m, v], each with `pad` canaries after n. */
function run(be: Backend, p0: Float32Array, gs: Float32Array[], ts: number[], h: Hyper, pad = 0): Float32Array[] {
  const n = p0.length;
  const fill = (a: ArrayLike<number>) => [...Array.from(a), ...new Array(pad).fill(777)];
  const [p, m, v, g] = [0, 1, 2, 3].map(() => be.alloc(n + pad, true));
  if (n + pad) {
    be.write(p, fill(p0));
    be.write(m, fill(new Float32Array(n)));
    be.write(v, fill(new Float32Array(n)));
  }
  ts.forEach((t, s) => {
    if (n + pad) be.write(g, fill(gs[s % gs.length]));
    be.adam(p, g, m, v, n, h.lr, h.b1, h.b2, h.eps, t);
  });
  const out = [p, m, v].map((b) => (n + pad ? Float32Array.from(be.read(b)) : new Float32Array(0)));
  for (const b of [p, m, v, g]) be.free(b);
  return out;
}

function expectNear(label: string, got: Float32Array, want: Float32Array, atol: number, rtol: number): void {
  for (let i = 0; i < want.length; i++) {
    const ok = Number.isNaN(want[i]) ? Number.isNaN(got[i]) : Math.abs(got[i] - want[i]) <= atol + rtol * Math.abs(want[i]);
    if (!ok) throw new Error(`${label}: [${i}] expected ${want[i]}, got ${got[i]} (|Δ| = ${Math.abs(got[i] - want[i])})`);
  }
}

describe('adam', () => {
  for (const { label, make } of WASM_BACKENDS) {
    const exact = label === 'wasm-scalar';
    it(`${label}: steps 1–6 then 1000, n around the tile${exact ? ', bitwise' : ''}; nothing past n`, async () => {
      const be = await make();
      for (const h of HYPERS) {
        for (const n of sizeSweep(4)) {
          const p0 = fillRandom(n, n, -1, 1);
          const gs = [1, 2, 3].map((s) => fillRandom(n, 7 * n + s, -2, 2));
          // Some tiny and zero gradients: v ≈ 0, where ε dominates the denominator.
          if (n > 2) {
            gs[0][1] = 0;
            gs[1][2] = 1e-12;
          }
          const ts = [1, 2, 3, 4, 5, 6, 1000];
          const [wp, wm, wv] = run(ref, p0, gs, ts, h);
          const [gp, gm, gv] = run(be, p0, gs, ts, h, 3);
          const tag = `${label} n=${n} lr=${h.lr}`;
          if (exact) {
            // The scalar build evaluates ref's formula in f64 (βᵗ by squaring instead of Math.pow).
            expect([...gp.subarray(0, n), ...gm.subarray(0, n), ...gv.subarray(0, n)], tag).toEqual([...wp, ...wm, ...wv]);
          }
          expectNear(`${tag} m`, gm.subarray(0, n), wm, 2 ** -21, 2 ** -21);
          expectNear(`${tag} v`, gv.subarray(0, n), wv, 2 ** -20, 2 ** -21);
          expectNear(`${tag} p`, gp.subarray(0, n), wp, 2 ** -18 * h.lr, 2 ** -21);
          expect([...gp.subarray(n), ...gm.subarray(n), ...gv.subarray(n)]).toEqual(new Array(9).fill(777));
        }
      }
    });

    it(`${label}: a NaN gradient reaches p, m and v of its element only`, async () => {
      const be = await make();
      const n = 10;
      const g = fillRandom(n, 5, -1, 1);
      g[4] = NaN;
      for (const out of run(be, fillRandom(n, 1, -1, 1), [g], [1], HYPERS[0])) expect([...out].map(Number.isNaN)).toEqual([...g].map(Number.isNaN));
    });
  }

  it('ref: hand-derived values', () => {
    // Step 1: m = (1−β1)g, v = (1−β2)g², so m̂ = g, v̂ = g² and p ← p − lr·g/(|g| + ε).
    const h = { lr: 0.1, b1: 0.9, b2: 0.999, eps: 1e-8 };
    const [p, m, v] = run(ref, Float32Array.from([1, 1]), [Float32Array.from([2, -0.5])], [1], h);
    expect(m[0]).toBe(Math.fround(0.1 * 2));
    expect(v[1]).toBe(Math.fround(0.001 * 0.25));
    expect(p[0]).toBeCloseTo(1 - 0.1, 6);
    expect(p[1]).toBeCloseTo(1 + 0.1, 6);
  });
});
