import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { RelaxedOneHotCategorical } from '../../src/distributions/index.js';
import { setBackend } from '../../src/engine.js';
import { ArgumentError } from '../../src/errors.js';
import { tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { CHI2_9999, chi2, repeatRows, softmaxJs } from './helpers.js';

const f64 = createRefBackend({ f64: true });
beforeAll(() => setBackend(f64));

/** Jang et al. 2017 Eq. 3, written out directly (no logs): Γ(k)·τ^(k−1)·(Σ π_i/y_i^τ)^(−k)·Π π_i/y_i^(τ+1). */
function eq3(y: number[], l: number[], tau: number): number {
  const k = y.length, pi = l.map(Math.exp);
  let gamma = 1;
  for (let i = 2; i < k; i++) gamma *= i;
  const s = pi.reduce((a, p, i) => a + p / y[i] ** tau, 0);
  return gamma * tau ** (k - 1) * s ** -k * pi.reduce((a, p, i) => a * (p / y[i] ** (tau + 1)), 1);
}

const logSoftmaxJs = (u: number[]) => { const p = softmaxJs(u); return p.map(Math.log); };

describe('RelaxedOneHotCategorical (Concrete / ExpConcrete)', () => {
  it('the ExpConcrete density integrates to 1 over the additive-logistic coordinates (k = 2 and 3)', () => {
    // k = 2: u ∈ ℝ, x = log_softmax([u, 0]).
    for (const tau of [0.5, 1, 2]) {
      const h = 0.02, half = 50 / tau, us = Array.from({ length: Math.round((2 * half) / h) }, (_, i) => -half + (i + 0.5) * h);
      const lp = new RelaxedOneHotCategorical(tensor(repeatRows([0.3, -0.5], us.length), [us.length, 2]), tau, 2)
        .logProbLog(tensor(us.flatMap((u) => logSoftmaxJs([u, 0])), [us.length, 2])).data();
      expect(Array.from(lp).reduce((s, v) => s + Math.exp(v) * h, 0)).toBeCloseTo(1, 5);
    }
    // k = 3: (u1, u2) ∈ ℝ², x = log_softmax([u1, u2, 0]).
    const h = 0.1, half = 25, m = Math.round((2 * half) / h), xs: number[] = [];
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) xs.push(...logSoftmaxJs([-half + (i + 0.5) * h, -half + (j + 0.5) * h, 0]));
    const lp = new RelaxedOneHotCategorical(tensor(repeatRows([0.5, -1, 0.2], m * m), [m * m, 3]), 1, 3).logProbLog(tensor(xs, [m * m, 3])).data();
    expect(Array.from(lp).reduce((s, v) => s + Math.exp(v) * h * h, 0)).toBeCloseTo(1, 3);
  });

  it('the density on the simplex integrates to 1 (k = 2 on (0, 1), k = 3 on the triangle)', () => {
    const n = 20000, ys = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const lp2 = new RelaxedOneHotCategorical(tensor(repeatRows([0.9, 0], n), [n, 2]), 1, 2).logProb(tensor(ys.flatMap((y) => [y, 1 - y]), [n, 2])).data();
    expect(Array.from(lp2).reduce((s, v) => s + Math.exp(v) / n, 0)).toBeCloseTo(1, 6);
    const g = 400, pts: number[] = [];
    for (let i = 0; i < g; i++) for (let j = 0; j < g; j++) {
      const a = (i + 0.5) / g, b = (j + 0.5) / g;
      if (a + b < 1) pts.push(a, b, 1 - a - b);
    }
    const rows = pts.length / 3;
    const lp3 = new RelaxedOneHotCategorical(tensor(repeatRows([0.5, -1, 0.2], rows), [rows, 3]), 2, 3).logProb(tensor(pts, [rows, 3])).data();
    expect(Array.from(lp3).reduce((s, v) => s + Math.exp(v) / (g * g), 0)).toBeCloseTo(1, 3);
  });

  it("matches Jang's Eq. 3 computed independently", () => {
    const cases: [number[], number[], number][] = [
      [[0.2, 0.5, 0.3], [0.1, -0.7, 1.2], 0.5],
      [[0.05, 0.15, 0.6, 0.1, 0.1], [0, 1, -1, 0.5, 2], 1],
      [[0.7, 0.3], [1.5, -0.5], 2.5],
    ];
    for (const [y, l, tau] of cases) {
      const got = new RelaxedOneHotCategorical(tensor(l, [1, l.length]), tau).logProb(tensor(y, [1, y.length])).item();
      expect(got).toBeCloseTo(Math.log(eq3(y, l, tau)), 9);
    }
  });

  it('stays finite at τ = 0.1 with 100 classes, where softmax-then-log underflows', () => {
    const f32 = createRefBackend();
    const k = 100, l = Array.from({ length: 4 * k }, (_, i) => Math.sin(i) * 3);
    const d32 = new RelaxedOneHotCategorical(tensor(l, [4, k], { backend: f32 }), 0.1);
    const x = d32.sampleLog(key(11));
    const ours = d32.logProbLog(x).data();
    expect(ours.every(Number.isFinite)).toBe(true);
    // The naive route: y = softmax((ℓ + g)/τ) in f32, then Eq. 3's log: exact zeros make it −∞ or NaN.
    const y = d32.sample(key(11)).data();
    expect(y.some((v) => v === 0)).toBe(true);
    const naive = d32.logProb(tensor(y, [4, k], { backend: f32 })).data();
    expect(naive.some((v) => !Number.isFinite(v))).toBe(true);
    // And the f32 log-space value agrees with f64 on the same noise.
    const d64 = new RelaxedOneHotCategorical(tensor(l, [4, k]), 0.1);
    const ref = d64.logProbLog(d64.sampleLog(key(11))).data();
    ours.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-3 * (1 + Math.abs(ref[i]))));
  });

  it('hard samples are exactly one-hot, equal to argmax of the soft sample, with frequencies softmax(ℓ)', () => {
    const n = 20000, l = [0.5, -1, 1.5, 0];
    for (const tau of [0.1, 1, 5]) {
      const { hard, soft } = new RelaxedOneHotCategorical(tensor(repeatRows(l, n), [n, 4]), tau).sampleWithHard(key(4));
      const h = hard.data(), y = soft.data(), counts = [0, 0, 0, 0];
      let bad = 0;
      for (let i = 0; i < n; i++) {
        const row = Array.from(h.subarray(i * 4, i * 4 + 4)), yr = Array.from(y.subarray(i * 4, i * 4 + 4));
        const j = row.indexOf(1);
        if (row.some((v) => v !== 0 && v !== 1) || Array.from(row).reduce((a, b) => a + b) !== 1 || yr.indexOf(Math.max(...yr)) !== j) bad++;
        counts[j]++;
      }
      expect(bad).toBe(0);
      expect(chi2(counts, softmaxJs(l), n)).toBeLessThan(CHI2_9999[3]);
    }
  });

  it('τ must be finite and > 0; a per-row τ equals the scalar τ row by row', () => {
    const l = tensor([0.1, 0.2, 0.3, 0.4, -1, 0], [2, 3]);
    for (const tau of [0, -0.5, Number.NaN, Number.NEGATIVE_INFINITY]) expect(() => new RelaxedOneHotCategorical(l, tau)).toThrow(/tau must be/);
    expect(() => new RelaxedOneHotCategorical(l, tensor([1, Number.NaN], [2, 1]))).toThrow(ArgumentError);
    const x = tensor([-1, -2, -0.5, -0.3, -3, -1.5], [2, 3]);
    const both = new RelaxedOneHotCategorical(l, tensor([0.5, 2], [2, 1])).logProbLog(x).data();
    expect(both[0]).toBeCloseTo(new RelaxedOneHotCategorical(l, 0.5).logProbLog(x).data()[0], 12);
    expect(both[1]).toBeCloseTo(new RelaxedOneHotCategorical(l, 2).logProbLog(x).data()[1], 12);
  });
});
