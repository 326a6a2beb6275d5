// The diagnostics themselves: enumeration, the exact gradient against finite differences, and the
// bookkeeping identities of gradientStats.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, configurations, exactGradient, gradientStats, twoLayerProblem, type Problem } from '../../src/diagnostics/gradient_stats.js';
import { setBackend } from '../../src/engine.js';
import { createEstimator } from '../../src/estimators/index.js';
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
});
