// The registry, option validation, the one-file-per-estimator layout, and what a pass may do.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend } from '../../src/engine.js';
import { ArgumentError, GumbelError, ShapeError } from '../../src/errors.js';
import { ESTIMATOR_NAMES, type EstimatorName, createEstimator } from '../../src/estimators/index.js';
import { sum, tensor } from '../../src/ops.js';
import { key } from '../../src/random/key.js';

beforeAll(() => setBackend(createRefBackend()));
const OPTS = { tau: 1, slope: 1 };

describe('createEstimator', () => {
  it('makes each of the seven estimators by name; sf and muprop are the unbiased ones', () => {
    expect([...ESTIMATOR_NAMES]).toEqual(['sf', 'darn', 'muprop', 'st', 'slope_st', 'gumbel_softmax', 'st_gumbel_softmax']);
    for (const name of ESTIMATOR_NAMES) {
      const e = createEstimator(name);
      expect(e.name).toBe(name);
      expect(e.unbiased).toBe(name === 'sf' || name === 'muprop');
      expect(e.params()).toEqual([]);
    }
  });

  it('rejects unknown names and options that do not apply', () => {
    expect(() => createEstimator('reinforce' as EstimatorName)).toThrow(/name must be one of sf, darn/);
    expect(() => createEstimator('st', { decay: 0.9 })).toThrow(ArgumentError);
    expect(() => createEstimator('muprop', { baseline: { inputDim: 3 } })).toThrow(/only for 'sf'/);
  });

  it('each estimator is one file named after it, under 60 lines, opening with its formula and citation', () => {
    for (const name of ESTIMATOR_NAMES) {
      const text = readFileSync(new URL(`../../src/estimators/${name}.ts`, import.meta.url), 'utf8');
      expect(text.split('\n').length, name).toBeLessThanOrEqual(60);
      const header = text.split('\n').filter((l) => l.startsWith('//')).join(' ');
      expect(header, name).toMatch(/(19|20)\d\d/);
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

  it('reach the same stochastic layers every time it runs (muprop and darn run it twice)', () => {
    for (const name of ['muprop', 'darn'] as const) {
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
