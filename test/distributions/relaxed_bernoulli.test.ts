import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { RelaxedBernoulli, RelaxedOneHotCategorical } from '../../src/distributions/index.js';
import { setBackend } from '../../src/engine.js';
import { ArgumentError, ShapeError } from '../../src/errors.js';
import { full, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { CHI2_9999, chi2, repeatRows, sigmoidJs } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

/** BinConcrete density on (0, 1), Maddison et al. 2017 Eq. 17, written out directly. */
function eq17(y: number, l: number, tau: number): number {
  const a = Math.exp(l);
  return (tau * a * y ** (-tau - 1) * (1 - y) ** (-tau - 1)) / (a * y ** -tau + (1 - y) ** -tau) ** 2;
}

describe('RelaxedBernoulli (BinConcrete)', () => {
  it('the logit-space density integrates to 1 on the real line', () => {
    for (const [l, tau] of [[-2, 0.3], [0.7, 1], [0, 2]]) {
      const h = 0.01, half = 60 / tau, xs = Array.from({ length: Math.round((2 * half) / h) }, (_, i) => -half + (i + 0.5) * h);
      const d = new RelaxedBernoulli(full([xs.length, 1], l), tau);
      const lp = d.logProbLogitUnits(tensor(xs, [xs.length, 1])).data();
      expect(Array.from(lp).reduce((s, v) => s + Math.exp(v) * h, 0)).toBeCloseTo(1, 6);
    }
  });

  it('the density on (0, 1) integrates to 1 and matches Eq. 17 of Maddison et al.', () => {
    const n = 20000, ys = Array.from({ length: n }, (_, i) => (i + 0.5) / n);
    const lp = new RelaxedBernoulli(full([n, 1], 0.8), 1).logProbUnits(tensor(ys, [n, 1])).data();
    expect(Array.from(lp).reduce((s, v) => s + Math.exp(v) / n, 0)).toBeCloseTo(1, 6);
    for (const [l, tau] of [[0.8, 0.5], [-1.2, 1], [2, 3]]) {
      const pts = [0.01, 0.2, 0.5, 0.77, 0.999];
      const got = new RelaxedBernoulli(full([pts.length, 1], l), tau).logProbUnits(tensor(pts, [pts.length, 1])).data();
      pts.forEach((y, i) => expect(got[i]).toBeCloseTo(Math.log(eq17(y, l, tau)), 9));
    }
  });

  it('equals the two-class Concrete on logits (ℓ, 0)', () => {
    const ys = [0.1, 0.45, 0.9], l = 0.6, tau = 0.7;
    const bin = new RelaxedBernoulli(full([3, 1], l), tau).logProbUnits(tensor(ys, [3, 1])).data();
    const cat = new RelaxedOneHotCategorical(tensor(repeatRows([l, 0], 3), [3, 2]), tau, 2).logProbUnits(tensor(ys.flatMap((y) => [y, 1 - y]), [3, 2])).data();
    ys.forEach((_, i) => expect(bin[i]).toBeCloseTo(cat[i], 10));
  });

  it('the hard sample of a key is [ℓ + L > 0] of the same noise, with frequency σ(ℓ)', () => {
    const n = 20000, l = 0.4;
    const d = new RelaxedBernoulli(full([n, 1], l), 0.5);
    const { hard, soft } = d.sampleWithHard(key(5));
    const x = d.sampleLogit(key(5)).data(), h = hard.data(), y = soft.data();
    let ones = 0, mismatch = 0;
    for (let i = 0; i < n; i++) {
      ones += h[i];
      if (h[i] !== (x[i] > 0 ? 1 : 0) || (y[i] > 0.5) !== (h[i] === 1)) mismatch++;
    }
    expect(mismatch).toBe(0);
    expect(chi2([ones, n - ones], [sigmoidJs(l), 1 - sigmoidJs(l)], n)).toBeLessThan(CHI2_9999[1]);
  });

  it('τ must be finite and > 0, as a number or per row', () => {
    const l = tensor([0.1, 0.2], [2, 1]);
    for (const tau of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => new RelaxedBernoulli(l, tau)).toThrow(/tau must be/);
    expect(() => new RelaxedBernoulli(l, tensor([1, 0], [2, 1]))).toThrow(ArgumentError);
    expect(() => new RelaxedBernoulli(l, tensor([1, 1, 1], [3]))).toThrow(ShapeError);
    // Per-row τ equals the scalar τ row by row.
    const d = new RelaxedBernoulli(l, tensor([0.5, 2], [2]));
    const a = new RelaxedBernoulli(l, 0.5).sample(key(1)).data(), b = new RelaxedBernoulli(l, 2).sample(key(1)).data();
    expect(Array.from(d.sample(key(1)).data())).toEqual([a[0], b[1]]);
  });
});
