// Where an M2 training step's time goes (1 thread, k = 10, 100 unlabeled + 100 labeled rows): every
// kernel call timed in process CPU time (on a shared, loaded machine wall time mostly measures the
// scheduler), matmuls by shape with their GFLOP/s, the conv products summed.
// `npx tsx bench/models/ssvae_profile.ts [marginalize|gumbel_softmax] [steps] [--module=FILE.wasm]`
// (--module: another relaxed build, e.g. the one before a kernel change, for an A/B under the same load).
import { readFileSync } from 'node:fs';
import { createWasmBackend } from '../../src/backends/wasm/index.js';
import { detectFeatures } from '../../src/backends/wasm/features.js';
import { setBackend } from '../../src/engine.js';
import { KERNEL_IDS } from '../../src/kernels.js';
import type { Backend } from '../../src/backend.js';
import { SsvaeTrainer, ssvaeConfig } from '../../src/train/ssvae.js';
import { loadSsvaeData } from '../../src/train/ssvae_run.js';
import { isConvProduct } from './conv_products.js';

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const moduleFile = process.argv.find((a) => a.startsWith('--module='))?.slice(9);
const method = (args[0] ?? 'gumbel_softmax') as 'marginalize' | 'gumbel_softmax';
const steps = Number(args[1] ?? 3);
const data = await loadSsvaeData();
await detectFeatures(); // enables relaxed SIMD in Node before a module is compiled
const be = await createWasmBackend({ build: 'relaxed', ...(moduleFile ? { module: new WebAssembly.Module(readFileSync(moduleFile)) } : {}) });
type Tally = Map<string, { ms: number; calls: number; flops: number }>;
const kernels: Tally = new Map(), shapes: Tally = new Map();
const tally = (t: Tally, key: string, ms: number, flops: number) => {
  const e = t.get(key) ?? { ms: 0, calls: 0, flops: 0 };
  e.ms += ms;
  e.calls++;
  e.flops += flops;
  t.set(key, e);
};
const wrapped = Object.create(be) as Backend & Record<string, unknown>;
for (const id of KERNEL_IDS) {
  const f = (be[id] as (...a: unknown[]) => void).bind(be);
  wrapped[id] = (...a: unknown[]) => {
    const t0 = cpuMs();
    f(...a);
    const ms = cpuMs() - t0;
    tally(kernels, id === 'unary' || id === 'unary_grad' || id === 'binary' ? `${id}:${String(a[0])}` : id, ms, 0);
    if (id === 'matmul') {
      const [, , , m, k, n, ta, tb, , bias] = a as number[];
      tally(shapes, `${m}x${k}x${n}${ta ? ' tA' : ''}${tb ? ' tB' : ''}${bias ? ' bias' : ''}`, ms, 2 * m * k * n);
    }
  };
}
setBackend(wrapped);
const trainer = new SsvaeTrainer(ssvaeConfig({
  model: { classes: 10, labels: 100, randomLabels: true }, estimator: { name: method, options: {} },
  optimizer: { labeledBatch: 100, batch: 100, steps: 1 }, runtime: { backend: 'wasm', threads: 1 },
}), data, wrapped);
trainer.trainStep();
kernels.clear();
shapes.clear();
const t0 = cpuMs(), w0 = performance.now();
for (let i = 0; i < steps; i++) trainer.trainStep();
const ms = (cpuMs() - t0) / steps, wall = (performance.now() - w0) / steps;
const kernelMs = [...kernels.values()].reduce((s, e) => s + e.ms, 0) / steps;
console.log(`${method}${moduleFile ? ` (${moduleFile})` : ''}: ${ms.toFixed(1)} CPU ms/step (${(1000 / ms).toFixed(3)} steps per CPU second; wall ${wall.toFixed(0)} ms); kernels ${kernelMs.toFixed(1)} ms, JS/host ${(ms - kernelMs).toFixed(1)} ms`);
for (const [id, e] of [...kernels].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)) console.log(`  ${id.padEnd(24)} ${(e.ms / steps).toFixed(1).padStart(8)} ms ${(e.calls / steps).toFixed(0).padStart(5)} calls`);
const conv = [...shapes].filter(([key]) => isConvProduct(...(key.split(' ')[0].split('x').map(Number) as [number, number, number])));
const convMs = conv.reduce((s, [, e]) => s + e.ms, 0) / steps, convFlops = conv.reduce((s, [, e]) => s + e.flops, 0) / steps;
const patchMs = ['im2col', 'col2im'].reduce((s, id) => s + (kernels.get(id)?.ms ?? 0), 0) / steps;
const allFlops = [...shapes.values()].reduce((s, e) => s + e.flops, 0) / steps;
console.log(`matmul ${(allFlops / 1e9).toFixed(2)} GFLOP/step; convs: ${(convFlops / 1e9).toFixed(2)} GFLOP/step, products ${convMs.toFixed(1)} ms (${(convFlops / convMs / 1e6).toFixed(1)} GFLOP/s), + im2col/col2im ${patchMs.toFixed(1)} ms: ${(convFlops / (convMs + patchMs) / 1e6).toFixed(1)} GFLOP/s`);
console.log('matmul shapes (m x k x n), per step:');
for (const [key, e] of [...shapes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 24)) {
  console.log(`  ${key.padEnd(26)} ${(e.ms / steps).toFixed(1).padStart(8)} ms ${(e.calls / steps).toFixed(0).padStart(4)} calls ${(e.flops / steps / 1e9).toFixed(3).padStart(7)} GFLOP ${(e.flops / e.ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
}
be.dispose();
