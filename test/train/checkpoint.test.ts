// Checkpoints and resume: a resumed run equals an uninterrupted one bit for bit (in memory and
// through the run folder with a Ctrl-C-style stop), damaged checkpoints are FormatErrors, a NaN
// loss stops training naming the step, and the schedules and batches the loop uses.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRefBackend } from '../../src/backends/ref/index.js';
import { Batcher, type Dataset, makeDataset, permutation } from '../../src/data/index.js';
import { foldIn } from '../../src/random/key.js';
import { setBackend } from '../../src/engine.js';
import { FormatError } from '../../src/errors.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/train/checkpoint.js';
import { defaultConfig, patchConfig, type TrainConfig } from '../../src/train/config.js';
import { FILES, runTraining } from '../../src/train/run.js';
import { Trainer, TrainingError } from '../../src/train/trainer.js';
import { firstN, mnist, type Options, smallConfig, tempDirs, trainingBackend } from './helpers.js';
import type { Backend } from '../../src/backend.js';

const be = createRefBackend();
setBackend(be);
const tempDir = tempDirs('gumbel-ckpt-');

const sink = { write: () => true, isTTY: false };

async function trainData(n = 200): Promise<Dataset> {
  return firstN((await mnist()).train, n);
}

function run(config: TrainConfig, train: Dataset, steps: number, from?: Uint8Array, backend: Backend = be): { trainer: Trainer; losses: number[] } {
  const trainer = new Trainer(config, train, backend);
  if (from) trainer.restore(decodeCheckpoint(from));
  const losses: number[] = [];
  while (trainer.step < steps) losses.push(trainer.trainStep().loss);
  return { trainer, losses };
}

describe('resume equals an uninterrupted run', () => {
  const cases: Options[] = [
    { model: 'vae', latent: 'bernoulli', estimator: 'sf', optimizer: 'adam' },
    { model: 'sbn', latent: 'categorical', estimator: 'muprop', optimizer: 'sgd', lr: 0.01, tau: 1 },
    { model: 'vae', latent: 'categorical', estimator: 'gumbel_softmax', tauEvery: 3, tauRate: 0.05 },
  ];
  for (const c of cases) {
    it(`in memory: ${c.model} ${c.latent} ${c.estimator} ${c.optimizer ?? 'adam'}`, async () => {
      const train = await trainData();
      const config = smallConfig({ ...c, batch: 16 });
      // 200 examples / 16 = 12 steps per epoch: 20 steps cross an epoch boundary, and the checkpoint sits mid-epoch.
      const whole = run(config, train, 20);
      const first = run(config, train, 7);
      const bytes = encodeCheckpoint(first.trainer.checkpoint({ note: 'x' }));
      const second = run(config, train, 20, bytes);
      expect([...first.losses, ...second.losses]).toEqual(whole.losses);
      expect(second.trainer.model.params.serialize()).toEqual(whole.trainer.model.params.serialize());
      expect(second.trainer.estimator.state()).toEqual(whole.trainer.estimator.state());
      expect(second.trainer.optimizer.state()).toEqual(whole.trainer.optimizer.state());
    });
  }

  it('in memory on the default backend (wasm when its build has every kernel): sbn bernoulli slope_st', async () => {
    const { be: tb, name } = await trainingBackend();
    setBackend(tb);
    try {
      const train = await trainData();
      const config = smallConfig({ model: 'sbn', latent: 'bernoulli', estimator: 'slope_st', tau: 1, batch: 16, backend: name });
      const whole = run(config, train, 20, undefined, tb);
      const first = run(config, train, 9, undefined, tb);
      const second = run(config, train, 20, encodeCheckpoint(first.trainer.checkpoint()), tb);
      expect([...first.losses, ...second.losses]).toEqual(whole.losses);
      expect(second.trainer.model.params.serialize()).toEqual(whole.trainer.model.params.serialize());
    } finally {
      setBackend(be);
    }
  });

  it('through the run folder: stop after 7 steps (as on Ctrl-C), --resume, same metrics, parameters and result', async () => {
    const config = smallConfig({ model: 'vae', latent: 'categorical', estimator: 'sf', steps: 16, evalEvery: 5, logEvery: 3, trainSize: 200 });
    const a = await tempDir(), b = await tempDir();
    const full = await runTraining({ config, outDir: a, stderr: sink });
    let checks = 0;
    const stop = { get stop() { return ++checks > 7; } };
    const part = await runTraining({ config, outDir: b, stderr: sink, stop });
    expect(part.result).toBeNull();
    expect(part.step).toBe(7);
    const mid = decodeCheckpoint(await readFile(join(b, FILES.checkpoint)));
    expect(mid.step).toBe(7);
    const resumed = await runTraining({ config: patchConfig(config, { optimizer: { steps: 1 } }), outDir: b, stderr: sink, resume: true });
    expect(resumed.step).toBe(16); // the run's own config (16 steps) wins over the one passed
    const strip = (t: string) => t.trim().split('\n').map((l) => {
      const { examplesPerSec: _, ...rest } = JSON.parse(l) as Record<string, number>;
      return rest;
    });
    const ma = strip(await readFile(join(a, FILES.metrics), 'utf8'));
    expect(strip(await readFile(join(b, FILES.metrics), 'utf8'))).toEqual(ma);
    expect(ma.map((m) => m.step)).toEqual([3, 5, 6, 9, 10, 12, 15, 16]);
    expect(ma.filter((m) => 'valid' in m).map((m) => m.step)).toEqual([5, 10, 15, 16]);
    const ca = decodeCheckpoint(await readFile(join(a, FILES.checkpoint)));
    const cb = decodeCheckpoint(await readFile(join(b, FILES.checkpoint)));
    expect(cb.params).toEqual(ca.params);
    expect(cb.optimizer).toEqual(ca.optimizer);
    expect(cb.estimator).toEqual(ca.estimator);
    expect(resumed.result!.test.value).toBe(full.result!.test.value);
  });
});

describe('checkpoint files', () => {
  async function bytes(): Promise<Uint8Array> {
    const t = new Trainer(smallConfig({ model: 'sbn', latent: 'bernoulli', estimator: 'darn', tau: 1 }), await trainData(), be);
    t.trainStep();
    return encodeCheckpoint(t.checkpoint());
  }

  it('round-trips', async () => {
    const b = await bytes();
    const s = decodeCheckpoint(b);
    expect(s.step).toBe(1);
    expect(encodeCheckpoint(s)).toEqual(b);
  });

  it('a truncated checkpoint is a FormatError that names the file and says truncated', async () => {
    const b = await bytes();
    for (const cut of [0, 10, 40, b.length >> 1, b.length - 1]) {
      expect(() => decodeCheckpoint(b.subarray(0, cut), 'run/checkpoint')).toThrow(FormatError);
      expect(() => decodeCheckpoint(b.subarray(0, cut), 'run/checkpoint')).toThrow(/run\/checkpoint .*truncated|run\/checkpoint is not a gumbel/);
    }
    expect(() => decodeCheckpoint(b.subarray(0, b.length - 100), 'ck')).toThrow(/checkpoint: ck is truncated: \d+ bytes, needs \d+/);
  });

  it('a flipped byte, extra bytes or another file are FormatErrors', async () => {
    const b = await bytes();
    const flipped = b.slice();
    flipped[b.length - 50] ^= 1;
    expect(() => decodeCheckpoint(flipped)).toThrow(/checksum/);
    expect(() => decodeCheckpoint(new Uint8Array([...b, 0]))).toThrow(/unexpected bytes/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('GMBL and something else entirely'))).toThrow(/not a gumbel checkpoint/);
  });

  it('besides the validations, a checkpoint at the first metrics line checkpointSeconds after the last', async () => {
    const config = smallConfig({ model: 'vae', latent: 'categorical', estimator: 'gumbel_softmax', steps: 12, evalEvery: 0, logEvery: 4, trainSize: 200 });
    // The checkpoint's step as the probe sees it before steps 7 and 11 (null: none yet).
    const seen = async (checkpointSeconds?: number) => {
      const dir = await tempDir(), steps: (number | null)[] = [];
      const run = async () => { steps.push(await readFile(join(dir, FILES.checkpoint)).then((b) => decodeCheckpoint(b).step, () => null)); };
      await runTraining({ config, outDir: dir, stderr: sink, checkpointSeconds, probe: { steps: [6, 10], run } });
      return steps;
    };
    expect(await seen()).toEqual([null, null]);
    expect(await seen(0)).toEqual([4, 8]);
  });

  it('a run folder with a truncated checkpoint cannot be resumed and says why', async () => {
    const dir = await tempDir();
    const config = smallConfig({ steps: 3, evalEvery: 0, trainSize: 100 });
    await runTraining({ config, outDir: dir, stderr: sink });
    const path = join(dir, FILES.checkpoint);
    const full = await readFile(path);
    await writeFile(path, full.subarray(0, full.length - 7));
    await expect(runTraining({ config, outDir: dir, stderr: sink, resume: true })).rejects.toThrow(/checkpoint: .*checkpoint is truncated/);
  });

  it('restoring into another configuration is refused', async () => {
    const b = await bytes();
    const t = new Trainer(smallConfig({ model: 'sbn', latent: 'bernoulli', estimator: 'st', tau: 1 }), await trainData(), be);
    expect(() => t.restore(decodeCheckpoint(b))).toThrow(/was written for --estimator 'darn', this run has 'st'/);
  });
});

describe('the loop', () => {
  it('a NaN loss stops training with an error naming the step, before the update', async () => {
    const src = await trainData(100);
    const train = makeDataset(Float32Array.from(src.images), src.dim);
    const t = new Trainer(smallConfig({ model: 'vae', latent: 'bernoulli', estimator: 'gumbel_softmax' }), train, be);
    for (let i = 0; i < 3; i++) t.trainStep();
    train.images.fill(NaN);
    const before = t.model.params.serialize();
    expect(() => t.trainStep()).toThrow(TrainingError);
    expect(() => t.trainStep()).toThrow(/training stopped at step 3: the loss is NaN/);
    expect(t.step).toBe(3);
    expect(t.model.params.serialize()).toEqual(before);
  });

  it('VAE options train: hidden layers, a uniform prior, SGD with momentum', async () => {
    const t = new Trainer(smallConfig({ hidden: [16, 12], prior: 'uniform', optimizer: 'sgd', lr: 0.01 }), await trainData(), be);
    const losses = Array.from({ length: 10 }, () => t.trainStep().loss);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect([...t.model.params.map.keys()]).not.toContain('prior.logits');
  });

  it('τ follows the paper\'s VAE schedule by default and is fixed for the SBN', async () => {
    const train = await trainData(100);
    const vae = new Trainer(patchConfig(defaultConfig('vae'), { optimizer: { batch: 10 }, runtime: { backend: 'ref' } }), train, be);
    expect([0, 999, 1000, 2500, 6000, 7000, 50000].map((s) => vae.tauAt(s))).toEqual([
      1, 1, Math.exp(-1e-4 * 1000 * 1), Math.exp(-1e-4 * 1000 * 2), Math.exp(-1e-4 * 1000 * 6), 0.5, 0.5,
    ]);
    const sbn = new Trainer(patchConfig(defaultConfig('sbn'), { optimizer: { batch: 10 }, runtime: { backend: 'ref' } }), train, be);
    expect([0, 5000, 100000].map((s) => sbn.tauAt(s))).toEqual([1, 1, 1]);
    // slope_st's slope: a = min(5, 1 + 0.04·epoch); 100 examples / batch 10 = 10 steps per epoch.
    expect([0, 9, 10, 95, 1000, 5000].map((s) => vae.slopeAt(s))).toEqual([1, 1, 1.04, 1 + 0.04 * 9, 5, 5]);
  });

  it('the trainer\'s batches are the Batcher\'s: step t is batch t mod E of epoch ⌊t/E⌋ under permutation(n, foldIn(data key, epoch))', async () => {
    const train = await trainData(45);
    const t = new Trainer(smallConfig({ batch: 10, trainSize: 45 }), train, be);
    const epoch1 = [...new Batcher(train, { batchSize: 10, key: t.keys.data, dropLast: true }).epoch(1)].map((b) => Array.from(b.indices));
    expect(epoch1[2]).toEqual(Array.from(permutation(45, foldIn(t.keys.data, 1)).subarray(20, 30)));
    const row = (i: number) => Array.from(train.images.subarray(i * 784, (i + 1) * 784));
    expect(Array.from(t.batchRows(6).subarray(0, 784))).toEqual(row(epoch1[2][0])); // 4 steps per epoch: step 6 = epoch 1, batch 2
    expect(Array.from(t.batchRows(0).subarray(784, 1568))).toEqual(row(permutation(45, foldIn(t.keys.data, 0))[1]));
  });

  it('every example is seen once per epoch, in a keyed order that changes between epochs', async () => {
    const train = await trainData(40);
    const t = new Trainer(smallConfig({ batch: 10, trainSize: 40 }), train, be);
    const rowsOf = (s: number) => Array.from(t.batchRows(s));
    const seen = (epoch: number) => {
      const keys = new Set<string>();
      for (let s = epoch * 4; s < epoch * 4 + 4; s++) {
        const r = rowsOf(s);
        for (let i = 0; i < 10; i++) keys.add(r.slice(i * 784, (i + 1) * 784).join(''));
      }
      return keys;
    };
    const all = new Set<string>();
    for (let i = 0; i < 40; i++) all.add(Array.from(train.images.subarray(i * 784, (i + 1) * 784)).join(''));
    expect(seen(0)).toEqual(all);
    expect(seen(1)).toEqual(all);
    expect(rowsOf(0)).not.toEqual(rowsOf(4));
    expect(rowsOf(5)).toEqual(rowsOf(5));
  });
});
