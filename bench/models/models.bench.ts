// Whole-model throughput (issue 9): one full training step (forward, backward, Adam update) at
// batch 100 with gumbel_softmax, for
//   (a) vae-cat   the paper's categorical VAE 784-(20×10)-784
//   (b) vae-mlp   784-512-256-(20×10)-256-512-784, ReLU
//   (c) sbn-bern  the Bernoulli SBN 392-200-200-392
// on our wasm backend with 1 and 2 threads, against the same models written directly in
// tfjs-core + tfjs-backend-wasm (bench/peers/tfjs_models.ts) and in PyTorch on CPU, in the same run,
// all on fixed-binarized MNIST training batches. PyTorch (when /usr/bin/python3 has torch) is timed
// twice, independently: bench/peers/torch_models.py (impl 'torch') and torch_models_check.py
// (impl 'torch-check', torch.utils.benchmark); rows of the two that differ by more than 15 % get
// torch_disagree, and our ratio vs_torch is against the faster of the two.
// Rows: {model, impl, threads, examples_per_s, ms_per_step}; a per-kernel breakdown goes to stderr.
import type { Backend } from '../../src/backend.js';
import { openBackend } from '../../src/backends/open.js';
import type { Dataset } from '../../src/data/index.js';
import { loadMnist } from '../../src/data/node.js';
import { setBackend } from '../../src/engine.js';
import { patchConfig, type TrainConfig } from '../../src/train/config.js';
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

const DISAGREE = 0.15;

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

async function ours(be: Backend, data: Dataset, name: string, config: TrainConfig, seconds: number, threads: number): Promise<ModelRow> {
  const cfg = patchConfig(config, { optimizer: { batch: B } });
  setBackend(be);
  const trainer = new Trainer(cfg, data, be);
  const ms = timeSteps(() => void trainer.trainStep(), seconds);
  // Breakdown from a second trainer on the profiling wrapper, in a separate, shorter window: timing
  // each kernel adds serial JS to every call, which must not reach the timed steps above.
  const prof = profile(be);
  setBackend(prof.backend);
  const profiled = new Trainer(cfg, data, prof.backend);
  for (let i = 0; i < 30; i++) profiled.trainStep();
  prof.reset();
  const steps = 20;
  for (let i = 0; i < steps; i++) profiled.trainStep();
  setBackend(be);
  const rows = [...prof.totals].sort((a, b) => b[1].ms - a[1].ms);
  const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
  console.error(`\n${name} wasm ${threads}T (${be.variant}): ${ms.toFixed(3)} ms/step; kernels ${kernelMs.toFixed(3)} ms/step, JS overhead ≈ ${(ms - kernelMs).toFixed(3)}`);
  for (const [id, e] of rows.slice(0, 12)) console.error(`  ${id.padEnd(22)} ${(e.ms / steps).toFixed(3).padStart(8)} ms  ${(e.calls / steps).toFixed(0).padStart(4)} calls`);
  return { model: name, impl: 'wasm', threads, examples_per_s: Math.round((B * 1000) / ms), ms_per_step: +ms.toFixed(4), variant: be.variant };
}

/** Both PyTorch timings; a row whose twin (same model and threads) differs by more than DISAGREE gets torch_disagree. */
function torch(seconds: number, models: string[]): ModelRow[] {
  const args = ['--threads', '1,2', '--seconds', String(seconds), '--models', models.join(',')];
  const rows = [...torchPeer<ModelRow>('./torch_models.py', args), ...torchPeer<ModelRow>('./torch_models_check.py', args)];
  for (const r of rows) {
    const twin = rows.find((t) => t !== r && t.model === r.model && t.threads === r.threads);
    if (!twin) continue;
    const diff = Math.abs(r.examples_per_s - twin.examples_per_s) / Math.min(r.examples_per_s, twin.examples_per_s);
    if (diff > DISAGREE) r.torch_disagree = +diff.toFixed(2);
  }
  for (const r of rows.filter((x) => x.impl === 'torch' && x.torch_disagree)) {
    console.error(`torch: ${r.model} ${r.threads}T, the two timings differ by ${(Number(r.torch_disagree) * 100).toFixed(0)} % (> ${DISAGREE * 100} %)`);
  }
  return rows;
}

export async function run(ctx: BenchContext): Promise<ModelRow[]> {
  const seconds = Number(ctx.args.find((a) => a.startsWith('--seconds='))?.slice(10) ?? 3);
  const only = ctx.args.filter((a) => !a.startsWith('--'));
  const models = MODELS.filter((m) => !only.length || only.includes(m.name));
  if (!models.length) return [];
  const { train } = await loadMnist({ binarize: 'fixed' }); // as `gumbel train` uses it
  const rows: ModelRow[] = [];
  for (const threads of [1, 2]) {
    const be = await openBackend('wasm', { threads });
    for (const m of models) rows.push(await ours(be, train, m.name, m.config, seconds, threads));
    be.dispose();
  }
  for (const m of models) {
    const ms = await tfjsModelStepsPerSecond(m.name, seconds);
    rows.push({ model: m.name, impl: 'tfjs-wasm', threads: 1, examples_per_s: Math.round((B * 1000) / ms), ms_per_step: +ms.toFixed(4) });
  }
  rows.push(...torch(seconds, models.map((m) => m.name)));
  // Ratios ours / peer, same model and thread count (tfjs-backend-wasm runs one thread in Node); for
  // PyTorch against the faster of its two timings.
  for (const r of rows.filter((x) => x.impl === 'wasm')) {
    const tfjs = rows.find((x) => x.model === r.model && x.impl === 'tfjs-wasm');
    if (tfjs) r.vs_tfjs_wasm = +(r.examples_per_s / tfjs.examples_per_s).toFixed(2);
    const torchBest = Math.max(0, ...rows.filter((x) => x.model === r.model && x.impl.startsWith('torch') && x.threads === r.threads).map((x) => x.examples_per_s));
    if (torchBest) r.vs_torch = +(r.examples_per_s / torchBest).toFixed(2);
  }
  return rows;
}
