// The example worker's logic, runtime-neutral: it needs a compiled wasm module, a checkpoint and a
// small training set as bytes, and nothing from the host (no files, no URLs, no threads), so the
// same code runs in Cloudflare workerd (src/index.mjs) and, for the tests' reference numbers, in Node.
//
//   const svc = await createService({ module, build: 'relaxed', checkpoint, trainSet });
//   svc.encode(images)      images: rows of 784 pixels in [0, 1] → one discrete code per row
//   svc.sample(n, seed)     n images of pixel probabilities from the prior, keyed by seed
//   svc.train(steps)        `steps` more optimizer steps (at most MAX_TRAIN_STEPS per call)
//   svc.checkpoint()        the current checkpoint (the same binary format the CLI writes)
import { createWasmBackend } from '../../../dist/backends/wasm/index.js';
import { noGrad } from '../../../dist/autograd/tape.js';
import { makeDataset, unpackBits } from '../../../dist/data/index.js';
import { setBackend, step } from '../../../dist/engine.js';
import { tensor } from '../../../dist/ops.js';
import { key } from '../../../dist/random/key.js';
import { decodeCheckpoint, encodeCheckpoint } from '../../../dist/train/checkpoint.js';
import { patchConfig, savedConfig } from '../../../dist/train/config.js';
import { Trainer } from '../../../dist/train/trainer.js';

/** Per request: a Worker's CPU time is limited, and a training step of the paper's VAE takes ~10 ms. */
export const MAX_TRAIN_STEPS = 100;
export const MAX_SAMPLES = 64;
export const MAX_ENCODE = 256;

export class RequestError extends Error {}

/**
 * @param {{ module: WebAssembly.Module, build: string, checkpoint: ArrayBuffer | Uint8Array,
 *           trainSet: ArrayBuffer | Uint8Array, dim?: number }} opts
 *   trainSet: binary images packed 8 pixels a byte, LSB first (data/packBits), a whole number of rows.
 */
export async function createService({ module, build, checkpoint, trainSet, dim = 784 }) {
  const backend = await createWasmBackend({ module, build, threads: 1 });
  setBackend(backend);
  const state = decodeCheckpoint(new Uint8Array(checkpoint), 'checkpoint.bin');
  const config = patchConfig(savedConfig(state.config), { runtime: { threads: 1 } });
  const bits = new Uint8Array(trainSet);
  const n = Math.floor((bits.length * 8) / dim);
  const trainer = new Trainer(config, makeDataset(unpackBits(bits, n * dim), dim), backend);
  trainer.restore(state, 'checkpoint.bin');
  const model = trainer.model;
  const spec = model.spec;

  /** The most probable code of each row: per categorical variable the argmax class, per Bernoulli unit logit > 0. */
  function encode(images) {
    if (!Array.isArray(images) || images.length === 0 || images.length > MAX_ENCODE) {
      throw new RequestError(`images must be a list of 1 to ${MAX_ENCODE} rows of ${dim} pixels`);
    }
    const rows = images.length;
    const x = new Float32Array(rows * dim);
    images.forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== dim) throw new RequestError(`image ${r} must have ${dim} pixels, found ${Array.isArray(row) ? row.length : typeof row}`);
      for (let j = 0; j < dim; j++) {
        const v = row[j];
        if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new RequestError(`image ${r} pixel ${j} must be a number in [0, 1], found ${JSON.stringify(v)}`);
        x[r * dim + j] = v;
      }
    });
    const logits = step(() => noGrad(() => Float32Array.from(model.encoder.forward(tensor(x, [rows, dim], { backend })).data())), backend);
    const width = model.width;
    return Array.from({ length: rows }, (_, r) => {
      const l = logits.subarray(r * width, (r + 1) * width);
      if (spec.kind === 'bernoulli') return Array.from(l, (v) => (v > 0 ? 1 : 0));
      const code = [];
      for (let v = 0; v < width; v += spec.k) {
        let best = 0;
        for (let c = 1; c < spec.k; c++) if (l[v + c] > l[v + best]) best = c;
        code.push(best);
      }
      return code;
    });
  }

  function sample(n, seed) {
    if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) throw new RequestError(`n must be an integer in [1, ${MAX_SAMPLES}], found ${JSON.stringify(n)}`);
    if (!Number.isInteger(seed) || seed < 0) throw new RequestError(`seed must be an integer >= 0, found ${JSON.stringify(seed)}`);
    const p = model.sample(n, key(seed));
    return Array.from({ length: n }, (_, i) => Array.from(p.subarray(i * dim, (i + 1) * dim)));
  }

  function train(steps) {
    if (!Number.isInteger(steps) || steps < 1 || steps > MAX_TRAIN_STEPS) {
      throw new RequestError(`steps must be an integer in [1, ${MAX_TRAIN_STEPS}], found ${JSON.stringify(steps)}`);
    }
    const from = trainer.step;
    const losses = [], taus = [];
    for (let i = 0; i < steps; i++) {
      const r = trainer.trainStep();
      losses.push(r.loss);
      taus.push(r.tau);
    }
    return { from, step: trainer.step, losses, tau: taus[taus.length - 1] };
  }

  return {
    trainer,
    info: () => ({
      model: `${config.model.name}/${config.model.latent}/${config.estimator.name}`,
      code: spec.kind === 'categorical' ? { vars: model.width / spec.k, classes: spec.k } : { units: model.width },
      step: trainer.step,
      trainExamples: n,
      variant: backend.variant,
      limits: { trainSteps: MAX_TRAIN_STEPS, samples: MAX_SAMPLES, encode: MAX_ENCODE },
    }),
    encode,
    sample,
    train,
    checkpoint: () => encodeCheckpoint(trainer.checkpoint()),
  };
}
