// Adding an estimator is one descriptor: a toy registered here trains a model through the same
// path `gumbel train --estimator <name>` takes (config validation, Trainer, createEstimator).
import { describe, expect, it } from 'vitest';
import { discrete } from '../../src/distributions/index.js';
import { pathwise, registerEstimator, straightThrough } from '../../src/estimators/index.js';
import { scale } from '../../src/ops.js';
import { validateConfig } from '../../src/train/config.js';
import { smallConfig, trainBriefly } from '../train/helpers.js';

describe('a registered toy estimator', () => {
  it('passes config validation and trains the VAE (validation metric improves, no NaN)', async () => {
    expect(() => validateConfig(smallConfig({ estimator: 'toy_half_st' }))).toThrow(/--estimator/);
    registerEstimator({
      name: 'toy_half_st', summary: 'straight-through with half the backward gain', reads: [], options: [], unbiased: false,
      evaluations: () => 1, latents: ['bernoulli', 'categorical'],
      create: () => pathwise('toy_half_st', (logits, spec, key) => {
        const d = discrete(logits, spec);
        return straightThrough(d.sample(key), scale(d.mean(), 0.5));
      }),
    });
    expect(validateConfig(smallConfig({ estimator: 'toy_half_st' })).estimator.name).toBe('toy_half_st');
    const r = await trainBriefly({ model: 'vae', latent: 'bernoulli', estimator: 'toy_half_st' });
    expect(r.losses.every(Number.isFinite)).toBe(true);
    expect(r.after).toBeLessThan(r.before);
  });
});
