// REBAR and RELAX: unbiased by enumeration for fixed control parameters φ (one and two Bernoulli
// layers); the gradient the surrogate gives φ (η, λ and RELAX's network) is the variance gradient
// (finite differences of mean_b ‖ĝ_b‖² with the same noise); training φ on it lowers the measured
// variance; Bernoulli and categorical (double_cv: Bernoulli only, categorical refused by name).
import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, categoricalProblem, gradientStats, type Problem, twoLayerCategoricalProblem, twoLayerProblem } from '../../src/diagnostics/gradient_stats.js';
import { fitEstimatorParams } from '../../src/diagnostics/fit_control.js';
import { getBackend, setBackend, step } from '../../src/engine.js';
import { createEstimator, type Estimator } from '../../src/estimators/index.js';
import { add, variable, zeros } from '../../src/ops.js';
import { key } from '../../src/random/key.js';
import { fillRandom } from '../harness/check_kernel.js';
import { BERN, expectMeanNear, linearProblem } from './helpers.js';

beforeAll(() => setBackend(createRefBackend({ f64: true })));

/** mean_b ‖ĝ_b‖² (the per-row gradients in θ, which for these problems are the logits) and the surrogate's gradient in params(). */
function secondMoment(e: Estimator, p: Problem, rows: number, seed: number): { v: number; dphi: number[][] } {
  return step(() => {
    const theta = p.params.map((t) => variable(t, [t.length]));
    const bcast = theta.map((t) => add(zeros([rows, t.size]), t));
    const { surrogate } = e.objective(p.pass(bcast), key(seed), { tau: 1, slope: 1 });
    const gs = grad(surrogate, [...bcast, ...e.params()]);
    const v = gs.slice(0, bcast.length).reduce((a, g) => a + (g ? Array.from(g.data()).reduce((s, x) => s + (x * rows) ** 2, 0) : 0), 0) / rows;
    const dphi = gs.slice(bcast.length).map((g) => Array.from(g!.data()));
    for (const t of theta) getBackend().free(t.buf);
    return { v, dphi };
  });
}

/** ∂V/∂φ from the surrogate vs central differences, every element of every parameter (set to random values first). */
function expectVarianceGradient(e: Estimator, p: Problem): void {
  const rows = 50, h = 1e-5;
  e.params().forEach((t, j) => t.backend.write(t.buf, Float64Array.from(fillRandom(t.size, 40 + j, 0.2, 0.9))));
  const { dphi } = secondMoment(e, p, rows, 5);
  e.params().forEach((t, j) => {
    for (let i = 0; i < t.size; i++) {
      const at = (d: number) => {
        const x = Float64Array.from(t.data()), moved = Float64Array.from(x);
        moved[i] += d;
        t.backend.write(t.buf, moved);
        const v = secondMoment(e, p, rows, 5).v;
        t.backend.write(t.buf, x);
        return v;
      };
      const numeric = (at(h) - at(-h)) / (2 * h);
      expect(Math.abs(dphi[j][i] - numeric), `param ${j}[${i}]: ${dphi[j][i]} vs ${numeric}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(numeric)));
    }
  });
}

/** 150 Adam steps on the estimator's own parameters cut its measured variance by 30 % or more, and it stays unbiased. */
function expectFitLowersVariance(e: Estimator, p: Problem): void {
  const stats = () => gradientStats(e, p, { samples: 4000, batch: 1000, key: key(33) });
  const before = stats();
  fitEstimatorParams(e, p, { steps: 150, batch: 100, lr: 0.05, key: key(34) });
  const after = stats();
  expectMeanNear(after, after.exact);
  expect(after.totalVariance).toBeLessThan(0.7 * before.totalVariance);
}

const OPTIONS = { rebar: {}, relax: { controlHidden: 3 } } as const;

describe.each(['rebar', 'relax'] as const)('%s', (name) => {
  const make = (o: Record<string, unknown> = {}) => createEstimator(name, { ...OPTIONS[name], ...o });
  for (const problem of [bernoulliProblem, categoricalProblem, twoLayerProblem, twoLayerCategoricalProblem]) {
    it(`is unbiased for fixed control parameters on ${problem().name}`, () => {
      const e = make({ learn: false, eta: 0.8, temperature: 0.7 });
      expect(e.params()).toEqual([]);
      const s = gradientStats(e, problem(), { samples: 10000, batch: 1000, key: key(31) });
      expectMeanNear(s, s.exact);
    });

    it(`gives its control parameters the variance gradient on ${problem().name}`, () => expectVarianceGradient(make(), problem()));
  }

  it('learning adds nothing to the gradient in θ (the same per-sample gradients with learn on and off, up to rounding)', () => {
    // With learn on, ∇_ℓ c comes from the recorded rules (e.g. tanh′ = 1 − y² in ops), not the backward kernels.
    const [on, off] = [true, false].map((learn) => gradientStats(make({ learn }), twoLayerProblem(), { samples: 500, batch: 500, key: key(32) }));
    for (const k of ['mean', 'variance'] as const) on[k].forEach((v, j) => expect(Math.abs(v - off[k][j])).toBeLessThan(1e-12 * (1 + Math.abs(v))));
  });

  for (const problem of [bernoulliProblem, categoricalProblem]) {
    it(`learning its control parameters lowers the variance on ${problem().name} (from a poor start, η = 0.2, temperature 3)`, () =>
      expectFitLowersVariance(make({ eta: 0.2, temperature: 3 }), problem()));
  }
});

describe('double_cv', () => {
  for (const [samples, problem] of [[2, bernoulliProblem], [3, bernoulliProblem], [2, twoLayerProblem], [3, twoLayerProblem]] as const) {
    it(`is unbiased for fixed α with K = ${samples}, on ${problem().name}`, () => {
      const e = createEstimator('double_cv', { samples, cvAlpha: 0.7, learn: false });
      const s = gradientStats(e, problem(), { samples: 20000, batch: 2000, key: key(35) });
      expectMeanNear(s, s.exact);
    });
  }

  it('α = 1 has zero variance and no bias when f is linear (the linear control variate is exact)', () => {
    const s = gradientStats(createEstimator('double_cv', { cvAlpha: 1, learn: false }), linearProblem(BERN, [0.4, -0.9, 1.3], [1, -2, 0.5]), { samples: 2000, batch: 1000, key: key(38) });
    expect(s.totalVariance).toBeLessThan(1e-12);
    expect(s.bias2).toBeLessThan(1e-12);
  });

  it('learning adds nothing to the gradient in θ', () => {
    const [on, off] = [true, false].map((learn) => gradientStats(createEstimator('double_cv', { cvAlpha: 0.5, learn }), twoLayerProblem(), { samples: 500, batch: 500, key: key(32) }));
    expect(Array.from(on.mean)).toEqual(Array.from(off.mean));
  });

  it('gives α the variance gradient', () => {
    for (const p of [bernoulliProblem(), twoLayerProblem()]) expectVarianceGradient(createEstimator('double_cv', { samples: 3 }), p);
  });

  it('learning α lowers the variance (from α = 2, a poor value for this f)', () => expectFitLowersVariance(createEstimator('double_cv', { cvAlpha: 2 }), bernoulliProblem()));

  it('refuses categorical layers, naming what it supports', () => {
    expect(() => gradientStats(createEstimator('double_cv'), categoricalProblem(), { samples: 10, key: key(0) })).toThrow(/double_cv: supports bernoulli latents only/);
  });
});
