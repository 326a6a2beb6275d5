// The one-evaluation successors of ST Gumbel-Softmax (reinmax, zgr, gst, decoupled_st, gumbel_rao)
// are biased; each is checked against its expectation in closed form (plain JS sums over the sample)
// or against the estimator whose expectation it shares, within 4 standard errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, type GradientStats, gradientStats, smallNetwork, singleLayer, twoLayerCategoricalProblem, twoLayerProblem } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { type CreateOptions, createEstimator } from '../../src/estimators/index.js';
import { key } from '../../src/random/key.js';
import { BERN, CAT4, expectBiased, expectMeanNear, linearProblem, quadraticProblem, sigmoid, softmax, softmaxVjp } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

const THETA = [0.4, -0.9, 1.3], W = [1, -2, 0.5];
const THETA4 = [0.5, -0.2, 1, -1.1], W4 = [1, -2, 0.5, 1.5];
const run = (name: string, p: Parameters<typeof gradientStats>[1], tau = 1, opts: CreateOptions = {}, samples = 20000) =>
  gradientStats(createEstimator(name, opts), p, { samples, batch: 2000, key: key(41), opts: { tau, slope: 1 } });
const e = (c: number, k: number) => Array.from({ length: k }, (_, j) => (j === c ? 1 : 0));
/** Σ_c p_c·v_c for vectors v_c. */
const expectOver = (p: number[], v: (c: number) => number[]) => p.reduce((acc, pc, c) => acc.map((a, j) => a + pc * v(c)[j]), p.map(() => 0));
/** Bernoulli: Σ_b p(b)·v(b) per unit. */
const expectBern = (theta: number[], v: (b: number, j: number) => number) => theta.map((l, j) => sigmoid(l) * v(1, j) + (1 - sigmoid(l)) * v(0, j));
/** Every coordinate of a and b within 4 standard errors of their difference (independent-sample bound). */
function expectSameMean(a: GradientStats, b: GradientStats): void {
  a.mean.forEach((m, j) => expect(Math.abs(m - b.mean[j]), `${a.estimator} vs ${b.estimator} on ${a.problem}, ${j}`).toBeLessThanOrEqual(4 * Math.hypot(a.stderr[j], b.stderr[j]) + 1e-12));
}

describe('reinmax', () => {
  for (const tau of [1, 2]) {
    it(`for linear f its expectation is Σ_D π_D·2J(½(softmax(θ/τ) + D))ᵀw − ½J(π)ᵀw (τ = ${tau})`, () => {
      const cat = run('reinmax', linearProblem(CAT4, THETA4, W4), tau), p0 = softmax(THETA4), s = softmax(THETA4.map((l) => l / tau));
      const want = expectOver(p0, (c) => softmaxVjp(s.map((v, j) => (v + e(c, 4)[j]) / 2), W4).map((g) => 2 * g));
      expectMeanNear(cat, want.map((g, j) => g - 0.5 * softmaxVjp(p0, W4)[j]));
      const bern = run('reinmax', linearProblem(BERN, THETA, W), tau);
      const p1 = (b: number, j: number) => (sigmoid(THETA[j] / tau) + b) / 2;
      expectMeanNear(bern, expectBern(THETA, (b, j) => (2 * p1(b, j) * (1 - p1(b, j)) - 0.5 * sigmoid(THETA[j]) * (1 - sigmoid(THETA[j]))) * W[j]));
      // At τ = 1 Heun's step is exact for linear f on Bernoulli units (E[2p₁(1 − p₁)] = 1.5σ′); ST's is too, GST's is not.
      if (tau === 1) expectMeanNear(bern, bern.exact);
      else expectBiased(bern);
    });
  }

  it('at τ = 1 equals zgr sample by sample (2J(½(p + D)) − ½J(p) = ½J(p) + ½(D − p)(D − p)ᵀ for one-hot D)', () => {
    for (const p of [categoricalProblem(), twoLayerCategoricalProblem(), bernoulliProblem()]) {
      const r = run('reinmax', p, 1, {}, 4000), z = run('zgr', p, 1, {}, 4000);
      r.mean.forEach((m, j) => expect(m).toBeCloseTo(z.mean[j], 10));
      r.variance.forEach((v, j) => expect(v).toBeCloseTo(z.variance[j], 10));
    }
    const r2 = run('reinmax', categoricalProblem(), 2, {}, 4000), z2 = run('zgr', categoricalProblem(), 1, {}, 4000);
    expect(Math.max(...r2.mean.map((m, j) => Math.abs(m - z2.mean[j])))).toBeGreaterThan(1e-4);
  });

  it('rejects τ < 1, naming tau', () => {
    expect(() => run('reinmax', bernoulliProblem(), 0.5, {}, 10)).toThrow(/reinmax: tau must be a finite number >= 1, found 0.5/);
  });
});

describe('zgr', () => {
  it('for one layer of Bernoulli units equals darn without C and VN, sample by sample', () => {
    // (With two layers they differ: darn passes f′ through later layers by their means, zgr by its own surrogate.)
    for (const p of [bernoulliProblem(), quadraticProblem(BERN, THETA, W, 0.3)]) {
      const z = run('zgr', p, 1, {}, 4000), d = run('darn', p, 1, { centre: false, normalise: false }, 4000);
      z.mean.forEach((m, j) => expect(m).toBeCloseTo(d.mean[j], 10));
      z.variance.forEach((v, j) => expect(v).toBeCloseTo(d.variance[j], 10));
    }
  });

  it('for categorical z its expectation is the mean of ST’s and the DARN term’s: ½(J(p)ᵀE f′(D) + Σ_c p_c⟨e_c − p, f′(e_c)⟩(e_c − p))', () => {
    const t = 0.3, s = run('zgr', quadraticProblem(CAT4, THETA4, W4, t)), p = softmax(THETA4);
    const m = W4.reduce((a, w, j) => a + w * p[j], 0);
    const st = softmaxVjp(p, W4.map((w) => 2 * (m - t) * w));
    const darn = expectOver(p, (c) => e(c, 4).map((v, j) => (v - p[j]) * 2 * (W4[c] - t) * (W4[c] - m)));
    expectMeanNear(s, st.map((g, j) => (g + darn[j]) / 2));
  });
});

describe('gst', () => {
  const adaptiveGap = (p: number) => -Math.log(1 - p * (1 - 1e-5)) / (p * (1 - 1e-5));
  for (const [label, opts, gap] of [['GST-1.0', {}, () => 1], ['gap 2', { gap: 2 }, () => 2], ['GST-p', { adaptive: true }, adaptiveGap]] as const) {
    it(`for linear f its expectation is Σ_D π_D·J(softmax(m*_D/τ))ᵀw/τ with the gapped logits m*_D (${label})`, () => {
      const tau = 0.7, p = softmax(THETA4), top = Math.max(...THETA4);
      const cat = run('gst', linearProblem(CAT4, THETA4, W4), tau, opts);
      expectMeanNear(cat, expectOver(p, (c) => {
        const m = THETA4.map((l, j) => (j === c ? top : Math.min(l, top - gap(p[c]))));
        return softmaxVjp(softmax(m.map((v) => v / tau)), W4).map((g) => g / tau);
      }));
      const bern = run('gst', linearProblem(BERN, THETA, W), tau, opts);
      const slope = (v: number) => sigmoid(v / tau) * (1 - sigmoid(v / tau)) / tau;
      expectMeanNear(bern, expectBern(THETA, (b, j) => {
        const l = THETA[j], m = b ? Math.max(l, gap(sigmoid(l))) : Math.min(l, -gap(sigmoid(-l)));
        return slope(m) * W[j];
      }));
    });
  }
});

describe('decoupled_st', () => {
  it('at τ_f = 1 is ST Gumbel-Softmax, sample by sample', () => {
    for (const p of [bernoulliProblem(), categoricalProblem(), twoLayerProblem()]) {
      const a = run('decoupled_st', p, 0.5, {}, 4000), b = run('st_gumbel_softmax', p, 0.5, {}, 4000);
      a.mean.forEach((m, j) => expect(m).toBeCloseTo(b.mean[j], 10));
      a.variance.forEach((v, j) => expect(v).toBeCloseTo(b.variance[j], 10));
    }
  });

  it('at τ_f = 2 samples Cat(softmax(θ/2)) and backpropagates ½ × ST-GS at logits θ/2 (same noise)', () => {
    const f = smallNetwork([[1, -1, 0.5, 0], [-1.5, 0.5, 1, 1], [0.5, 1.5, -1, -0.5], [2, 0, 0.5, -1]], [0.2, -0.1, 0, 0.3], [0.5, -0.4, 0.3, 0.6], 0.1, 0.5);
    const a = run('decoupled_st', singleLayer('a', CAT4, THETA4, f), 0.5, { forwardTau: 2 }, 4000);
    const b = run('st_gumbel_softmax', singleLayer('b', CAT4, THETA4.map((l) => l / 2), f), 0.5, {}, 4000);
    a.mean.forEach((m, j) => expect(m).toBeCloseTo(0.5 * b.mean[j], 10));
    expect(() => createEstimator('decoupled_st', { forwardTau: 0 })).toThrow(/forwardTau must be a finite number in \[0.01, 100\], found 0/);
  });
});

describe('gumbel_rao', () => {
  for (const make of [bernoulliProblem, categoricalProblem, twoLayerProblem, twoLayerCategoricalProblem]) {
    it(`has ST Gumbel-Softmax's expectation and a lower variance, falling with K (${make().name})`, () => {
      const tau = 0.5, stgs = run('st_gumbel_softmax', make(), tau);
      const [one, ten] = [1, 10].map((samples) => run('gumbel_rao', make(), tau, { samples }));
      expectSameMean(ten, stgs);
      expectSameMean(one, stgs);
      expect(ten.totalVariance).toBeLessThan(one.totalVariance);
      expect(one.totalVariance).toBeLessThan(stgs.totalVariance * 1.05);
      expect(ten.totalVariance).toBeLessThan(0.8 * stgs.totalVariance);
    });
  }
});
