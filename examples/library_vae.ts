// The README's library example, runnable: a categorical VAE (20 variables × 10 classes) on
// MNIST-shaped data with any of the seven estimators. `npx tsx examples/library_vae.ts`
import * as g from '../src/index.js';

export async function main(steps = 200, batches?: Float32Array[]): Promise<number[]> {
  const be = await g.createWasmBackend();
  g.setBackend(be);
  const params = new g.Params(be);
  const [k1, k2] = g.split(g.key(1));
  const enc = new g.Linear(params, 'enc', 784, 200, k1); // 20 categorical variables × 10 classes
  const dec = new g.Linear(params, 'dec', 200, 784, k2);
  const estimator = g.createEstimator('gumbel_softmax'); // or sf, darn, muprop, st, slope_st, st_gumbel_softmax
  const opt = new g.Adam(1e-3);

  function trainStep(batch: Float32Array, t: number): number {
    return g.step(() => {
      // scratch memory is freed after each step
      const x = g.tensor(batch, [100, 784]);
      const pass: g.Pass = (latent) => {
        const z = latent(enc.forward(x), { kind: 'categorical', k: 10 });
        return g.sum(g.sigmoidCrossEntropy(dec.forward(z), x), -1); // f: per-example loss [B]
      };
      const { loss, surrogate } = estimator.objective(pass, g.foldIn(g.key(7), t), { tau: 1, slope: 1 }, x);
      opt.step(params.list, g.grad(surrogate, params.list));
      return loss.item();
    });
  }

  // Stand-in data: replace with batches of binarized MNIST (see src/data).
  const data = batches ?? [Float32Array.from({ length: 100 * 784 }, (_, i) => ((i * 2654435761) >>> 0) % 5 === 0 ? 1 : 0)];
  const losses: number[] = [];
  for (let t = 0; t < steps; t++) losses.push(trainStep(data[t % data.length], t));
  be.dispose();
  return losses;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const losses = await main();
  console.log(`loss: ${losses[0].toFixed(2)} → ${losses[losses.length - 1].toFixed(2)}`);
}
