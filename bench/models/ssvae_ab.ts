// An M2 training step (1 thread, k = 10, 100 unlabeled + 100 labeled rows) on two relaxed builds in
// one process, steps interleaved, each timed in process CPU time: an A/B of a kernel change that
// holds up on a loaded, shared machine (wall time there mostly measures the scheduler; alternating
// spreads the load and cache pressure of other processes evenly over both).
// `npx tsx bench/models/ssvae_ab.ts OLD.wasm [marginalize|gumbel_softmax] [pairs]` (B = build/relaxed.wasm).
import { readFileSync } from 'node:fs';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { detectFeatures } from '../../src/backends/wasm/features.js';
import { setBackend } from '../../src/engine.js';
import { SsvaeTrainer, ssvaeConfig } from '../../src/train/ssvae.js';
import { loadSsvaeData } from '../../src/train/ssvae_run.js';

const [oldFile, method = 'gumbel_softmax', pairsArg = '6'] = process.argv.slice(2);
if (!oldFile) throw new Error('usage: ssvae_ab.ts OLD.wasm [marginalize|gumbel_softmax] [pairs]');
const data = await loadSsvaeData();
await detectFeatures(); // enables relaxed SIMD in Node before a module is compiled
const files = [oldFile, 'build/relaxed.wasm'];
const arms = await Promise.all(files.map(async (f) => {
  const be = await createWasmBackend({ build: 'relaxed', module: new WebAssembly.Module(readFileSync(f)) });
  setBackend(be);
  const trainer = new SsvaeTrainer(ssvaeConfig({
    model: { classes: 10, labels: 100, randomLabels: true }, estimator: { name: method as 'marginalize', options: {} },
    optimizer: { labeledBatch: 100, batch: 100, steps: 1 }, runtime: { backend: 'wasm', threads: 1 },
  }), data, be);
  return { be, trainer, ms: [] as number[], losses: [] as number[] };
}));
for (let i = 0; i < Number(pairsArg) + 1; i++) {
  for (const a of arms) {
    setBackend(a.be);
    const t0 = process.cpuUsage();
    const { loss } = a.trainer.trainStep();
    const d = process.cpuUsage(t0);
    if (i > 0) a.ms.push((d.user + d.system) / 1000); // the first step warms up
    a.losses.push(loss);
  }
}
const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
for (const [i, a] of arms.entries()) {
  const med = median(a.ms), min = Math.min(...a.ms);
  console.log(`${method} ${files[i]}: median ${med.toFixed(1)} CPU ms/step (${(1000 / med).toFixed(3)} steps/CPU-s), min ${min.toFixed(1)}; losses ${a.losses.slice(0, 3).map((l) => l.toPrecision(8)).join(' ')}`);
}
console.log(`same losses: ${arms[0].losses.every((l, i) => Object.is(l, arms[1].losses[i]))}; new/old speed (median) ${(median(arms[0].ms) / median(arms[1].ms)).toFixed(3)}x`);
for (const a of arms) a.be.dispose();
