// Whole-model throughput (issue 9): one full training step (forward, backward, Adam update) at
// batch 100 with gumbel_softmax, for
//   (a) vae-cat   the paper's categorical VAE 784-(20×10)-784
//   (b) vae-mlp   784-512-256-(20×10)-256-512-784, ReLU
//   (c) sbn-bern  the Bernoulli SBN 392-200-200-392
// on our wasm backend with 1 and 2 threads, against the same models written directly in
// tfjs-core + tfjs-backend-wasm (bench/peers/tfjs_models.ts) and in PyTorch on CPU
// (bench/peers/torch_models.py, when /usr/bin/python3 has torch), in the same run.
// Rows: {model, impl, threads, examples_per_s, ms_per_step}; a per-kernel breakdown goes to stderr.
import type { Backend } from '../../src/backend.js';
import { openBackend } from '../../src/backends/open.js';
import { makeDataset } from '../../src/data/index.js';
import { setBackend } from '../../src/engine.js';
import { defaultConfig, type TrainConfig } from '../../src/train/config.js';
import { Trainer } from '../../src/train/trainer.js';
import type { BenchContext } from '../harness.js';
import { profile } from '../profile.js';
import { MODELS } from '../../src/cli/bench.js';
import { tfjsModelStepsPerSecond } from '../peers/tfjs_models.js';
import { torchPeer } from '../peers/torch.js';

export interface ModelRow {
  model: string;
  impl: string;
  threads: number;
  examples_per_s: number;
  ms_per_step: number;
  [k: string]: unknown;
}


const B = 100;

/** Synthetic binary data of MNIST's shape and density (the step's cost does not depend on the pixels). */
function data() {
  const n = 2000, x = new Float32Array(n * 784);
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s < 0.13 * 4294967296 ? 1 : 0;
  }
  return makeDataset(x, 784);
}

function timeSteps(step: () => void, seconds: number): number {
  for (let i = 0; i < 30; i++) step(); // V8 tier-up: the first calls run in Liftoff
  let steps = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    step();
    steps++;
  }
  return (performance.now() - t0) / steps;
}

async function ours(be: Backend, name: string, config: Partial<TrainConfig>, seconds: number, threads: number): Promise<ModelRow> {
  const prof = profile(be);
  setBackend(prof.backend);
  const cfg = { ...defaultConfig(config.model), ...config, estimator: 'gumbel_softmax', batch: B, optimizer: 'adam' } as TrainConfig;
  const trainer = new Trainer(cfg, data(), prof.backend);
  const ms = timeSteps(() => void trainer.trainStep(), seconds);
  // Breakdown from a separate, shorter profiled window (timing each kernel adds overhead).
  prof.reset();
  const steps = 20;
  for (let i = 0; i < steps; i++) trainer.trainStep();
  const rows = [...prof.totals].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
  console.error(`\n${name} wasm ${threads}T (${be.variant}): ${ms.toFixed(3)} ms/step; kernels ${kernelMs.toFixed(3)} ms/step, JS overhead ≈ ${(ms - kernelMs).toFixed(3)}`);
  for (const [id, e] of rows.slice(0, 12)) console.error(`  ${id.padEnd(22)} ${(e.ms / steps).toFixed(3).padStart(8)} ms  ${(e.calls / steps).toFixed(0).padStart(4)} calls`);
  return { model: name, impl: 'wasm', threads, examples_per_s: Math.round((B * 1000) / ms), ms_per_step: +ms.toFixed(4), variant: be.variant };
}

function torch(seconds: number): ModelRow[] {
  return torchPeer<ModelRow>('./torch_models.py', ['--threads', '1,2', '--seconds', String(seconds)]);
}

export async function run(ctx: BenchContext): Promise<ModelRow[]> {
  const seconds = Number(ctx.args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 3);
  const only = ctx.args.filter((a) => !a.startsWith('--'));
  const models = MODELS.filter((m) => !only.length || only.includes(m.name));
  if (!models.length) return [];
  const rows: ModelRow[] = [];
  for (const threads of [1, 2]) {
    const be = await openBackend('wasm', { threads });
    for (const m of models) rows.push(await ours(be, m.name, m.config, seconds, threads));
    be.dispose();
  }
  for (const m of models) {
    const ms = await tfjsModelStepsPerSecond(m.name, seconds);
    rows.push({ model: m.name, impl: 'tfjs-wasm', threads: 1, examples_per_s: Math.round((B * 1000) / ms), ms_per_step: +ms.toFixed(4) });
  }
  rows.push(...torch(seconds).filter((r) => models.some((m) => m.name === r.model)));
  // Ratios ours / peer, same model and thread count (tfjs-backend-wasm runs one thread in Node).
  for (const r of rows.filter((x) => x.impl === 'wasm')) {
    for (const peer of ['tfjs-wasm', 'torch']) {
      const p = rows.find((x) => x.model === r.model && x.impl === peer && (peer === 'tfjs-wasm' || x.threads === r.threads));
      if (p) r[`vs_${peer.replace('-', '_')}`] = +(r.examples_per_s / p.examples_per_s).toFixed(2);
    }
  }
  return rows;
}
