// Where a 2-thread training step loses time (issue 18): `npx tsx bench/threads_profile.ts [--steps=300]`.
//   round trip: µs per pool job that does (almost) nothing — dispatch, every chunk done, the caller
//     continues — back to back, and with 20 µs of caller work between jobs (as between kernels in a step);
//   per model, 1 and 2 threads: ms per step, its kernel time, the rest (JS: autograd, ops, the
//     optimizer's bookkeeping; serial), pool jobs per step, and each kernel's ms per step 1T → 2T;
//   the serial part of a step (what runs between the calls that are split on 2 threads, timed on 1
//     thread, where a busy machine disturbs it least) and the 2T/1T bound it sets (Amdahl).
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
import type { Backend } from '../src/backend.js';
import { KERNEL_IDS } from '../src/kernels.js';

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const STEPS = opt('steps', 300);

// Jobs, gaps between job starts longer than the workers' 0.5 ms spin (they sleep there), and wakes
// (notify: the caller found a worker asleep).
let jobs = 0, longGaps = 0, wakes = 0, lastJob = 0;
const store = Atomics.store, notify = Atomics.notify;
Atomics.store = ((a: Int32Array, i: number, v: number) => {
  if (i === DONE && v === 0 && a.buffer instanceof SharedArrayBuffer) {
    const now = performance.now();
    if (now - lastJob > 0.5) longGaps++;
    lastJob = now;
    jobs++;
  }
  return store(a, i, v);
}) as typeof Atomics.store;
Atomics.notify = ((a: Int32Array, i: number, c?: number) => {
  wakes++;
  return notify(a, i, c);
}) as typeof Atomics.notify;

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

/** One model on `threads` threads: ms per step, the per-kernel totals, and per step each call's [start, end, split]. */
async function run(config: unknown, threads: number) {
  const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
  const be = await createWasmBackend({ threads });
  const pr = profile(be);
  // Each call's start, end and whether a pool job ran inside it, through a second wrapper.
  let calls: [number, number, boolean][] = [];
  const timed = Object.create(pr.backend) as Record<string, unknown>;
  for (const id of KERNEL_IDS) {
    const f = pr.backend[id] as (...a: unknown[]) => void;
    timed[id] = (...a: unknown[]) => {
      const j = jobs, t0 = performance.now();
      f(...a);
      calls.push([t0, performance.now(), jobs > j]);
    };
  }
  const tb = timed as unknown as Backend;
  setBackend(tb);
  const t = new Trainer(config as never, makeDataset(x, 784), tb);
  for (let i = 0; i < 30; i++) t.trainStep();
  pr.reset();
  jobs = longGaps = wakes = 0;
  const steps: [number, number, boolean][][] = [];
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) {
    calls = [];
    t.trainStep();
    steps.push(calls);
  }
  const ms = (performance.now() - t0) / STEPS;
  const kern = [...pr.totals.values()].reduce((s, e) => s + e.ms, 0) / STEPS;
  console.log(`  ${threads}T: ${ms.toFixed(3)} ms/step (${Math.round(1e5 / ms)} ex/s), kernels ${kern.toFixed(3)}, rest (JS) ${(ms - kern).toFixed(3)} (${((100 * (ms - kern)) / ms).toFixed(0)} %), pool jobs/step ${(jobs / STEPS).toFixed(1)} (gaps > 0.5 ms ${(longGaps / STEPS).toFixed(2)}, wakes ${(wakes / STEPS).toFixed(2)})`);
  be.dispose();
  return { totals: new Map(pr.totals), steps };
}

async function models(): Promise<void> {
  for (const m of MODELS) {
    console.log(m.name);
    const two = await run(m.config, 2), one = await run(m.config, 1);
    // The serial part, on the 1-thread timeline: from the end of each call that is split on 2
    // threads to the start of the next one (the next step's first for the last); median over steps.
    const split = two.steps[0].map((c) => c[2]).flatMap((v, i) => (v ? [i] : []));
    const gap = split.map((i, q) => {
      const g = one.steps.slice(0, -1).map((cur, s) => (q + 1 < split.length ? cur[split[q + 1]][0] : one.steps[s + 1][split[0]][0]) - cur[i][1]);
      return g.sort((a, b) => a - b)[g.length >> 1];
    });
    const step = one.steps.slice(0, -1).map((cur, s) => one.steps[s + 1][0][0] - cur[0][0]).sort((a, b) => a - b)[STEPS >> 1];
    const serial = gap.reduce((a, b) => a + b, 0);
    console.log(`  serial part (1T timeline, between the ${split.length} calls split on 2T): ${(serial * 1000).toFixed(0)} µs of ${(step * 1000).toFixed(0)} (${((100 * serial) / step).toFixed(1)} %), longest gap ${(Math.max(...gap) * 1000).toFixed(0)} µs; with every split call exactly 2× faster, 2T/1T ≤ ${(step / (serial + (step - serial) / 2)).toFixed(2)}`);
    const rows = [...one.totals].sort((a, b) => b[1].ms - a[1].ms);
    for (const [key, e] of rows) {
      const t2 = two.totals.get(key)?.ms ?? NaN;
      console.log(`   ${key.padEnd(28)} ${(e.calls / STEPS).toFixed(0).padStart(3)} calls  ${((e.ms / STEPS) * 1000).toFixed(0).padStart(6)} → ${((t2 / STEPS) * 1000).toFixed(0).padStart(6)} µs/step  (${(e.ms / t2).toFixed(2)}×)`);
    }
  }
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await roundTrip();
await models();
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
