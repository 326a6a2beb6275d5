// Where a 2-thread training step loses time (issue 18): `npx tsx bench/threads_profile.ts [--steps=200]`.
//   round trip: µs per pool job that does (almost) nothing — dispatch, every chunk done, the caller
//     continues — back to back, and after 20 / 200 µs of caller work (as between kernels in a step);
//   per model, 1 and 2 threads (without the pool's back-off): ms per step, its kernel time, the rest (JS: autograd, ops, optimizer
//     bookkeeping), pool jobs per step, gaps between jobs longer than the workers' 0.5 ms spin, wakes;
//   the serial part of a step: what runs between the calls that are split on 2 threads, timed on the
//     1-thread timeline (a busy machine disturbs one thread least), and the 2T/1T bound it sets (Amdahl);
//   the split calls' time inside a step against each call repeated alone, on 1 and 2 threads.
// Jobs are counted by wrapping Atomics.store (pool.run stores 0 into the DONE word once per job), wakes
// by wrapping Atomics.notify (called only when a thread sleeps).
import { loadavg } from 'node:os';
import type { Backend } from '../src/backend.js';
import { MODELS } from '../src/cli/bench.js';
import { createWasmBackend, loadModule } from '../src/backends/wasm/index.js';
import { bestBuild, detectFeatures } from '../src/backends/wasm/features.js';
import { createPool } from '../src/backends/wasm/pool.js';
import { makeDataset } from '../src/data/index.js';
import { setBackend } from '../src/engine.js';
import { KERNEL_IDS } from '../src/kernels.js';
import { Trainer } from '../src/train/trainer.js';
import { DONE } from '../worker/pool_sync.mjs';

const STEPS = Number(process.argv.find((a) => a.startsWith('--steps='))?.split('=')[1] ?? 200);
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

let jobs = 0, longGaps = 0, wakes = 0, lastJob = 0;
const store = Atomics.store, notify = Atomics.notify;
Atomics.store = ((a: Int32Array, i: number, v: number) => {
  if (i === DONE && v === 0 && a.buffer instanceof SharedArrayBuffer) {
    if (performance.now() - lastJob > 0.5) longGaps++;
    lastJob = performance.now();
    jobs++;
  }
  return store(a, i, v);
}) as typeof Atomics.store;
Atomics.notify = ((a: Int32Array, i: number, c?: number) => (wakes++, notify(a, i, c))) as typeof Atomics.notify;

async function roundTrip(): Promise<void> {
  const module = await loadModule(bestBuild(await detectFeatures(), true));
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 65536, shared: true });
  const fill = (await WebAssembly.instantiate(module, { env: { memory } })).exports.fill_f32 as (y: number, n: number, v: number) => void;
  const pool = await createPool(module, memory, 2, 32768);
  for (const gapUs of [0, 20, 200]) {
    const times: number[] = [];
    for (let r = 0; r < 5000; r++) {
      for (const g0 = performance.now(); performance.now() - g0 < gapUs / 1000; );
      const t0 = performance.now();
      pool.run(pool.exportIndex('fill_f32'), [[65536, 16, 1], [65600, 16, 2]], -1, [], (a) => fill(a[0], a[1], a[2]));
      times.push((performance.now() - t0) * 1000);
    }
    console.log(`round trip after ${gapUs} µs of caller work: median ${median(times).toFixed(1)} µs`);
  }
  pool.dispose();
}

/** Per step, each kernel call's [start, end, whether a pool job ran inside it]; prints the calls split on 2T (`split`, default this run's) in a step against alone. */
async function run(config: unknown, threads: number, split?: number[]): Promise<[number, number, boolean][][]> {
  const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
  const be = await createWasmBackend({ threads, backoff: false }); // every split call splits, on a busy machine too
  let calls: [number, number, boolean][] = [];
  let replay: (() => void)[] = [];
  const timed = Object.create(be) as Record<string, unknown>;
  for (const id of KERNEL_IDS) {
    timed[id] = (...a: unknown[]) => {
      const j = jobs, t0 = performance.now();
      (be[id] as (...a: unknown[]) => void)(...a);
      calls.push([t0, performance.now(), jobs > j]);
      replay.push(() => (be[id] as (...a: unknown[]) => void)(...a));
    };
  }
  setBackend(timed as unknown as Backend);
  const t = new Trainer(config as never, makeDataset(x, 784), timed as unknown as Backend);
  for (let i = 0; i < 30; i++) t.trainStep();
  jobs = longGaps = wakes = 0;
  const steps: [number, number, boolean][][] = [];
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++, steps.push(calls)) {
    calls = [];
    t.trainStep();
  }
  const ms = (performance.now() - t0) / STEPS, kern = steps.flat().reduce((s, c) => s + c[1] - c[0], 0) / STEPS;
  {
    const sp = split ?? steps[0].flatMap((c, i) => (c[2] ? [i] : []));
    // The calls split on 2T, inside the step (median over steps) and each again 5× back to back right
    // after the last step (minimum: warm caches, operands already on this core): the difference is what
    // a call loses to its neighbours in the step (operands written by the other core, evicted lines).
    replay = [];
    calls = [];
    t.trainStep();
    const inStep = sp.reduce((sum, i) => sum + median(steps.map((c) => c[i][1] - c[i][0])), 0);
    const alone = sp.reduce((sum, i) => {
      let best = Infinity;
      for (let r = 0; r < 5; r++) {
        const q0 = performance.now();
        replay[i]();
        best = Math.min(best, performance.now() - q0);
      }
      return sum + best;
    }, 0);
    console.log(`  ${threads}T: the ${sp.length} split calls take ${inStep.toFixed(3)} ms in a step, ${alone.toFixed(3)} ms each repeated alone`);
  }
  console.log(`  ${threads}T: ${ms.toFixed(3)} ms/step (${Math.round(1e5 / ms)} ex/s), kernels ${kern.toFixed(3)}, rest (JS) ${(ms - kern).toFixed(3)} (${((100 * (ms - kern)) / ms).toFixed(0)} %), pool jobs/step ${(jobs / STEPS).toFixed(1)} (gaps > 0.5 ms ${(longGaps / STEPS).toFixed(2)}, wakes ${(wakes / STEPS).toFixed(2)})`);
  be.dispose();
  return steps;
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await roundTrip();
for (const m of MODELS) {
  console.log(m.name);
  const two = await run(m.config, 2);
  const split = two[0].flatMap((c, i) => (c[2] ? [i] : []));
  const one = await run(m.config, 1, split);
  // From the end of each split call to the start of the next (the next step's first for the last).
  const gaps = split.map((i, q) => median(one.slice(0, -1).map((cur, s) => (q + 1 < split.length ? cur[split[q + 1]][0] : one[s + 1][split[0]][0]) - cur[i][1])));
  const step = median(one.slice(0, -1).map((cur, s) => one[s + 1][0][0] - cur[0][0])), serial = gaps.reduce((a, b) => a + b, 0);
  console.log(`  serial part (1T timeline, between the ${split.length} calls split on 2T): ${(serial * 1000).toFixed(0)} µs of ${(step * 1000).toFixed(0)} (${((100 * serial) / step).toFixed(1)} %), longest gap ${(Math.max(...gaps) * 1000).toFixed(0)} µs; with every split call exactly 2× faster, 2T/1T ≤ ${(step / (serial + (step - serial) / 2)).toFixed(2)}`);
}
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
