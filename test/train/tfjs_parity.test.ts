// Issue 7's parity run: the categorical VAE trained 200 steps on `wasm` and on `tfjs`
// (tfjs-backend-wasm) with the same seed gives the same loss curve within float tolerance.
import { expect, it } from 'vitest';
import { makeDataset } from '../../src/data/index.js';
import { setBackend } from '../../src/engine.js';
import { defaultConfig, patchConfig } from '../../src/train/config.js';
import { openBackend } from '../../src/backends/open.js';
import { Trainer } from '../../src/train/trainer.js';

it('200 steps of the categorical VAE: wasm and tfjs (tfjs-backend-wasm) losses agree', async () => {
  const n = 400, x = new Float32Array(n * 784).map((_, i) => (((i * 2654435761) >>> 0) % 9 < 2 ? 1 : 0));
  const cfg = patchConfig(defaultConfig('vae'), { optimizer: { batch: 20, steps: 200, seed: 3 } });
  const curve = async (name: 'wasm' | 'tfjs') => {
    const be = await openBackend(name, { threads: 1 });
    setBackend(be);
    const t = new Trainer(patchConfig(cfg, { runtime: { backend: name } }), makeDataset(x, 784), be);
    const losses = Array.from({ length: cfg.optimizer.steps }, () => t.trainStep().loss);
    be.dispose();
    return losses;
  };
  const a = await curve('wasm'), b = await curve('tfjs');
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `step ${i}: wasm ${a[i]} vs tfjs ${b[i]}`).toBeLessThanOrEqual(2e-3 * Math.abs(a[i]));
  expect(a[199]).toBeLessThan(a[0]);
}, 120_000);
