// sf, muprop, rloo, arm, disarm and vimco (for its K-sample bound) are unbiased: the mean of many per-sample gradients (fixed key, so deterministic)
// lies within 4 standard errors of the exact gradient by enumeration, on one and two stochastic
// layers, Bernoulli and categorical (arm and disarm: Bernoulli only, and say so for categorical).
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, exactGradient, type GradientStats, gradientStats, multiSampleBound, twoLayerCategoricalProblem, twoLayerProblem } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { createEstimator } from '../../src/estimators/index.js';
import { key } from '../../src/random/key.js';
import { BERN, CAT4, expectMeanNear, linearProblem } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

/** Some coordinate's mean is more than 5 standard errors from `other` (a gradient it does not estimate). */
function expectBiasedFrom(s: GradientStats, other: ArrayLike<number>): void {
  expect(Math.max(...Array.from(s.mean, (m, j) => Math.abs(m - other[j]) / Math.max(s.stderr[j], 1e-12)))).toBeGreaterThan(5);
}

describe.each(['sf', 'muprop', 'rloo'] as const)('%s is unbiased', (name) => {
  for (const make of [bernoulliProblem, categoricalProblem, twoLayerProblem, twoLayerCategoricalProblem]) {
    it(`on ${make().name}`, () => {
      const s = gradientStats(createEstimator(name), make(), { samples: 20000, batch: 2000, key: key(21) });
      expectMeanNear(s, s.exact);
    });
  }
});

describe.each(['arm', 'disarm'] as const)('%s', (name) => {
  for (const make of [bernoulliProblem, twoLayerProblem]) {
    it(`is unbiased on ${make().name}`, () => {
      const s = gradientStats(createEstimator(name), make(), { samples: 20000, batch: 2000, key: key(24) });
      expectMeanNear(s, s.exact);
    });
  }

  it('rejects categorical layers, naming what it supports', () => {
    expect(() => gradientStats(createEstimator(name), categoricalProblem(), { samples: 10, key: key(0) })).toThrow(new RegExp(`${name}: supports bernoulli latents only, found a categorical layer`));
  });
});

describe('two-evaluation estimators', () => {
  it('disarm has lower variance than arm on the same pairs, and rloo with K = 8 lower than with K = 2', () => {
    for (const make of [bernoulliProblem, twoLayerProblem]) {
      const opts = { samples: 20000, batch: 2000, key: key(25) };
      const [a, d] = (['arm', 'disarm'] as const).map((n) => gradientStats(createEstimator(n), make(), opts));
      expect(d.totalVariance).toBeLessThan(a.totalVariance);
    }
    const opts = { samples: 10000, batch: 2000, key: key(26) };
    const [two, eight] = [2, 8].map((samples) => gradientStats(createEstimator('rloo', { samples }), categoricalProblem(), opts));
    expectMeanNear(eight, eight.exact);
    expect(eight.totalVariance).toBeLessThan(0.5 * two.totalVariance);
  });
});

describe('centring and variance normalisation', () => {
  it('plain REINFORCE (no C, no VN) is unbiased too, and C lowers its variance', () => {
    const p = bernoulliProblem();
    const plain = gradientStats(createEstimator('sf', { centre: false, normalise: false }), p, { samples: 20000, batch: 2000, key: key(22) });
    const centred = gradientStats(createEstimator('sf'), p, { samples: 20000, batch: 2000, key: key(22) });
    expectMeanNear(plain, plain.exact);
    expect(centred.totalVariance).toBeLessThan(0.8 * plain.totalVariance);
  });

  it('muprop has zero variance and no bias when f is linear (the Taylor control variate is exact)', () => {
    for (const p of [linearProblem(BERN, [0.4, -0.9, 1.3], [1, -2, 0.5]), linearProblem(CAT4, [0.5, -0.2, 1, -1.1], [1, -2, 0.5, 3])]) {
      const s = gradientStats(createEstimator('muprop'), p, { samples: 2000, batch: 1000, key: key(23) });
      expect(s.totalVariance).toBeLessThan(1e-12);
      expect(s.bias2).toBeLessThan(1e-12);
    }
  });
});

describe('vimco', () => {
  // Unbiased for the K-sample bound, not for E[f]: the exact gradient enumerates K copies of every layer.
  for (const make of [bernoulliProblem, categoricalProblem, twoLayerProblem, twoLayerCategoricalProblem]) {
    it(`is unbiased for the gradient of the K = 2 bound on ${make().name}, not for that of E[f]`, () => {
      const p = make(), target = multiSampleBound(p, 2);
      const s = gradientStats(createEstimator('vimco', { samples: 2 }), p, { samples: 20000, batch: 2000, key: key(27), target });
      expectMeanNear(s, s.exact);
      expectBiasedFrom(s, exactGradient(p).grad);
    });
  }

  it('K = 3 on the Bernoulli problem as well', () => {
    const p = bernoulliProblem();
    const s = gradientStats(createEstimator('vimco', { samples: 3 }), p, { samples: 20000, batch: 2000, key: key(28), target: multiSampleBound(p, 3) });
    expectMeanNear(s, s.exact);
  });
});
