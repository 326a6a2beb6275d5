// The registry, option validation, the one-file-per-estimator layout, and what a pass may do.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend } from '../../src/engine.js';
import { ArgumentError, GumbelError, ShapeError } from '../../src/errors.js';
import { bernoulliProblem, categoricalProblem, gradientStats } from '../../src/diagnostics/gradient_stats.js';
import { discrete } from '../../src/distributions/index.js';
import {
  ESTIMATOR_NAMES, type EstimatorDescriptor, type EstimatorName, createEstimator, estimatorDescriptor, estimatorNames, pathwise, registerEstimator, straightThrough,
} from '../../src/estimators/index.js';
import { scale, sum, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';

beforeAll(() => setBackend(createRefBackend()));
const OPTS = { tau: 1, slope: 1 };

describe('createEstimator', () => {
  it("makes each estimator by name, the paper's seven first; sf, muprop, rloo, arm, disarm, vimco, rebar, relax, double_cv and marginalize are the unbiased ones; only rebar, relax and double_cv have parameters of their own", () => {
    expect(ESTIMATOR_NAMES.slice(0, 7)).toEqual(['sf', 'darn', 'muprop', 'st', 'slope_st', 'gumbel_softmax', 'st_gumbel_softmax']);
    for (const name of ESTIMATOR_NAMES) {
      const e = createEstimator(name);
      expect(e.name).toBe(name);
      expect(e.unbiased).toBe(['sf', 'muprop', 'rloo', 'arm', 'disarm', 'vimco', 'rebar', 'relax', 'double_cv', 'marginalize'].includes(name));
      expect(e.params().length > 0).toBe(['rebar', 'relax', 'double_cv'].includes(name));
    }
  });

  it('rejects unknown names and options that do not apply', () => {
    expect(() => createEstimator('reinforce' as EstimatorName)).toThrow(/name must be one of sf, darn/);
    expect(() => createEstimator('st', { decay: 0.9 })).toThrow(ArgumentError);
    expect(() => createEstimator('muprop', { baseline: { inputDim: 3 } })).toThrow(/'muprop' takes decay, centre, normalise, found baseline/);
  });

  it('each estimator is one file named after it, under 80 lines, opening with its formula and citation', () => {
    for (const name of ESTIMATOR_NAMES) {
      const text = readFileSync(new URL(`../../src/estimators/${name}.ts`, import.meta.url), 'utf8');
      expect(text.split('\n').length, name).toBeLessThanOrEqual(80);
      const header = text.split('\n').filter((l) => l.startsWith('//')).join(' ');
      expect(header, name).toMatch(/(19|20)\d\d/);
    }
  });
});

describe('the registry', () => {
  // A toy: straight-through whose backward pass is scaled by its own option `gain`.
  const toy: EstimatorDescriptor = {
    name: 'toy_scaled_st', summary: 'ST with a gain', reads: [], unbiased: false, evaluations: () => 1, latents: ['bernoulli'],
    options: [{ key: 'gain', help: 'backward gain', default: 2, min: 0, max: 10 }],
    create: ({ gain }) => pathwise('toy_scaled_st', (logits, spec, k) => {
      const d = discrete(logits, spec);
      return straightThrough(d.sample(k), scale(d.mean(), gain as number));
    }),
  };

  it('a registered estimator is made by name with its defaults, reported by the diagnostics, and guarded by its latent kinds', () => {
    registerEstimator(toy);
    expect(estimatorNames()).toContain('toy_scaled_st');
    expect(ESTIMATOR_NAMES).toContain('toy_scaled_st'); // a live view: config validation and the CLI's choices see it
    const p = bernoulliProblem(), opts = { samples: 1000, batch: 1000, key: key(3) };
    const two = gradientStats(createEstimator('toy_scaled_st'), p, opts), st = gradientStats(createEstimator('st'), p, opts);
    two.mean.forEach((g, j) => expect(g).toBeCloseTo(2 * st.mean[j], 10));
    expect(() => createEstimator('toy_scaled_st', { gain: 11 })).toThrow(/toy_scaled_st: gain must be a finite number in \[0, 10\], found 11/);
    expect(() => createEstimator('toy_scaled_st', { tau: 1 })).toThrow(/takes gain, found tau/);
    expect(() => gradientStats(createEstimator('toy_scaled_st'), categoricalProblem(), opts)).toThrow(/toy_scaled_st: supports bernoulli latents only, found a categorical layer/);
    expect(() => registerEstimator(toy)).toThrow(/already registered/);
  });

  it('every built-in declares a summary, its cost and its latent kinds, and accepts its own defaults', () => {
    for (const name of ESTIMATOR_NAMES) {
      const d = estimatorDescriptor(name);
      expect(d.name).toBe(name);
      expect(d.summary.length).toBeGreaterThan(10);
      expect(d.evaluations(Object.fromEntries(d.options.map((o) => [o.key, o.default])), 1)).toBeGreaterThanOrEqual(1);
      expect(d.latents.length).toBeGreaterThan(0);
      expect(createEstimator(name).unbiased).toBe(d.unbiased);
    }
  });
});

describe('what a pass must do', () => {
  const logits = () => tensor([0.1, -0.2, 0.3, 0.4], [2, 2]);

  it('return f per example [B]', () => {
    for (const name of ESTIMATOR_NAMES) {
      expect(() => createEstimator(name).objective((latent) => sum(latent(logits(), { kind: 'bernoulli' })), key(0), OPTS)).toThrow(ShapeError);
    }
  });

  it('pass a valid spec', () => {
    expect(() => createEstimator('st').objective((latent) => sum(latent(logits(), { kind: 'gaussian' } as never), -1), key(0), OPTS)).toThrow(/spec.kind/);
  });

  it('reach the same stochastic layers every time it runs (muprop runs it twice; darn runs it once since it goes straight through to the mean)', () => {
    for (const name of ['muprop'] as const) {
      let calls = 0;
      const pass = (latent: Parameters<Parameters<ReturnType<typeof createEstimator>['objective']>[0]>[0]) => {
        let z = latent(logits(), { kind: 'bernoulli' });
        if (calls++ > 0) z = latent(logits(), { kind: 'bernoulli' });
        return sum(z, -1);
      };
      expect(() => createEstimator(name).objective(pass, key(0), OPTS)).toThrow(GumbelError);
    }
  });
});
