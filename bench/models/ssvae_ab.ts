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
import { isConvProduct } from './conv_products.js';

const [oldFile, method = 'gumbel_softmax', pairsArg = '6'] = process.argv.slice(2);
if (!oldFile) throw new Error('usage: ssvae_ab.ts OLD.wasm [marginalize|gumbel_softmax] [pairs]');
const data = await loadSsvaeData();
await detectFeatures(); // enables relaxed SIMD in Node before a module is compiled
const files = [oldFile, 'build/relaxed.wasm'];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const arms = await Promise.all(files.map(async (f) => {
  const be = await createWasmBackend({ build: 'relaxed', module: new WebAssembly.Module(readFileSync(f)) });
  // The convolutions' share: their products (FLOPs, CPU ms) and im2col / col2im (CPU ms), after the first step.
  const conv = { flops: 0, ms: 0, patchMs: 0, on: false };
  const { matmul, im2col, col2im } = be;
  be.matmul = (...a: Parameters<typeof matmul>) => {
    const t0 = cpuMs();
    matmul.apply(be, a);
    if (conv.on && isConvProduct(a[3], a[4], a[5])) (conv.ms += cpuMs() - t0), (conv.flops += 2 * a[3] * a[4] * a[5]);
  };
  for (const [id, f] of [['im2col', im2col], ['col2im', col2im]] as const) {
    be[id] = (...a: Parameters<typeof im2col>) => {
      const t0 = cpuMs();
      f.apply(be, a);
      if (conv.on) conv.patchMs += cpuMs() - t0;
    };
  }
  setBackend(be);
  const trainer = new SsvaeTrainer(ssvaeConfig({
    model: { classes: 10, labels: 100, randomLabels: true }, estimator: { name: method as 'marginalize', options: {} },
    optimizer: { labeledBatch: 100, batch: 100, steps: 1 }, runtime: { backend: 'wasm', threads: 1 },
  }), data, be);
  return { be, trainer, conv, ms: [] as number[], losses: [] as number[] };
}));
for (let i = 0; i < Number(pairsArg) + 1; i++) {
  for (const a of arms) {
    setBackend(a.be);
    const t0 = process.cpuUsage();
    const { loss } = a.trainer.trainStep();
    const d = process.cpuUsage(t0);
    if (i > 0) a.ms.push((d.user + d.system) / 1000); // the first step warms up
    a.conv.on = true;
    a.losses.push(loss);
  }
}
const median = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
for (const [i, a] of arms.entries()) {
  const med = median(a.ms), min = Math.min(...a.ms);
  const c = a.conv, steps = a.ms.length;
  console.log(`${method} ${files[i]}: median ${med.toFixed(1)} CPU ms/step (${(1000 / med).toFixed(3)} steps/CPU-s), min ${min.toFixed(1)}; losses ${a.losses.slice(0, 3).map((l) => l.toPrecision(8)).join(' ')}`);
  console.log(`  convs ${(c.flops / steps / 1e9).toFixed(2)} GFLOP/step: products ${(c.ms / steps).toFixed(1)} ms/step, ${(c.flops / c.ms / 1e6).toFixed(1)} GFLOP/s; with im2col/col2im (${(c.patchMs / steps).toFixed(1)} ms) ${(c.flops / (c.ms + c.patchMs) / 1e6).toFixed(1)} GFLOP/s`);
}
console.log(`same losses: ${arms[0].losses.every((l, i) => Object.is(l, arms[1].losses[i]))}; new/old speed (median) ${(median(arms[0].ms) / median(arms[1].ms)).toFixed(3)}x`);
for (const a of arms) a.be.dispose();
