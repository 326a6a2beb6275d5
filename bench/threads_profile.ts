// Where a 2-thread training step loses time (issue 18): `npx tsx bench/threads_profile.ts [--steps=300]`.
//   round trip: µs per pool job that does (almost) nothing — dispatch, every chunk done, the caller
//     continues — back to back, and with 20 µs of caller work between jobs (as between kernels in a step);
//   per model, 1 and 2 threads: ms per step, its kernel time, the rest (JS: autograd, ops, the
//     optimizer's bookkeeping; serial), pool jobs per step, and each kernel's ms per step 1T → 2T.
// Pool jobs are counted by wrapping Atomics.store: pool.run stores 0 into the DONE word once per job.
import { profile } from './profile.js';
import { MODELS } from '../src/cli/bench.js';
import { createWasmBackend, loadModule } from '../src/backends/wasm/index.js';
import { createPool } from '../src/backends/wasm/pool.js';
import { bestBuild, detectFeatures } from '../src/backends/wasm/features.js';
import { DONE } from '../worker/pool_sync.mjs';
import { setBackend } from '../src/engine.js';
import { Trainer } from '../src/train/trainer.js';
import { makeDataset } from '../src/data/index.js';
import { loadavg } from 'node:os';

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const STEPS = opt('steps', 300);

let jobs = 0;
const store = Atomics.store;
Atomics.store = ((a: Int32Array, i: number, v: number) => {
  if (i === DONE && v === 0 && a.buffer instanceof SharedArrayBuffer) jobs++;
  return store(a, i, v);
}) as typeof Atomics.store;

async function roundTrip(): Promise<void> {
  const module = await loadModule(bestBuild(await detectFeatures(), true));
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
  const { exports } = await WebAssembly.instantiate(module, { env: { memory } });
  const fill = exports.fill_f32 as (y: number, n: number, v: number) => void;
  const pool = await createPool(module, memory, 2, 32768);
  const fn = pool.exportIndex('fill_f32');
  const chunks = [[65536, 16, 1], [65536 + 64, 16, 2]];
  for (const gapUs of [0, 20, 200]) {
    const times: number[] = [];
    for (let r = 0; r < 20_000; r++) {
      const g0 = performance.now();
      while (performance.now() - g0 < gapUs / 1000);
      const t0 = performance.now();
      pool.run(fn, chunks, -1, [], (a) => fill(a[0], a[1], a[2]));
      times.push(performance.now() - t0);
      if (gapUs >= 200 && r >= 2000) break;
    }
    times.sort((a, b) => a - b);
    const q = (f: number) => (times[Math.floor(f * (times.length - 1))] * 1000).toFixed(1);
    console.log(`round trip, ${gapUs} µs between jobs: median ${q(0.5)} µs, p10 ${q(0.1)}, p90 ${q(0.9)}`);
  }
  pool.dispose();
}

async function models(): Promise<void> {
  const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
  for (const m of MODELS) {
    const per: Map<string, { ms: number; calls: number }>[] = [];
    for (const threads of [1, 2]) {
      const be = await createWasmBackend({ threads });
      const pr = profile(be);
      setBackend(pr.backend);
      const t = new Trainer(m.config, makeDataset(x, 784), pr.backend);
      for (let i = 0; i < 30; i++) t.trainStep();
      pr.reset();
      jobs = 0;
      const t0 = performance.now();
      for (let i = 0; i < STEPS; i++) t.trainStep();
      const step = (performance.now() - t0) / STEPS;
      const kern = [...pr.totals.values()].reduce((s, e) => s + e.ms, 0) / STEPS;
      console.log(`${m.name} ${threads}T: ${step.toFixed(3)} ms/step (${Math.round(1e5 / step)} ex/s), kernels ${kern.toFixed(3)}, rest (JS) ${(step - kern).toFixed(3)} (${((100 * (step - kern)) / step).toFixed(0)} %), pool jobs/step ${(jobs / STEPS).toFixed(1)}, kernel calls/step ${([...pr.totals.values()].reduce((s, e) => s + e.calls, 0) / STEPS).toFixed(0)}`);
      per.push(new Map(pr.totals));
      be.dispose();
    }
    const rows = [...per[0]].sort((a, b) => b[1].ms - a[1].ms);
    for (const [key, e] of rows) {
      const two = per[1].get(key)?.ms ?? NaN;
      console.log(`   ${key.padEnd(28)} ${(e.calls / STEPS).toFixed(0).padStart(3)} calls  ${((e.ms / STEPS) * 1000).toFixed(0).padStart(6)} → ${((two / STEPS) * 1000).toFixed(0).padStart(6)} µs/step  (${(e.ms / two).toFixed(2)}×)`);
    }
  }
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await roundTrip();
await models();
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
