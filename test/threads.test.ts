// The thread pool: a matmul split across threads by output columns is bitwise identical to one
// thread (split the output, never the reduction), and a whole training run is too.
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from '../src/backends/wasm/index.js';
import { makeDataset } from '../src/data/index.js';
import { setBackend } from '../src/engine.js';
import { defaultConfig, patchConfig } from '../src/train/config.js';
import { Trainer } from '../src/train/trainer.js';
import { fillRandom, upload } from './harness/check_kernel.js';

const SHAPES: [number, number, number, boolean, boolean][] = [
  [100, 784, 512, false, false], [784, 100, 512, true, false], [100, 512, 784, false, true], [100, 784, 200, false, false], [100, 200, 784, false, false], [37, 53, 129, false, false],
];

describe('threads', () => {
  it('the -mt build runs on 2 and 3 threads and says so in its variant', async () => {
    const be = await createWasmBackend({ threads: 2 });
    expect(be.variant).toMatch(/-mt×2$/);
    be.dispose();
  });

  it('matmul is bitwise identical on 1, 2 and 3 threads in all three forms', async () => {
    const one = await createWasmBackend({ threads: 1, build: 'relaxed-mt' });
    const many = [await createWasmBackend({ threads: 2 }), await createWasmBackend({ threads: 3 })];
    for (const [m, k, n, ta, tb] of SHAPES) {
      const a = fillRandom(m * k, m + k), b = fillRandom(k * n, k + n), bias = fillRandom(n, n);
      const run = (be: typeof one) => {
        const c = be.alloc(m * n, false);
        be.matmul(upload(be, a), upload(be, b), c, m, k, n, ta, tb, false, upload(be, bias));
        return be.read(c);
      };
      const want = run(one);
      for (const be of many) expect(Buffer.from(run(be).buffer).equals(Buffer.from(want.buffer)), `${m}×${k}×${n} on ${be.variant}`).toBe(true);
    }
    for (const be of [one, ...many]) be.dispose();
  });

  it('300 training steps of the categorical VAE give bitwise identical losses and parameters on 1 and 2 threads', async () => {
    const n = 1000, x = new Float32Array(n * 784).map((_, i) => ((i * 2654435761) >>> 0) % 7 === 0 ? 1 : 0);
    const cfg = patchConfig(defaultConfig('vae'), { optimizer: { batch: 100, steps: 300 } });
    const runWith = async (threads: number) => {
      const be = await createWasmBackend({ threads, build: 'relaxed-mt' });
      setBackend(be);
      const t = new Trainer(cfg, makeDataset(x, 784), be);
      const losses: number[] = [];
      for (let s = 0; s < cfg.optimizer.steps; s++) losses.push(t.trainStep().loss);
      const params = Float32Array.from(t.model.params.list.flatMap((p) => [...p.data()]));
      be.dispose();
      return { losses, params };
    };
    const a = await runWith(1), b = await runWith(2);
    expect(b.losses).toEqual(a.losses);
    expect(Buffer.from(b.params.buffer).equals(Buffer.from(a.params.buffer))).toBe(true);
    expect(a.losses[299]).toBeLessThan(a.losses[0]);
  }, 240_000);
});
