// The JS share of a training step (issue 18): `npx tsx bench/js_share.ts [--rounds=5] [--steps=200] [root]`,
// root a built copy of the package (default: this one), 1 thread, the three models of bench/threads.ts
// (Gumbel-Softmax, Adam, batch 100). Every `<kernel>_f32` export is wrapped before the backend sees it:
//   timed: the kernel between two performance.now() calls; "outside wasm" = step − Σ kernel calls − the
//     timer's own cost per call: everything serial in JS (data rows, ops, tape, bindings, optimizer, GC,
//     and the cache misses the JS takes after a kernel has streamed its operands through L1/L2);
//   noop: the kernel replaced by an empty function: the JS alone, with warm caches.
// Per round the mean of the fastest 90 % of `steps` steps (a loaded machine preempts the others), the
// median of rounds. It reads low: the JS-to-wasm call counts as wasm, and the slowest steps (GC, the
// epoch's permutation) are left out; use it to compare builds, in separate processes (in one process
// the tree loaded second runs its JS up to 25 % slower: shared builtins' feedback).
// The whole share, on Linux: `perf record -D 3000 -F 4999 node --perf-basic-prof DRIVER` (a driver
// running trainStep in a loop), then the main thread's samples whose symbol holds `wasm-function`
// against the rest. On 7 Dec 2026 (1 thread; vae-cat / sbn-bern / vae-mlp): wasm 92.9 / 88.0 / 94.8 %;
// the rest is the batch's rows (copies, subarrays, the epoch's permutation: 1.9 / 4.2 / 0.7 %), V8
// builtins (calls, inline caches, allocation: 2.0 / 2.9 / 1.9 %), jitted JS (ops, tape, bindings,
// optimizer: 1.3 / 2.0 / 1.0 %), the OS (0.9 / 1.3 / 0.8 %), V8's C++ and GC (1.0 / 1.5 / 0.8 %).
// This timing gave 3.9 / 5.2 / 1.9 % outside wasm then, node --cpu-prof 12 / 14 / 4 %.
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const root = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? '.';
/** Mean of the fastest 90 %. */
const fast = (a: number[]) => {
  const s = [...a].sort((p, q) => p - q).slice(0, Math.ceil(a.length * 0.9));
  return s.reduce((x, y) => x + y, 0) / s.length;
};
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

let noop = false, inWasm = 0, calls = 0;
const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (m: WebAssembly.Module, i: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
const timed = (f: (...a: number[]) => unknown) => (...a: number[]) => {
  if (noop) return;
  calls++;
  const t0 = performance.now();
  f(...a);
  inWasm += performance.now() - t0;
};
(WebAssembly as { instantiate: unknown }).instantiate = async (m: WebAssembly.Module, imports: WebAssembly.Imports) => {
  const exports = { ...((await instantiate(m, imports)).exports as Record<string, (...a: number[]) => unknown>) };
  for (const name of Object.keys(exports)) if (name.endsWith('_f32') && name !== 'matmul_ws_bytes_f32') exports[name] = timed(exports[name]);
  return { exports } as unknown as WebAssembly.Instance;
};

// The timer's cost per wrapped call, outside the kernel's [t0, t1]: the same wrapper around an empty function.
const empty = timed(() => {});
let t0 = performance.now();
for (let i = 0; i < 200_000; i++) empty(i);
const perCall = (performance.now() - t0 - inWasm) / 200_000 + inWasm / 200_000 / 2;

const imp = (p: string) => import(pathToFileURL(resolve(root, 'dist', p)).href);
const { MODELS } = await imp('cli/bench.js');
const { Trainer } = await imp('train/trainer.js');
const { makeDataset } = await imp('data/index.js');
const be = await (await imp('backends/open.js')).openBackend('wasm', { threads: 1 });
(await imp('engine.js')).setBackend(be);
const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
const trainers = (MODELS as { name: string; config: unknown }[]).map((m) => [m.name, new Trainer(m.config, makeDataset(x, 784), be)] as const);
console.log(`${resolve(root)}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const res = new Map<string, number[]>();
const add = (k: string, v: number) => res.set(k, [...(res.get(k) ?? []), v]);
for (let r = 0; r < opt('rounds', 5); r++) {
  for (const [name, t] of trainers) {
    for (const mode of [false, true]) {
      noop = mode;
      for (let i = 0; i < (r ? 20 : 100); i++) t.trainStep();
      const total: number[] = [], outside: number[] = [];
      for (let i = 0; i < opt('steps', 200); i++) {
        inWasm = calls = 0;
        t0 = performance.now();
        t.trainStep();
        total.push(performance.now() - t0);
        outside.push(total[i] - inWasm - calls * perCall);
      }
      add(`${name} ${mode} step`, fast(total));
      add(`${name} ${mode} outside`, fast(outside));
    }
  }
}
const us = (k: string) => median(res.get(k)!) * 1000;
console.log(`µs per step, 1 thread (timer cost ${(perCall * 1000).toFixed(3)} µs per kernel call, subtracted)`);
console.log('model       step  outside wasm   share   JS alone (noop)   share');
for (const [name] of trainers) {
  const step = us(`${name} false step`), out = us(`${name} false outside`), alone = us(`${name} true step`);
  const pct = (v: number) => `${((100 * v) / step).toFixed(1)} %`.padStart(8);
  console.log(`${name.padEnd(9)} ${step.toFixed(0).padStart(6)} ${out.toFixed(0).padStart(13)} ${pct(out)} ${alone.toFixed(1).padStart(17)} ${pct(alone)}`);
}
be.dispose();
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
