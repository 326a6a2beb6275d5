// REBAR: unbiased by enumeration for fixed η, λ (one and two Bernoulli layers); the gradient the
// surrogate gives η and λ is the variance gradient (finite differences of mean_b ‖ĝ_b‖² with the same
// noise); training η and λ on it lowers the measured variance; categorical layers are refused by name.
import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, gradientStats, type Problem, twoLayerProblem } from '../../src/diagnostics/gradient_stats.js';
import { fitEstimatorParams } from '../../src/diagnostics/fit_control.js';
import { getBackend, setBackend, step } from '../../src/engine.js';
import { createEstimator, type Estimator } from '../../src/estimators/index.js';
import { add, variable, zeros } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { expectMeanNear } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

/** mean_b ‖ĝ_b‖² (the per-row gradients in θ, which for these problems are the logits) and the surrogate's gradient in params(). */
export function secondMoment(e: Estimator, p: Problem, rows: number, seed: number): { v: number; dphi: number[] } {
  return step(() => {
    const theta = p.params.map((t) => variable(t, [t.length]));
    const bcast = theta.map((t) => add(zeros([rows, t.size]), t));
    const { surrogate } = e.objective(p.pass(bcast), key(seed), { tau: 1, slope: 1 });
    const gs = grad(surrogate, [...bcast, ...e.params()]);
    const v = gs.slice(0, bcast.length).reduce((a, g) => a + (g ? Array.from(g.data()).reduce((s, x) => s + (x * rows) ** 2, 0) : 0), 0) / rows;
    const dphi = gs.slice(bcast.length).map((g) => g!.item());
    for (const t of theta) getBackend().free(t.buf);
    return { v, dphi };
  });
}

/** The same check for any estimator with learned parameters: ∂V/∂φ_j from the surrogate vs central differences. */
export function expectVarianceGradient(make: () => Estimator, p: Problem): void {
  const e = make(), rows = 50, h = 1e-5, { dphi } = secondMoment(e, p, rows, 5);
  e.params().forEach((t, j) => {
    const at = (d: number) => {
      const x = t.data()[0];
      t.backend.write(t.buf, Float64Array.of(x + d));
      const v = secondMoment(e, p, rows, 5).v;
      t.backend.write(t.buf, Float64Array.of(x));
      return v;
    };
    if (t.size !== 1) return; // a network's weights: checked through its scalar parameters
    const numeric = (at(h) - at(-h)) / (2 * h);
    expect(Math.abs(dphi[j] - numeric), `param ${j}: ${dphi[j]} vs ${numeric}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(numeric)));
  });
}

describe('rebar', () => {
  for (const make of [bernoulliProblem, twoLayerProblem]) {
    it(`is unbiased for fixed η, λ on ${make().name}`, () => {
      const e = createEstimator('rebar', { learn: false, eta: 0.8, temperature: 0.7 });
      expect(e.params()).toEqual([]);
      const s = gradientStats(e, make(), { samples: 10000, batch: 1000, key: key(31) });
      expectMeanNear(s, s.exact);
    });

    it(`gives η and λ the variance gradient on ${make().name}`, () => {
      expectVarianceGradient(() => createEstimator('rebar', { eta: 0.8, temperature: 0.7 }), make());
    });
  }

  it('learning η and λ lowers the variance (from a poor start, η = 0.2, temperature 3)', () => {
    const p = bernoulliProblem(), e = createEstimator('rebar', { eta: 0.2, temperature: 3 });
    const stats = () => gradientStats(e, p, { samples: 4000, batch: 1000, key: key(33) });
    const before = stats();
    fitEstimatorParams(e, p, { steps: 150, batch: 100, lr: 0.05, key: key(34) });
    const after = stats();
    expectMeanNear(after, after.exact);
    expect(after.totalVariance).toBeLessThan(0.7 * before.totalVariance);
  });

  it('refuses categorical layers, naming what it supports', () => {
    expect(() => gradientStats(createEstimator('rebar'), categoricalProblem(), { samples: 10, key: key(0) })).toThrow(/rebar: supports bernoulli latents only, found a categorical layer/);
  });
});
