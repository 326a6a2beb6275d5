// The diagnostics themselves: enumeration, the exact gradient against finite differences, and the
// bookkeeping identities of gradientStats.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, configurations, exactGradient, gradientStats, singleLayer, twoLayerProblem, type Problem } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { createEstimator } from '../../src/estimators/index.js';
import { reshape, scale } from '../../src/ops.js';
import { key } from '../../src/random/key.js';

beforeAll(() => setBackend(createRefBackend()));

describe('configurations', () => {
  it('lists 2^3 binary vectors and 4^2 pairs of one-hots, each once', () => {
    const b = configurations({ kind: 'bernoulli' }, 3);
    expect(b.count).toBe(8);
    expect(new Set(Array.from({ length: 8 }, (_, m) => Array.from(b.data.subarray(m * 3, m * 3 + 3)).join(''))).size).toBe(8);
    const c = configurations({ kind: 'categorical', k: 4 }, 8);
    expect(c.count).toBe(16);
    const rows = Array.from({ length: 16 }, (_, m) => Array.from(c.data.subarray(m * 8, m * 8 + 8)));
    expect(new Set(rows.map((r) => r.join(''))).size).toBe(16);
    for (const r of rows) expect([r.slice(0, 4), r.slice(4)].every((g) => g.reduce((a, v) => a + v) === 1)).toBe(true);
  });
});

describe('exactGradient', () => {
  for (const make of [bernoulliProblem, categoricalProblem, twoLayerProblem]) {
    it(`matches central differences of the enumerated E[f] (${make().name})`, () => {
      const p = make(), { grad } = exactGradient(p), h = 1e-6;
      let j = 0;
      p.params.forEach((v, pi) => v.forEach((_, i) => {
        const shifted = (d: number): Problem => ({ ...p, params: p.params.map((w, q) => (q === pi ? w.map((x, ii) => (ii === i ? x + d : x)) : w)) });
        const numeric = (exactGradient(shifted(h)).value - exactGradient(shifted(-h)).value) / (2 * h);
        expect(grad[j++]).toBeCloseTo(numeric, 8);
      }));
    });
  }
});

describe('gradientStats', () => {
  it('reports MSE = ‖bias‖² + total variance, with standard errors √(variance/samples)', () => {
    const s = gradientStats(createEstimator('gumbel_softmax'), categoricalProblem(), { samples: 3000, batch: 1000, key: key(1), opts: { tau: 0.5, slope: 1 } });
    expect(s.samples).toBe(3000);
    expect(s.mse).toBeCloseTo(s.bias2 + s.totalVariance, 12);
    s.stderr.forEach((e, j) => expect(e).toBeCloseTo(Math.sqrt(s.variance[j] / 3000), 12));
    expect(s.secondsPerSample).toBeGreaterThan(0);
  });

  it('reports the variance\'s standard error from the fourth moment: on a two-point gradient, the closed form', () => {
    // sf without C and VN on f = w·z, one unit: ĝ = w·b(b − p), a·Bernoulli(p) with a = w(1 − p).
    const w = 2, theta = 0.3, p = 1 / (1 + Math.exp(-theta)), a = w * (1 - p), n = 20000;
    const s = gradientStats(createEstimator('sf', { centre: false, normalise: false }), singleLayer('two-point', { kind: 'bernoulli' }, [theta], (z) => scale(reshape(z, [z.shape[0]]), w)),
      { samples: n, batch: 2000, key: key(2) });
    const v = a * a * p * (1 - p), m4 = a ** 4 * p * (1 - p) * (1 - 3 * p + 3 * p * p);
    expect(s.variance[0]).toBeCloseTo(v, 1);
    expect(s.varianceStderr[0] / Math.sqrt((m4 - (v * v * (n - 3)) / (n - 1)) / n)).toBeCloseTo(1, 1);
  });
});
