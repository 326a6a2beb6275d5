// What the machine allows from 1 to 2 threads (issue 18 item 2): `npx tsx bench/threads_bound.ts
// [--rounds=3] [--seconds=4]`. Per model (bench/threads.ts's three), each in fresh processes:
//   1T: one process training on 1 thread;  2T: one process on 2 threads (our pool);
//   pair: two 1-thread processes at once, examples/s summed.
// The pair shares nothing but the hardware (caches, memory bandwidth, clocks, the hypervisor), so
// pair / 1T bounds what any split of one step could reach here; 2T / pair is what our threading
// keeps of it. Medians over interleaved rounds. Run it on a quiet machine.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openBackend } from '../src/backends/open.js';
import { MODELS, msPerStep } from '../src/cli/bench.js';

const opt = (k: string, d: number) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.split('=')[1] ?? d);
const child = process.argv.find((a) => a.startsWith('--child='))?.split('=')[1];
const median = (a: number[]) => [...a].sort((p, q) => p - q)[a.length >> 1];

if (child) {
  // One model's training steps for --seconds after 30 warm-up steps (V8 tier-up): prints examples/s.
  const be = await openBackend('wasm', { threads: opt('threads', 1) });
  console.log(100_000 / msPerStep(be, MODELS.find((m) => m.name === child)!.config, opt('seconds', 4), 30));
  process.exit(0);
}

const run = (model: string, threads: number) =>
  new Promise<number>((resolve, reject) => {
    const args = [...process.execArgv, fileURLToPath(import.meta.url), `--child=${model}`, `--threads=${threads}`, `--seconds=${opt('seconds', 4)}`];
    const p = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', (code) => (code === 0 ? resolve(Number(out)) : reject(new Error(`${model} on ${threads} threads exited with ${code}`))));
  });

const rows = new Map(MODELS.map((m) => [m.name, { one: [] as number[], two: [] as number[], pair: [] as number[] }]));
for (let r = 0; r < opt('rounds', 3); r++) {
  for (const m of MODELS) {
    const row = rows.get(m.name)!;
    row.one.push(await run(m.name, 1));
    row.two.push(await run(m.name, 2));
    row.pair.push((await Promise.all([run(m.name, 1), run(m.name, 1)])).reduce((a, b) => a + b));
  }
}
console.log(`examples/s, median of ${opt('rounds', 3)} rounds    1T      2T   pair (2 × 1T)   2T/1T   pair/1T   2T/pair`);
for (const [name, { one, two, pair }] of rows) {
  const [a, b, c] = [median(one), median(two), median(pair)];
  console.log(`${name.padEnd(32)} ${[a, b, c].map((v) => Math.round(v).toString().padStart(7)).join(' ')}          ${(b / a).toFixed(2)}      ${(c / a).toFixed(2)}      ${(b / c).toFixed(2)}`);
}
