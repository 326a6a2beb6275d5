// The demo's training engine, in a dedicated Web Worker so the page never blocks: it owns the wasm
// backend (and, when the page is cross-origin isolated, the backend's thread pool of nested workers,
// which the engine may wait on with Atomics.wait because it is not the page's main thread).
//
// Page → worker: {type: 'start', estimator, tau, lr, batch, seed, maxSteps} · {type: 'stop'} · {type: 'tau', tau}
// Worker → page: {type: 'ready', ...} · {type: 'progress', ...} · {type: 'images', ...} · {type: 'done', ...} · {type: 'error', message}
import { noGrad } from '../../dist/autograd/tape.js';
import { createWasmBackend } from '../../dist/backends/wasm/index.js';
import { detectFeatures } from '../../dist/backends/wasm/features.js';
import { binarizeFixed, binarizationKey, makeDataset, parseIdx } from '../../dist/data/index.js';
import { setBackend, step } from '../../dist/engine.js';
import { argmaxOneHot, sigmoid, tensor } from '../../dist/ops.js';
import { key } from '../../dist/random/key.js';
import { defaultConfig, patchConfig } from '../../dist/train/config.js';
import { Trainer } from '../../dist/train/trainer.js';

const SAMPLES = 32;
const RECON = 8;
const PROGRESS_MS = 150;
const IMAGES_MS = 600;

let backend = null;
let train = null;
let run = null; // { trainer, stop, ... }

const post = (m, transfer) => self.postMessage(m, transfer ?? []);

async function init() {
  const features = await detectFeatures();
  const cores = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  const threads = features.threads ? cores : 1;
  backend = await createWasmBackend({ threads });
  setBackend(backend);
  const res = await fetch(new URL(`${import.meta.env.BASE_URL}mnist/train-images-subset.idx`, self.location.origin));
  if (!res.ok) throw new Error(`MNIST subset: HTTP ${res.status}`);
  const idx = parseIdx(new Uint8Array(await res.arrayBuffer()), { name: 'mnist/train-images-subset.idx' });
  train = makeDataset(binarizeFixed(idx.data, binarizationKey('train')), 784);
  post({
    type: 'ready', features, variant: backend.variant, threads: backend.variant.includes('×') ? Number(backend.variant.split('×')[1]) : 1,
    crossOriginIsolated: self.crossOriginIsolated === true, examples: train.n,
  });
}

/** Samples from the prior (fixed key, so the grid shows the same z as training goes) and reconstructions. */
function images(trainer) {
  const model = trainer.model;
  const samples = model.sample(SAMPLES, key(12345));
  const inputs = train.images.slice(0, RECON * 784);
  const recon = step(() => noGrad(() => {
    const q = model.encoder.forward(tensor(inputs, [RECON, 784], { backend }));
    const z = model.spec.kind === 'categorical' ? argmaxOneHot(q, model.spec.k) : q;
    return Float32Array.from(sigmoid(model.decoder.forward(z)).data());
  }), backend);
  return { samples, inputs, recon };
}

async function start(opts) {
  if (run) run.stop = true;
  const config = patchConfig(defaultConfig('vae'), {
    estimator: { name: opts.estimator }, schedule: { tau: opts.tau }, optimizer: { lr: opts.lr, batch: opts.batch, seed: opts.seed }, runtime: { threads: 0 },
  });
  const trainer = new Trainer(config, train, backend);
  const me = { trainer, stop: false };
  run = me;
  const losses = [];
  let lastImages = 0;
  const maxSteps = opts.maxSteps > 0 ? opts.maxSteps : Infinity;
  const sendImages = () => {
    const im = images(trainer);
    post({ type: 'images', step: trainer.step, ...im }, [im.samples.buffer, im.inputs.buffer, im.recon.buffer]);
    lastImages = performance.now();
  };
  sendImages();
  while (!me.stop && trainer.step < maxSteps) {
    // Train for ~PROGRESS_MS, then yield so messages (stop, τ) get through.
    const t0 = performance.now();
    const chunk = [];
    do chunk.push(trainer.trainStep().loss);
    while (performance.now() - t0 < PROGRESS_MS && trainer.step < maxSteps);
    losses.push(...chunk);
    const now = performance.now();
    post({
      type: 'progress', step: trainer.step, losses: chunk, tau: trainer.tauAt(trainer.step),
      examplesPerSec: (chunk.length * config.optimizer.batch) / ((now - t0) / 1000), epoch: (trainer.step * config.optimizer.batch) / train.n,
    });
    if (now - lastImages > IMAGES_MS) sendImages();
    await new Promise((r) => setTimeout(r, 0));
  }
  if (run === me) {
    sendImages();
    post({ type: 'done', step: trainer.step, losses });
    run = null;
  }
}

const ready = init().catch((e) => post({ type: 'error', message: String(e?.stack ?? e) }));

self.onmessage = async (e) => {
  await ready;
  const m = e.data;
  try {
    if (m.type === 'start') await start(m);
    else if (m.type === 'stop' && run) run.stop = true;
    else if (m.type === 'tau' && run) run.trainer.config.schedule.tau = m.tau; // read by tauAt at every step
  } catch (err) {
    post({ type: 'error', message: String(err?.stack ?? err) });
  }
};
