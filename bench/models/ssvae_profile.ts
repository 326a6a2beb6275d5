// Where an M2 training step's time goes (1 thread): every kernel call timed, matmuls by shape, conv
// FLOPs counted. `npx tsx bench/models/ssvae_profile.ts [marginalize|gumbel_softmax] [steps]`.
import { openBackend } from '../../src/backends/open.js';
import { setBackend } from '../../src/engine.js';
import { SsvaeTrainer, ssvaeConfig } from '../../src/train/ssvae.js';
import { loadSsvaeData } from '../../src/train/ssvae_run.js';
import { profile } from '../profile.js';

const method = (process.argv[2] ?? 'gumbel_softmax') as 'marginalize' | 'gumbel_softmax';
const steps = Number(process.argv[3] ?? 3);
const data = await loadSsvaeData();
const be = await openBackend('wasm', { threads: 1 });
const prof = profile(be);
// matmuls by shape on top of the per-kernel totals
const shapes = new Map<string, { ms: number; calls: number; flops: number }>();
const mm = prof.backend.matmul.bind(prof.backend);
(prof.backend as unknown as Record<string, unknown>).matmul = (...a: Parameters<typeof be.matmul>) => {
  const t0 = performance.now();
  mm(...a);
  const [, , , m, k, n, ta, tb, acc, bias] = a;
  const key = `${m}x${k}x${n}${ta ? ' tA' : ''}${tb ? ' tB' : ''}${acc ? ' acc' : ''}${bias ? ' bias' : ''}`;
  const e = shapes.get(key) ?? { ms: 0, calls: 0, flops: 0 };
  e.ms += performance.now() - t0;
  e.calls++;
  e.flops += 2 * m * k * n;
  shapes.set(key, e);
};
setBackend(prof.backend);
const trainer = new SsvaeTrainer(ssvaeConfig({
  model: { classes: 10, labels: 100, randomLabels: true }, estimator: { name: method, options: {} },
  optimizer: { labeledBatch: 100, batch: 100, steps: 1 }, runtime: { backend: 'wasm', threads: 1 },
}), data, prof.backend);
trainer.trainStep();
prof.reset();
shapes.clear();
const t0 = performance.now();
for (let i = 0; i < steps; i++) trainer.trainStep();
const ms = (performance.now() - t0) / steps;
const rows = [...prof.totals].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, e]) => s + e.ms, 0) / steps;
console.log(`${method}: ${ms.toFixed(1)} ms/step (${(1000 / ms).toFixed(3)} steps/s); kernels ${kernelMs.toFixed(1)} ms, JS/host ${(ms - kernelMs).toFixed(1)} ms`);
for (const [id, e] of rows.slice(0, 16)) console.log(`  ${id.padEnd(24)} ${(e.ms / steps).toFixed(1).padStart(8)} ms ${(e.calls / steps).toFixed(0).padStart(5)} calls`);
console.log('matmul shapes (m x k x n), per step:');
for (const [key, e] of [...shapes].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) {
  console.log(`  ${key.padEnd(30)} ${(e.ms / steps).toFixed(1).padStart(8)} ms ${(e.calls / steps).toFixed(0).padStart(4)} calls ${(e.flops / steps / 1e9).toFixed(3).padStart(7)} GFLOP ${(e.flops / e.ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
}
be.dispose();
