// Thread scaling of the wasm backend (issue 18): `npx tsx bench/threads.ts [--rounds=5] [--seconds=1.5]
// [--reps=100] [root ...]` (--rounds=0: the kernels only), each root a built copy of the package (its dist/, build/, worker/;
// default: this one, after `npm run build`). Two tables:
//   kernels: the kernels of the three models at their shapes, min time per call on 1 and 2 threads
//     (the pool never backs off here; reps back to back, so the workers stay awake as they do within
//     a step; the minimum, because on a shared machine a worker is often descheduled);
//   models: examples/s of one training step (vae-cat, vae-mlp, sbn-bern; batch 100), the median
//     over interleaved rounds (every root, 1 and 2 threads, each model), and the ratio 2T/1T; on
//     Linux also from the main thread's CPU time per step (/proc/self/task/<pid>/stat), which on a
//     busy machine tracks the quiet machine's wall time better (it leaves out the time the thread
//     waits for a core; it counts the caller's spin and the chunks it takes over from a late worker).
// Compare an old build with the new one side by side: copy the old dist/ build/ worker/ package.json
// to a folder (node_modules linked) and pass both folders.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

type Be = Record<string, (...a: unknown[]) => unknown> & { dispose(): void };
interface Lib {
  name: string;
  open: (name: string, o: { threads: number }) => Promise<Be>;
  /** The wasm backend without the pool's back-off (older builds ignore the option), for the kernel table. */
  wasm: (o: { threads: number; backoff: boolean }) => Promise<Be>;
  MODELS: { name: string; config: unknown }[];
  setBackend: (be: Be) => void;
  Trainer: new (cfg: unknown, data: unknown, be: Be) => { trainStep(): unknown };
  makeDataset: (x: Float32Array, dim: number) => unknown;
}

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const roots = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];
/** CPU milliseconds of the main thread (utime + stime, in 10 ms ticks); NaN where there is no /proc. */
function mainThreadCpu(): number {
  try {
    const f = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return NaN;
  }
}

async function load(root: string): Promise<Lib> {
  const imp = (p: string) => import(pathToFileURL(resolve(root, 'dist', p)).href);
  return {
    name: resolve(root).split('/').pop()!,
    open: (await imp('backends/open.js')).openBackend,
    wasm: (await imp('backends/wasm/index.js')).createWasmBackend,
    MODELS: (await imp('cli/bench.js')).MODELS,
    setBackend: (await imp('engine.js')).setBackend,
    Trainer: (await imp('train/trainer.js')).Trainer,
    makeDataset: (await imp('data/index.js')).makeDataset,
  };
}

const rnd = (n: number, abs = false) => Float32Array.from({ length: n }, (_, i) => (abs ? Math.abs : Number)(Math.sin(i * 12.9898) * 2));
const up = (be: Be, d: Float32Array) => {
  const b = be.alloc(d.length, true);
  be.write(b, d);
  return b;
};
// [m, k, n, transA, transB]: every product of the three models' training steps.
const MATMULS = [
  [100, 784, 200, 0, 0], [784, 100, 200, 1, 0], [100, 200, 784, 0, 0], [200, 100, 784, 1, 0], [100, 784, 200, 0, 1],
  [100, 784, 512, 0, 0], [784, 100, 512, 1, 0], [100, 512, 256, 0, 0], [512, 100, 256, 1, 0], [100, 256, 512, 0, 1],
  [100, 256, 200, 0, 0], [256, 100, 200, 1, 0], [100, 200, 256, 0, 1], [100, 512, 784, 0, 0], [100, 784, 512, 0, 1],
  [100, 392, 200, 0, 0], [392, 100, 200, 1, 0], [100, 200, 200, 0, 0], [200, 100, 200, 1, 0], [100, 200, 200, 0, 1],
  [100, 200, 392, 0, 0], [100, 392, 200, 0, 1], [19600, 288, 32, 0, 0],
];
const CASES: [string, (be: Be) => () => unknown][] = [
  ...MATMULS.map(([m, k, n, ta, tb]): [string, (be: Be) => () => unknown] => [`matmul ${m}×${k}×${n}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''}`, (be) => {
    const a = up(be, rnd(m * k)), b = up(be, rnd(k * n)), c = be.alloc(m * n, true);
    return () => be.matmul(a, b, c, m, k, n, !!ta, !!tb, false, null);
  }]),
  ...[100_352, 401_408].map((n): [string, (be: Be) => () => unknown] => [`adam ${n}`, (be) => {
    const p = up(be, rnd(n)), g = up(be, rnd(n)), m = up(be, rnd(n)), v = up(be, rnd(n, true));
    return () => be.adam(p, g, m, v, n, 1e-3, 0.9, 0.999, 1e-8, 5);
  }]),
  ...[20_000, 78_400].map((n): [string, (be: Be) => () => unknown] => [`sigmoid_xent ${n}`, (be) => {
    const l = up(be, rnd(n)), t = up(be, rnd(n, true)), y = be.alloc(n, true);
    return () => be.sigmoid_xent(l, t, y, n);
  }]),
  ['sigmoid 20000', (be) => {
    const x = up(be, rnd(20_000)), y = be.alloc(20_000, true);
    return () => be.unary('sigmoid', x, y, 20_000);
  }],
  ['random_gumbel 20000', (be) => {
    const y = be.alloc(20_000, true);
    return () => be.random_gumbel(y, 20_000, 1, 2);
  }],
  ['softmax 2000×10', (be) => {
    const x = up(be, rnd(20_000)), y = be.alloc(20_000, true);
    return () => be.softmax(x, y, 2000, 10);
  }],
  ...([[100, 784], [1000, 784]] as const).map(([r, c]): [string, (be: Be) => () => unknown] => [`reduce_sum ${r}×${c} columns`, (be) => {
    const x = up(be, rnd(r * c)), y = be.alloc(c, true);
    return () => be.reduce_sum(x, y, r, c, 0);
  }]),
  // The M2 model's second convolution: x [100, 14, 14, 32], 5×5 kernel, stride 2, pad 2 → cols [4900, 800].
  ...(['im2col', 'col2im'] as const).map((id): [string, (be: Be) => () => unknown] => [`${id} 100×14×14×32 5×5/2`, (be) => {
    const x = up(be, rnd(100 * 14 * 14 * 32)), cols = up(be, rnd(4900 * 800));
    return () => (id === 'im2col' ? be.im2col(x, cols, 100, 14, 14, 32, 5, 5, 2, 2, 7, 7) : be.col2im(cols, x, 100, 14, 14, 32, 5, 5, 2, 2, 7, 7));
  }]),
  ['kl_categorical_grad 2000×10', (be) => {
    const q = up(be, rnd(20_000)), p = up(be, rnd(20_000)), dy = up(be, rnd(2000)), a = be.alloc(20_000, true), b = be.alloc(20_000, true);
    return () => be.kl_categorical_grad(q, p, dy, a, b, 2000, 10);
  }],
];

async function kernels(libs: Lib[], reps: number): Promise<void> {
  const bes: [string, Be][] = [];
  for (const L of libs) for (const t of [1, 2]) bes.push([`${L.name} ${t}T`, await L.wasm({ threads: t, backoff: false })]);
  console.log(`\nµs per call (min)`.padEnd(34) + bes.map(([n]) => n.padStart(18)).join('') + '   2T/1T');
  for (const [name, make] of CASES) {
    const fs = bes.map(([, be]) => make(be)), best = fs.map(() => Infinity);
    for (let round = 0; round < 3; round++) {
      fs.forEach((f, j) => {
        for (let i = 0; i < 10; i++) f();
        for (let r = 0; r < reps; r++) {
          const t0 = performance.now();
          f();
          best[j] = Math.min(best[j], performance.now() - t0);
        }
      });
    }
    const ratios = best.filter((_, j) => j % 2).map((b, j) => (best[2 * j] / b).toFixed(2));
    console.log(name.padEnd(34) + best.map((b) => (b * 1000).toFixed(1).padStart(18)).join('') + `   ${ratios.join(' ')}`);
  }
  for (const [, be] of bes) be.dispose();
}

async function models(libs: Lib[], rounds: number, seconds: number): Promise<void> {
  const x = new Float32Array(1000 * 784).map((_, i) => (((i * 2654435761) >>> 0) % 8 === 0 ? 1 : 0));
  const ms = new Map<string, number[]>(), cpu = new Map<string, number[]>();
  for (let r = 0; r < rounds; r++) {
    for (const L of libs) {
      for (const threads of [1, 2]) {
        const be = await L.open('wasm', { threads });
        for (const m of L.MODELS) {
          L.setBackend(be);
          const t = new L.Trainer(m.config, L.makeDataset(x, 784), be);
          for (let i = 0; i < 30; i++) t.trainStep(); // V8 tier-up
          let steps = 0;
          const t0 = performance.now(), c0 = mainThreadCpu();
          do {
            t.trainStep();
            steps++;
          } while (performance.now() - t0 < seconds * 1000);
          const key = `${L.name} ${m.name} ${threads}T`;
          ms.set(key, [...(ms.get(key) ?? []), (performance.now() - t0) / steps]);
          cpu.set(key, [...(cpu.get(key) ?? []), (mainThreadCpu() - c0) / steps]);
        }
        be.dispose();
      }
    }
  }
  for (const [what, t] of [['wall time', ms], ['main-thread CPU time', cpu]] as const) {
    console.log(`\nexamples/s from the ${what}, median of ${rounds} rounds`);
    for (const L of libs) {
      for (const m of L.MODELS) {
        const one = median(t.get(`${L.name} ${m.name} 1T`)!), two = median(t.get(`${L.name} ${m.name} 2T`)!);
        console.log(`${L.name.padEnd(16)} ${m.name.padEnd(9)} 1T ${Math.round(1e5 / one).toString().padStart(7)}   2T ${Math.round(1e5 / two).toString().padStart(7)}   2T/1T ${(one / two).toFixed(2)}`);
      }
    }
  }
}

const { loadavg } = await import('node:os');
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
const libs = await Promise.all((roots.length ? roots : ['.']).map(load));
await kernels(libs, opt('reps', 100));
if (opt('rounds', 5) > 0) await models(libs, opt('rounds', 5), opt('seconds', 1.5));
console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
process.exit(0);
