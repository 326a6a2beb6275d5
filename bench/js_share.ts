// The JS share of a training step (issue 18): `npx tsx bench/js_share.ts [--rounds=5] [--steps=200] [root ...]`,
// each root a built copy of the package (dist/, build/, worker/; default: this one), 1 thread, the three
// models of bench/threads.ts (Gumbel-Softmax, Adam, batch 100), roots interleaved round by round.
// Every `<kernel>_f32` export of the wasm instance is wrapped before the backend sees it, in two modes:
//   timed: the real kernel between two performance.now() calls; "outside wasm" = step − Σ kernel calls,
//     i.e. everything serial in JS (data rows, ops, tape, bindings, optimizer, GC, and the cache misses
//     the JS takes after a kernel has streamed its operands through L1/L2), less the timer calls
//     (their cost per call measured on an empty function first);
//   noop: the kernel replaced by an empty function, so the step is its JS alone with warm caches
//     (the work the JS does, without what the kernels do to its caches).
// Per round the 10th percentile over `steps` steps (a loaded machine preempts many steps); the median
// over rounds. The CPU profiler (node --cpu-prof) over-counts JS here: it put 12–14 % of a step in JS
// self time where this timing finds about 5 % (samples that land in a JS-to-wasm transition).
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Be = { dispose(): void };
interface Lib {
  name: string;
  be: Be;
  setBackend: (be: Be) => void;
  trainers: Map<string, { trainStep(): unknown }>;
}

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
const p10 = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 10)];

let mode: 'timed' | 'noop' = 'timed';
let inWasm = 0, calls = 0;
const instantiate = WebAssembly.instantiate.bind(WebAssembly) as (m: WebAssembly.Module, i: WebAssembly.Imports) => Promise<WebAssembly.Instance>;
(WebAssembly as { instantiate: unknown }).instantiate = async (m: WebAssembly.Module, imports: WebAssembly.Imports) => {
  const real = (await instantiate(m, imports)).exports as Record<string, unknown>;
  const exports: Record<string, unknown> = { ...real };
  for (const [name, f] of Object.entries(real)) {
    if (!name.endsWith('_f32') || name === 'matmul_ws_bytes_f32' || typeof f !== 'function') continue;
    exports[name] = (...a: number[]) => {
      if (mode === 'noop') return;
      calls++;
      const t0 = performance.now();
      f(...a);
      inWasm += performance.now() - t0;
    };
  }
  return { exports } as WebAssembly.Instance;
};

async function load(root: string): Promise<Lib> {
  const imp = (p: string) => import(pathToFileURL(resolve(root, 'dist', p)).href);
  const { MODELS } = await imp('cli/bench.js');
  const { setBackend } = await imp('engine.js');
  const { Trainer } = await imp('train/trainer.js');
  const { makeDataset } = await imp('data/index.js');
  const be: Be = await (await imp('backends/open.js')).openBackend('wasm', { threads: 1 });
  const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
  const trainers = new Map<string, { trainStep(): unknown }>();
  setBackend(be);
  for (const m of MODELS as { name: string; config: unknown }[]) trainers.set(m.name, new Trainer(m.config, makeDataset(x, 784), be));
  return { name: resolve(root).split('/').pop()!, be, setBackend, trainers };
}

/** Milliseconds the timing adds per wrapped call, outside the kernel: the same wrapper around an empty function. */
function wrapperCost(): number {
  const empty = (..._a: number[]) => {};
  let sink = 0;
  const t0 = performance.now();
  for (let i = 0; i < 200_000; i++) {
    const a = performance.now();
    empty(i, i);
    sink += performance.now() - a;
  }
  return (performance.now() - t0 - sink) / 200_000 + sink / 200_000 / 2;
}

console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const perCall = wrapperCost();
const libs = await Promise.all((roots.length ? roots : ['.']).map(load));
const rounds = opt('rounds', 5), steps = opt('steps', 200);
const res = new Map<string, number[]>();
const add = (k: string, v: number) => res.set(k, [...(res.get(k) ?? []), v]);
for (let r = 0; r < rounds; r++) {
  for (const m of ['timed', 'noop'] as const) {
    mode = m;
    for (const L of libs) {
      L.setBackend(L.be);
      for (const [name, t] of L.trainers) {
        for (let i = 0; i < (r ? 20 : 100); i++) t.trainStep();
        const total: number[] = [], outside: number[] = [];
        for (let i = 0; i < steps; i++) {
          inWasm = 0;
          calls = 0;
          const t0 = performance.now();
          t.trainStep();
          total.push(performance.now() - t0);
          outside.push(total[i] - inWasm - calls * perCall);
        }
        add(`${L.name} ${name} ${m} step`, p10(total));
        add(`${L.name} ${name} ${m} outside`, p10(outside));
      }
    }
  }
}
const us = (k: string) => median(res.get(k)!) * 1000;
console.log(`\nµs per step (1 thread; per round the 10th percentile of ${steps} steps, median of ${rounds} rounds; outside wasm less ${(perCall * 1000).toFixed(3)} µs of timing per kernel call)`);
console.log('model     root              step   outside wasm   share   JS alone (noop)   share');
for (const name of libs[0].trainers.keys()) {
  for (const L of libs) {
    const step = us(`${L.name} ${name} timed step`), out = us(`${L.name} ${name} timed outside`), alone = us(`${L.name} ${name} noop step`);
    const pct = (v: number) => `${((100 * v) / step).toFixed(1)} %`.padStart(8);
    console.log(`${name.padEnd(9)} ${L.name.padEnd(14)} ${step.toFixed(0).padStart(7)} ${out.toFixed(0).padStart(14)} ${pct(out)} ${alone.toFixed(1).padStart(17)} ${pct(alone)}`);
  }
}
for (const L of libs) L.be.dispose();
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
