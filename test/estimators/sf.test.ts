// sf's moving averages (checkpointable state) and NVIL's input-dependent baseline.
import { beforeAll, describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { bernoulliProblem, gradientStats, singleLayer } from '../../src/diagnostics/gradient_stats.js';
import { setBackend, step } from '../../src/engine.js';
import { ArgumentError } from '../../src/errors.js';
import { createEstimator } from '../../src/estimators/index.js';
import { add, tensor, variable, zeros } from '../../src/ops.js';
import { Adam } from '../../src/optim/optimizer.js';
import { foldIn, key } from '../../src/random/key.js';
import { BERN, dot, expectMeanNear } from './helpers.js';

const be = createRefBackend({ f64: true });
beforeAll(() => setBackend(be));

const OPTS = { tau: 1, slope: 1 };

function gradientOf(est: ReturnType<typeof createEstimator>, seed: number): number[] {
  return step(() => {
    const p = bernoulliProblem(), theta = variable(p.params[0], [3], be);
    const rows = add(zeros([16, 3]), theta);
    const { surrogate } = est.objective(p.pass([rows]), key(seed), OPTS, tensor(new Float64Array(16).fill(1), [16, 1]));
    return Array.from(grad(surrogate, [theta])[0]!.data());
  }, be);
}

describe('sf state', () => {
  it('state() and loadState() carry the moving averages: a restored estimator continues identically', () => {
    const a = createEstimator('sf');
    for (let s = 0; s < 5; s++) gradientOf(a, s);
    const st = a.state();
    expect(Object.keys(st).sort()).toEqual(['c0', 't0', 'v0']);
    expect(st.t0).toBe(5);
    const b = createEstimator('sf');
    b.loadState(JSON.parse(JSON.stringify(st)));
    expect(gradientOf(b, 9)).toEqual(gradientOf(a, 9));
    expect(b.state()).toEqual(a.state());
  });

  it('loadState rejects unknown entries; decay must be in [0, 1)', () => {
    expect(() => createEstimator('sf').loadState({ mean: 1 })).toThrow(ArgumentError);
    expect(() => createEstimator('muprop').loadState({ c0: Number.NaN })).toThrow(/finite/);
    expect(() => createEstimator('sf', { decay: 1 })).toThrow(/decay/);
  });
});

describe('sf with an input-dependent baseline (NVIL)', () => {
  it('learns B(x) and cuts the variance when f depends on the input, staying unbiased', () => {
    const B = 500, xs = Float64Array.from({ length: B }, (_, i) => (i % 2 ? 1 : -1));
    const x = tensor(xs, [B, 1], { persistent: true }), offset = xs.map((v) => 3 * v);
    // f = wᵀz + 3x: the input moves f far more than z does, so a constant baseline cannot centre it.
    // The offset does not depend on z, so the exact gradient (enumerated on 8 rows without x) is that of wᵀz.
    const problem = singleLayer('input-dependent', BERN, [0.4, -0.9, 1.3], (z) =>
      z.shape[0] === B ? add(dot(z, [1, -2, 0.5]), tensor(offset, [B], { backend: z.backend })) : dot(z, [1, -2, 0.5]));
    const est = createEstimator('sf', { normalise: false, decay: 0.9, baseline: { inputDim: 1, key: key(3) } });
    const params = est.params();
    expect(params.length).toBe(4); // 1 → 100 → 1: two weights, two biases
    const opt = new Adam(0.01);
    for (let t = 0; t < 200; t++) {
      step(() => {
        const rows = add(zeros([B, 3]), tensor(problem.params[0], [3]));
        const { surrogate } = est.objective(problem.pass([rows]), foldIn(key(1), t), OPTS, x);
        opt.step(params, grad(surrogate, params));
      }, be);
    }
    const opts = { samples: 20000, batch: B, input: x, key: key(50) };
    const withIdb = gradientStats(est, problem, opts);
    const without = gradientStats(createEstimator('sf', { normalise: false, decay: 0.9 }), problem, opts);
    expectMeanNear(withIdb, withIdb.exact);
    expectMeanNear(without, without.exact);
    expect(withIdb.totalVariance).toBeLessThan(0.2 * without.totalVariance);
  });

  it('needs x of the declared width', () => {
    const est = createEstimator('sf', { baseline: { inputDim: 2 } });
    const p = bernoulliProblem(), rows = add(zeros([4, 3]), tensor(p.params[0], [3]));
    expect(() => est.objective(p.pass([rows]), key(0), OPTS)).toThrow(/x \(the model input\) is required/);
    expect(() => est.objective(p.pass([rows]), key(0), OPTS, zeros([4, 3]))).toThrow(/x must be \[4, 2\]/);
  });
});
