// sf's NVIL input-dependent baseline through the CLI (--baseline-hidden, issue 19): its parameters are
// trained, checkpointed and restored on --resume (same numbers as an uninterrupted run), and a few
// hundred steps of `gumbel train vae --estimator sf --baseline-hidden 100` give an encoder gradient
// of lower variance on a fixed batch than the same model and C/VN state without the baseline.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { grad } from '../../src/autograd/tape.js';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { setBackend, step } from '../../src/engine.js';
import { createEstimator, type Estimator } from '../../src/estimators/index.js';
import type { VAE } from '../../src/models/vae.js';
import { foldIn, key } from '../../src/random/key.js';
import { decodeCheckpoint } from '../../src/train/checkpoint.js';
import { FILES } from '../../src/train/run.js';
import type { TrainConfig } from '../../src/train/config.js';
import { Trainer } from '../../src/train/trainer.js';
import { gumbel, mnist, tempDirs, trainingBackend } from './helpers.js';

const tempDir = tempDirs('gumbel-nvil-');
const checkpoint = async (dir: string) => decodeCheckpoint(await readFile(join(dir, FILES.checkpoint)));

describe('sf with --baseline-hidden (NVIL) in gumbel train', () => {
  const small = ['vae', '--latent', 'bernoulli', '--estimator', 'sf', '--baseline-hidden', '16', '--units', '8', '--batch', '10', '--train-size', '200',
    '--eval-every', '5', '--valid-size', '20', '--valid-samples', '3', '--test-size', '12', '--eval-samples', '6', '--threads', '1'];

  it('--resume restores the baseline: the same parameters, state and result as an uninterrupted run', async () => {
    const a = await tempDir(), b = await tempDir();
    expect((await gumbel('train', ...small, '--steps', '20', '--out', a)).code).toBe(0);
    expect((await gumbel('train', ...small, '--steps', '8', '--out', b)).code).toBe(0);
    const mid = await checkpoint(b);
    expect((await gumbel('train', '--out', b, '--resume', '--steps', '20')).code).toBe(0);
    const [ca, cb] = [await checkpoint(a), await checkpoint(b)];
    expect(ca.estimatorParams.map((p) => p.length)).toEqual([784 * 16, 16, 16, 1]);
    expect(cb.estimatorParams).toEqual(ca.estimatorParams);
    expect(cb.params).toEqual(ca.params);
    expect(cb.optimizer).toEqual(ca.optimizer);
    expect(cb.estimator).toEqual(ca.estimator);
    // The baseline trained between the checkpoints, so restoring it mattered.
    expect(mid.estimatorParams[0]).not.toEqual(ca.estimatorParams[0]);
    const r = await gumbel('train', '--out', b, '--resume', '--steps', '30', '--baseline-hidden', '32');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--baseline-hidden 32 contradicts the run, which has 16/);
  }, 60_000);

  it('--baseline-hidden is an sf option with a range', async () => {
    setBackend(createRefBackend());
    expect((await gumbel('train', 'vae', '--estimator', 'darn', '--baseline-hidden', '8')).err).toMatch(/--baseline-hidden is not an option of --estimator darn/);
    expect((await gumbel('train', 'vae', '--estimator', 'sf', '--baseline-hidden', '-1')).err).toMatch(/--baseline-hidden.*'-1'.*must be an integer in \[0, 4096\]/);
    expect(() => createEstimator('sf', { baselineHidden: 8 })).toThrow(/sf: baselineHidden needs the width of the model input/);
    expect(() => createEstimator('sf', { baselineHidden: 8, baseline: { inputDim: 2 } }, { inputDim: 2 })).toThrow(/sf: give baseline or baselineHidden, not both/);
    expect(createEstimator('sf', { baselineHidden: 8 }, { inputDim: 2 }).params().map((p) => p.shape)).toEqual([[2, 8], [8], [8, 1], [1]]);
  });

  it('300 steps of `gumbel train vae --estimator sf --baseline-hidden 100` train the baseline and lower the encoder gradient variance', async () => {
    const { be, name } = await trainingBackend();
    const dir = await tempDir();
    const args = ['vae', '--latent', 'bernoulli', '--estimator', 'sf', '--baseline-hidden', '100', '--steps', '300', '--train-size', '2000', '--eval-every', '0',
      '--valid-size', '20', '--valid-samples', '2', '--test-size', '20', '--eval-samples', '2', '--backend', name, '--threads', '1', '--out', dir];
    expect((await gumbel('train', ...args)).code).toBe(0);
    const saved = await checkpoint(dir);
    setBackend(be);
    const { train } = await mnist();
    const tr = new Trainer(saved.config as unknown as TrainConfig, train, be);
    const initial = tr.estimator.params().map((p) => Float32Array.from(p.data()));
    tr.restore(saved);
    tr.estimator.params().forEach((p, i) => expect(Float32Array.from(p.data())).not.toEqual(initial[i]));

    // The same model, batch and C/VN state; only the baseline differs.
    const encoder = (tr.model as VAE).encoder.layers.flatMap((l) => [l.w, l.b]);
    const without = createEstimator('sf', {});
    const variance = (est: Estimator) => {
      const n = 64, sum = new Float64Array(encoder.reduce((s, p) => s + p.size, 0)), sum2 = new Float64Array(sum.length);
      for (let k = 0; k < n; k++) {
        est.loadState(saved.estimator);
        step(() => {
          const { x, pass } = tr.model.batch(tr.batchRows(0), 100);
          let o = 0;
          for (const g of grad(est.objective(pass, foldIn(key(19), k), { tau: 1, slope: 1 }, x).surrogate, encoder)) {
            g!.data().forEach((v, j) => { sum[o + j] += v; sum2[o + j] += v * v; });
            o += g!.size;
          }
        }, be);
      }
      return sum.reduce((s, v, j) => s + (sum2[j] - (v * v) / n) / (n - 1), 0);
    };
    const [withNvil, plain] = [variance(tr.estimator), variance(without)];
    console.log(`encoder gradient total variance on a fixed batch after 300 steps: ${withNvil.toPrecision(4)} with the NVIL baseline, ${plain.toPrecision(4)} without`);
    expect(withNvil).toBeLessThan(0.8 * plain);
  }, 120_000);
});
